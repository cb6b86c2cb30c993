#!/usr/bin/python3
"""Signs the message on stdin with dkimpy (Debian's python3-dkim) and writes
it, DKIM-Signature first, to stdout. For the DKIM tests.

  dkim_sign.py KEY.pem SELECTOR DOMAIN [--length] [--expired]
               [--headers from,to,subject] [--canonicalize relaxed/relaxed]

--length adds l= (the body length at signing time). --expired and a
--headers list without From go through dkimpy's own header generator with
the tags it will not write by itself (x= in the past, h= without From).
--canonicalize HEADER/BODY (default relaxed/simple) applies to ordinary
signatures only.
"""
import argparse
import sys
import time

import dkim


def sign_custom(d, selector, domain, key, headers, expired, length):
    # Mirrors dkim.DKIM.sign, tags added, checks on From skipped.
    pk = dkim.parse_pem_private_key(key)
    canon = dkim.CanonicalizationPolicy.from_c_value(b"relaxed/simple")
    d.hasher = dkim.HASH_ALGORITHMS[d.signature_algorithm]
    body = canon.canonicalize_body(d.body)
    h = d.hasher()
    h.update(body)
    now = int(time.time())
    fields = [
        (b"v", b"1"), (b"a", d.signature_algorithm), (b"c", canon.to_c_value()),
        (b"d", domain), (b"i", b"@" + domain),
    ]
    if length:
        fields.append((b"l", str(len(body)).encode()))
    fields += [(b"q", b"dns/txt"), (b"s", selector)]
    if expired:
        fields += [(b"t", str(now - 7200).encode()), (b"x", str(now - 3600).encode())]
    else:
        fields.append((b"t", str(now).encode()))
    fields += [
        (b"h", b" : ".join(headers)),
        (b"bh", dkim.base64.b64encode(h.digest())),
        (b"b", b"0" * 60),
    ]
    d.include_headers = tuple(headers)
    return b"DKIM-Signature: " + d.gen_header(fields, tuple(headers), canon,
                                               b"DKIM-Signature", pk)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("key")
    p.add_argument("selector")
    p.add_argument("domain")
    p.add_argument("--length", action="store_true")
    p.add_argument("--expired", action="store_true")
    p.add_argument("--headers", default="from,to,subject,date,message-id")
    p.add_argument("--canonicalize", default="relaxed/simple")
    a = p.parse_args()
    message = sys.stdin.buffer.read()
    with open(a.key, "rb") as f:
        key = f.read()
    selector, domain = a.selector.encode(), a.domain.encode()
    headers = [x.strip().lower().encode() for x in a.headers.split(",") if x.strip()]
    canon = tuple(x.encode() for x in a.canonicalize.split("/"))
    if len(canon) != 2:
        p.error("--canonicalize takes HEADER/BODY, e.g. relaxed/relaxed")
    if a.expired or b"from" not in headers:
        d = dkim.DKIM(message, signature_algorithm=b"rsa-sha256")
        sig = sign_custom(d, selector, domain, key, headers, a.expired, a.length)
    else:
        sig = dkim.sign(message, selector, domain, key, include_headers=headers,
                        canonicalize=canon, length=a.length)
    sys.stdout.buffer.write(sig + message)


if __name__ == "__main__":
    main()
