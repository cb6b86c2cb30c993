#!/usr/bin/python3
"""OAuth2 token service for flexmail's integration tests (standard library only).

Two listeners on one host (127.0.0.1):

  HTTPS (the stack's server certificate), the token endpoint:
    POST /token        client-credentials grant (RFC 6749 section 4.4). Form
                       fields: grant_type=client_credentials, scope (required,
                       recorded), client_id, and either client_secret (or HTTP
                       Basic, RFC 6749 section 2.3.1) or
                       client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer
                       with client_assertion, a JWT (RFC 7523) verified fully:
                       alg RS256 or PS256 only; x5t#S256 (or x5t) the
                       thumbprint of a certificate registered for the client;
                       the RSA signature with that certificate's key (verified
                       here with Python integers: PKCS#1 v1.5, and PSS with
                       SHA-256, MGF1-SHA-256 and a 32-byte salt); iss == sub ==
                       client_id; aud == this endpoint's URL exactly (or an
                       array holding it); exp in the future; exp - nbf (or
                       exp - iat when there is no nbf) at most 600 s; nbf and
                       iat not in the future (30 s leeway); jti never seen.
                       Success: {"access_token", "token_type": "Bearer",
                       "expires_in"} and a Date header. Refusals as RFC 6749
                       section 5.2 says: 401 invalid_client (the description
                       names the check that failed), 400 invalid_request,
                       unsupported_grant_type, invalid_scope.

  HTTP, for Dovecot and the tests:
    POST /introspect   form token=... -> {"active": true, "username": LOGIN,
                       "client_id": ..., "scope": ..., "exp": ...} while the
                       token was issued here, is not expired and not revoked;
                       else {"active": false}. Dovecot's oauth2 passdb compares
                       "username" with the login name.
    GET  /admin/stats  counts: token_requests, tokens_issued, token_refusals,
                       introspections, introspections_active, by_credential
                       {secret, assertion} (tokens issued), refusals_by_error,
                       last_refusal, last_scope, token_endpoint_up, ttl,
                       clock_offset
    POST /admin/ttl?seconds=N            lifetime of the tokens issued from now on
    POST /admin/revoke-all               every token issued so far is inactive
    POST /admin/token-endpoint?up=0|1    0 closes the HTTPS listening socket
                                         (clients get "connection refused"),
                                         1 listens again on the same port
    POST /admin/token-failure?status=N   /token answers every request with HTTP
                                         N (400-599, error
                                         "temporarily_unavailable", Retry-After: 1
                                         for 429 and 503); 0 ends this
    POST /admin/clock-offset?seconds=N   the Date header and the assertion's
                                         time checks use our clock + N
    POST /admin/clients                  JSON {"client_id", "username",
                                         "secret"?, "certificate"? (PEM path) or
                                         "certificates"? [paths], "scopes"?
                                         [allowed]}: registers or replaces

Clients at start: --clients FILE, {"clients": [same objects as above]}.
Every response closes its connection (HTTP/1.0): after token-endpoint?up=0 no
kept-alive connection still reaches /token.

Usage: token_service.py --cert PEM --key PEM --clients JSON --log FILE
           [--host 127.0.0.1] [--token-port N] [--admin-port N] [--ttl S]
           [--ready-file FILE]
A port of 0 takes a free one; --ready-file gets {"token_port", "admin_port",
"token_url", "pid"} once both listen. SIGTERM/SIGINT stop it (exit 0).
"""

import argparse
import base64
import binascii
import email.utils
import hashlib
import hmac
import http.server
import json
import logging
import os
import re
import secrets
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time
import traceback
import urllib.parse

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_ASSERTION_LIFETIME = 600  # seconds, exp - nbf (or exp - iat)
LEEWAY = 30  # seconds, nbf and iat in the future
MAX_BODY = 64 * 1024
IO_TIMEOUT = 10  # seconds, per connection (TLS handshake, request)

log = logging.getLogger("token_service")


class Refusal(Exception):
    """An OAuth2 error answer: HTTP status, RFC 6749 error code, description."""

    def __init__(self, status, error, description):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


def client_error(description):
    return Refusal(401, "invalid_client", description)


# ------------------------------------------------------------------ base64url, JSON


_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


def b64url_decode(text, what):
    """Unpadded base64url (RFC 7515 section 2) to bytes; Refusal when malformed."""
    if not isinstance(text, str) or not _B64URL.match(text) or len(text) % 4 == 1:
        raise client_error("client assertion: %s is not base64url" % what)
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise client_error("client assertion: %s is not base64url" % what)


def b64url_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _reject_constant(name):
    raise ValueError("%s is not a JSON number" % name)


def strict_json(text):
    """json.loads without NaN/Infinity and without duplicate object members."""
    return json.loads(text, object_pairs_hook=_no_duplicates,
                      parse_constant=_reject_constant)


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise ValueError("duplicate member %r" % k)
        out[k] = v
    return out


def json_object(data, what):
    try:
        value = strict_json(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise client_error("client assertion: %s is not JSON: %s" % (what, e))
    if not isinstance(value, dict):
        raise client_error("client assertion: %s is not a JSON object" % what)
    return value


# ------------------------------------------------------------------ DER, certificates


class DerError(ValueError):
    pass


def der_read(data, pos):
    """One TLV at pos: (tag, content start, content end). Definite lengths only."""
    if pos + 2 > len(data):
        raise DerError("truncated")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise DerError("multi-byte tag")
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        if n == 0 or n > 4 or pos + n > len(data):
            raise DerError("bad length")
        length = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    if pos + length > len(data):
        raise DerError("truncated")
    return tag, pos, pos + length


def der_children(data, start, end):
    out = []
    pos = start
    while pos < end:
        tag, s, e = der_read(data, pos)
        if e > end:
            raise DerError("child overruns its parent")
        out.append((tag, s, e))
        pos = e
    return out


RSA_ENCRYPTION_OID = bytes.fromhex("2a864886f70d010101")  # 1.2.840.113549.1.1.1


def rsa_key_from_certificate(der):
    """(n, e) from an X.509 certificate's SubjectPublicKeyInfo (rsaEncryption)."""
    tag, s, e = der_read(der, 0)
    if tag != 0x30 or e != len(der):
        raise DerError("certificate is not one SEQUENCE")
    cert = der_children(der, s, e)
    if len(cert) != 3 or cert[0][0] != 0x30:
        raise DerError("certificate is not tbsCertificate, algorithm, signature")
    tbs = der_children(der, cert[0][1], cert[0][2])
    i = 1 if tbs and tbs[0][0] == 0xA0 else 0  # [0] version
    # serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
    if len(tbs) < i + 6:
        raise DerError("tbsCertificate too short")
    tag, s, e = tbs[i + 5]
    if tag != 0x30:
        raise DerError("subjectPublicKeyInfo is not a SEQUENCE")
    spki = der_children(der, s, e)
    if len(spki) != 2 or spki[0][0] != 0x30 or spki[1][0] != 0x03:
        raise DerError("subjectPublicKeyInfo is not algorithm, BIT STRING")
    alg = der_children(der, spki[0][1], spki[0][2])
    if not alg or alg[0][0] != 0x06:
        raise DerError("no algorithm OID")
    if der[alg[0][1]:alg[0][2]] != RSA_ENCRYPTION_OID:
        raise DerError("public key is not RSA (rsaEncryption)")
    bits_s, bits_e = spki[1][1], spki[1][2]
    if bits_e - bits_s < 1 or der[bits_s] != 0:
        raise DerError("public key BIT STRING has unused bits")
    tag, s, e = der_read(der, bits_s + 1)
    if tag != 0x30 or e != bits_e:
        raise DerError("RSAPublicKey is not one SEQUENCE")
    ints = der_children(der, s, e)
    if len(ints) != 2 or ints[0][0] != 0x02 or ints[1][0] != 0x02:
        raise DerError("RSAPublicKey is not two INTEGERs")
    n = int.from_bytes(der[ints[0][1]:ints[0][2]], "big", signed=True)
    exp = int.from_bytes(der[ints[1][1]:ints[1][2]], "big", signed=True)
    if n <= 0 or exp <= 1 or n.bit_length() < 1024:
        raise DerError("RSA key too small or malformed")
    return n, exp


_PEM_CERT = re.compile(
    r"-----BEGIN CERTIFICATE-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END CERTIFICATE-----")


class Certificate:
    def __init__(self, path):
        self.path = path
        with open(path, "r", encoding="ascii", errors="replace") as f:
            text = f.read()
        m = _PEM_CERT.search(text)
        if not m:
            raise ValueError("%s: no PEM certificate" % path)
        try:
            self.der = base64.b64decode("".join(m.group(1).split()), validate=True)
        except (binascii.Error, ValueError) as e:
            raise ValueError("%s: bad base64 in the certificate: %s" % (path, e))
        try:
            self.n, self.e = rsa_key_from_certificate(self.der)
        except DerError as e:
            raise ValueError("%s: %s" % (path, e))
        self.x5t_s256 = b64url_encode(hashlib.sha256(self.der).digest())
        self.x5t = b64url_encode(hashlib.sha1(self.der).digest())


# ------------------------------------------------------------------ RSA signatures


# DER DigestInfo prefix for SHA-256 (RFC 8017 section 9.2, note 1).
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def rsa_public_op(n, e, sig, length):
    """sig as an integer to the power e mod n, as `length` bytes; None when invalid."""
    s = int.from_bytes(sig, "big")
    if s >= n:
        return None
    m = pow(s, e, n)
    if m.bit_length() > 8 * length:
        return None
    return m.to_bytes(length, "big")


def verify_pkcs1_v15_sha256(n, e, message, sig):
    """RSASSA-PKCS1-v1_5 verification (RFC 8017 section 8.2.2), SHA-256."""
    k = (n.bit_length() + 7) // 8
    if len(sig) != k:
        return False
    em = rsa_public_op(n, e, sig, k)
    if em is None:
        return False
    t = SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    if k < len(t) + 11:
        return False
    expected = b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t
    return hmac.compare_digest(em, expected)


def mgf1_sha256(seed, length):
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def verify_pss_sha256(n, e, message, sig, salt_len=32):
    """RSASSA-PSS verification (RFC 8017 sections 8.1.2 and 9.1.2): SHA-256,
    MGF1 with SHA-256, the given salt length."""
    k = (n.bit_length() + 7) // 8
    if len(sig) != k:
        return False
    mod_bits = n.bit_length()
    em_bits = mod_bits - 1
    em_len = (em_bits + 7) // 8
    em = rsa_public_op(n, e, sig, em_len)
    if em is None:
        return False
    h_len = 32
    m_hash = hashlib.sha256(message).digest()
    if em_len < h_len + salt_len + 2 or em[-1] != 0xBC:
        return False
    masked_db = em[:em_len - h_len - 1]
    h = em[em_len - h_len - 1:-1]
    zero_bits = 8 * em_len - em_bits
    top_mask = (0xFF << (8 - zero_bits)) & 0xFF
    if masked_db[0] & top_mask:
        return False
    db = bytearray(a ^ b for a, b in zip(masked_db, mgf1_sha256(h, len(masked_db))))
    db[0] &= 0xFF >> zero_bits
    ps_len = em_len - h_len - salt_len - 2
    if any(db[:ps_len]) or db[ps_len] != 0x01:
        return False
    salt = bytes(db[ps_len + 1:])
    if len(salt) != salt_len:
        return False
    h2 = hashlib.sha256(b"\x00" * 8 + m_hash + salt).digest()
    return hmac.compare_digest(h, h2)


VERIFIERS = {"RS256": verify_pkcs1_v15_sha256, "PS256": verify_pss_sha256}


# ------------------------------------------------------------------ state


class Client:
    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise ValueError("a client is a JSON object")
        unknown = set(spec) - {"client_id", "username", "secret", "certificate",
                               "certificates", "scopes"}
        if unknown:
            raise ValueError("unknown client fields: %s" % ", ".join(sorted(unknown)))
        self.client_id = spec.get("client_id")
        self.username = spec.get("username")
        for name in ("client_id", "username"):
            v = getattr(self, name)
            if not isinstance(v, str) or not v:
                raise ValueError("%s must be a non-empty string" % name)
        self.secret = spec.get("secret")
        if self.secret is not None and (not isinstance(self.secret, str) or not self.secret):
            raise ValueError("secret must be a non-empty string")
        paths = []
        if spec.get("certificate") is not None:
            paths.append(spec["certificate"])
        certs = spec.get("certificates")
        if certs is not None:
            if not isinstance(certs, list):
                raise ValueError("certificates must be a list of paths")
            paths.extend(certs)
        for p in paths:
            if not isinstance(p, str) or not p:
                raise ValueError("a certificate is the path of a PEM file")
        self.certificates = [Certificate(p) for p in paths]
        self.scopes = spec.get("scopes")
        if self.scopes is not None and (
                not isinstance(self.scopes, list)
                or not all(isinstance(s, str) and s for s in self.scopes)):
            raise ValueError("scopes must be a list of strings")
        if self.secret is None and not self.certificates:
            raise ValueError("client %s has neither a secret nor a certificate"
                             % self.client_id)


class State:
    def __init__(self, ttl):
        self.lock = threading.Lock()
        self.clients = {}
        self.ttl = ttl
        self.clock_offset = 0
        self.failure_status = 0
        self.tokens = {}  # access token -> (client_id, username, scope, expiry monotonic, exp)
        # Every jti accepted, for the service's life: with the clock offset
        # movable, an expired assertion may become valid again.
        self.jtis = set()
        self.stats = {
            "token_requests": 0,
            "tokens_issued": 0,
            "token_refusals": 0,
            "introspections": 0,
            "introspections_active": 0,
            "by_credential": {"secret": 0, "assertion": 0},
            "refusals_by_error": {},
            "last_refusal": "",
            "last_scope": "",
        }

    def now(self):
        """Our clock, shifted by the clock offset (Date, assertion checks)."""
        return time.time() + self.clock_offset


# ------------------------------------------------------------------ the token endpoint


def form_fields(body):
    """application/x-www-form-urlencoded body -> {name: value}; each once."""
    try:
        text = body.decode("ascii")
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True,
                                       strict_parsing=bool(text), max_num_fields=64,
                                       errors="strict")
    except (UnicodeDecodeError, ValueError) as e:
        raise Refusal(400, "invalid_request", "malformed form body: %s" % e)
    fields = {}
    for k, v in pairs:
        if k in fields:
            raise Refusal(400, "invalid_request", "parameter %s given more than once" % k)
        fields[k] = v
    return fields


def basic_credentials(header):
    """HTTP Basic (RFC 6749 section 2.3.1: form-urlencoded id and secret)."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        raise client_error("Authorization scheme %s is not Basic" % scheme)
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise client_error("Authorization: Basic credentials are not base64")
    user, sep, password = decoded.partition(":")
    if not sep:
        raise client_error("Authorization: Basic credentials have no ':'")
    return urllib.parse.unquote_plus(user), urllib.parse.unquote_plus(password)


def numeric_claim(claims, name, required):
    v = claims.get(name)
    if v is None:
        if required:
            raise client_error("client assertion: no %s claim" % name)
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise client_error("client assertion: %s is not a number" % name)
    return v


class TokenService:
    def __init__(self, state, token_url):
        self.state = state
        self.token_url = token_url

    def verify_assertion(self, assertion, form_client_id):
        """The client id the assertion (RFC 7523 section 3) authenticates."""
        st = self.state
        parts = assertion.split(".")
        if len(parts) != 3:
            raise client_error("client assertion: not a JWS compact serialisation "
                               "(%d parts, want 3)" % len(parts))
        header = json_object(b64url_decode(parts[0], "header"), "header")
        claims = json_object(b64url_decode(parts[1], "payload"), "payload")
        signature = b64url_decode(parts[2], "signature")
        alg = header.get("alg")
        if alg not in VERIFIERS:
            raise client_error("client assertion: alg %r refused (RS256 or PS256 only)"
                               % (alg,))
        if "crit" in header:
            raise client_error("client assertion: crit header not supported")
        sub = claims.get("sub")
        client_id = form_client_id if form_client_id is not None else sub
        if not isinstance(client_id, str) or not client_id:
            raise client_error("client assertion: no client_id and no sub")
        with st.lock:
            client = st.clients.get(client_id)
        if client is None:
            raise client_error("unknown client %s" % client_id)
        if not client.certificates:
            raise client_error("client %s has no certificate registered" % client_id)
        s256, s1 = header.get("x5t#S256"), header.get("x5t")
        if s256 is None and s1 is None:
            raise client_error("client assertion: no x5t#S256 or x5t header")
        cert = None
        for c in client.certificates:
            if (s256 is None or s256 == c.x5t_s256) and (s1 is None or s1 == c.x5t):
                cert = c
                break
        if cert is None:
            which = "x5t#S256" if s256 is not None else "x5t"
            raise client_error("client assertion: %s %r is not the thumbprint of a "
                               "certificate registered for %s"
                               % (which, s256 if s256 is not None else s1, client_id))
        signing_input = (parts[0] + "." + parts[1]).encode("ascii")
        if not VERIFIERS[alg](cert.n, cert.e, signing_input, signature):
            raise client_error("client assertion: %s signature does not verify with "
                               "the certificate's key" % alg)
        iss = claims.get("iss")
        if iss != client_id:
            raise client_error("client assertion: iss %r is not the client id %s"
                               % (iss, client_id))
        if sub != client_id:
            raise client_error("client assertion: sub %r is not the client id %s"
                               % (sub, client_id))
        aud = claims.get("aud")
        if not (aud == self.token_url
                or (isinstance(aud, list) and self.token_url in aud)):
            raise client_error("client assertion: aud %r is not %s" % (aud, self.token_url))
        now = st.now()
        exp = numeric_claim(claims, "exp", True)
        nbf = numeric_claim(claims, "nbf", False)
        iat = numeric_claim(claims, "iat", False)
        if exp <= now:
            raise client_error("client assertion: expired (exp %d, now %d)" % (exp, now))
        if nbf is not None and nbf > now + LEEWAY:
            raise client_error("client assertion: not yet valid (nbf %d, now %d)"
                               % (nbf, now))
        if iat is not None and iat > now + LEEWAY:
            raise client_error("client assertion: issued in the future (iat %d, now %d)"
                               % (iat, now))
        start = nbf if nbf is not None else iat
        if start is None:
            raise client_error("client assertion: neither nbf nor iat (lifetime unknown)")
        if exp - start > MAX_ASSERTION_LIFETIME:
            raise client_error("client assertion: lifetime exp - %s = %d s exceeds %d s"
                               % ("nbf" if nbf is not None else "iat", exp - start,
                                  MAX_ASSERTION_LIFETIME))
        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti:
            raise client_error("client assertion: no jti")
        with st.lock:
            if jti in st.jtis:
                raise client_error("client assertion: jti %r already used" % jti)
            st.jtis.add(jti)
        return client

    def grant(self, fields, authorization):
        """The token response (dict) or a Refusal."""
        st = self.state
        grant_type = fields.get("grant_type")
        if grant_type is None:
            raise Refusal(400, "invalid_request", "no grant_type")
        if grant_type != "client_credentials":
            raise Refusal(400, "unsupported_grant_type",
                          "grant_type %s is not client_credentials" % grant_type)
        form_id = fields.get("client_id")
        secret = fields.get("client_secret")
        a_type = fields.get("client_assertion_type")
        assertion = fields.get("client_assertion")
        methods = [m for m, on in (("client_secret", secret is not None),
                                   ("client_assertion", assertion is not None
                                    or a_type is not None),
                                   ("HTTP Basic", authorization is not None)) if on]
        if len(methods) > 1:
            raise Refusal(400, "invalid_request",
                          "more than one client authentication: %s" % ", ".join(methods))
        if not methods:
            raise client_error("no client authentication (client_secret, "
                               "client_assertion or HTTP Basic)")
        if authorization is not None:
            basic_id, secret = basic_credentials(authorization)
            if form_id is not None and form_id != basic_id:
                raise Refusal(400, "invalid_request",
                              "client_id differs from the Basic credentials' id")
            form_id = basic_id
        if secret is not None:
            credential = "secret"
            if not form_id:
                raise client_error("no client_id")
            with st.lock:
                client = st.clients.get(form_id)
            if client is None:
                raise client_error("unknown client %s" % form_id)
            if client.secret is None:
                raise client_error("client %s has no secret registered" % form_id)
            if not hmac.compare_digest(secret.encode("utf-8"), client.secret.encode("utf-8")):
                raise client_error("wrong client secret for %s" % form_id)
        else:
            credential = "assertion"
            if a_type != ASSERTION_TYPE:
                raise client_error("client_assertion_type %r is not %s"
                                   % (a_type, ASSERTION_TYPE))
            if not assertion:
                raise client_error("no client_assertion")
            if form_id is not None and not form_id:
                raise client_error("empty client_id")
            client = self.verify_assertion(assertion, form_id)
        scope = fields.get("scope")
        with st.lock:
            st.stats["last_scope"] = scope if scope is not None else ""
        if not scope or not scope.strip():
            raise Refusal(400, "invalid_scope", "no scope")
        if client.scopes is not None:
            extra = [s for s in scope.split() if s not in client.scopes]
            if extra:
                raise Refusal(400, "invalid_scope", "scope %s not allowed for %s"
                              % (" ".join(extra), client.client_id))
        token = b64url_encode(secrets.token_bytes(32))
        with st.lock:
            ttl = st.ttl
            st.tokens[token] = (client.client_id, client.username, scope,
                                time.monotonic() + ttl, int(st.now()) + ttl)
            st.stats["tokens_issued"] += 1
            st.stats["by_credential"][credential] += 1
        log.info("issued token %s... to %s (%s, scope %r, ttl %d s)",
                 token[:6], client.client_id, credential, scope, ttl)
        return {"access_token": token, "token_type": "Bearer", "expires_in": ttl}

    def introspect(self, token):
        st = self.state
        with st.lock:
            st.stats["introspections"] += 1
            entry = st.tokens.get(token) if token else None
            if entry is not None and entry[3] <= time.monotonic():
                entry = None
            if entry is None:
                return {"active": False}
            st.stats["introspections_active"] += 1
        client_id, username, scope, _, exp = entry
        return {"active": True, "username": username, "client_id": client_id,
                "scope": scope, "token_type": "Bearer", "exp": exp}


# ------------------------------------------------------------------ HTTP


class BadRequest(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    timeout = IO_TIMEOUT
    server_version = "flexmail-test-token-service/1"

    def version_string(self):
        return self.server_version

    # Set per server class.
    service = None
    state = None
    app = None

    def date_time_string(self, timestamp=None):
        return email.utils.formatdate(
            self.state.now() if timestamp is None else timestamp, usegmt=True)

    def log_message(self, fmt, *args):
        log.info("%s %s", self.client_address[0], fmt % args)

    def send_json(self, status, obj, headers=()):
        body = (json.dumps(obj, sort_keys=True) + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Pragma", "no-cache")
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_chunked(self):
        body = b""
        while True:
            line = self.rfile.readline(1024)
            size = line.split(b";")[0].strip()
            if not line.endswith(b"\n") or not re.fullmatch(rb"[0-9A-Fa-f]{1,8}", size):
                raise BadRequest(400, "malformed chunk size line")
            size = int(size, 16)
            if size == 0:
                for _ in range(100):  # trailer fields, then an empty line
                    if self.rfile.readline(1024) in (b"\r\n", b"\n", b""):
                        return body
                raise BadRequest(400, "too many trailer fields")
            if len(body) + size > MAX_BODY:
                raise BadRequest(413, "body larger than %d bytes" % MAX_BODY)
            data = self.rfile.read(size)
            if len(data) != size or self.rfile.readline(8) not in (b"\r\n", b"\n"):
                raise BadRequest(400, "truncated chunk")
            body += data

    def read_body(self):
        coding = self.headers.get("Transfer-Encoding")
        if coding is not None:
            if coding.strip().lower() != "chunked":
                raise BadRequest(400, "Transfer-Encoding %s not supported" % coding)
            return self.read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        if not re.fullmatch(r"[0-9]{1,9}", length.strip()):
            raise BadRequest(400, "bad Content-Length")
        n = int(length)
        if n > MAX_BODY:
            # Read what a client may still be sending, so that it sees the
            # answer rather than a reset connection.
            left = min(n, 16 * MAX_BODY)
            while left > 0:
                chunk = self.rfile.read(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
            raise BadRequest(413, "body larger than %d bytes" % MAX_BODY)
        body = self.rfile.read(n)
        if len(body) != n:
            raise BadRequest(400, "body shorter than its Content-Length")
        return body

    def dispatch(self):
        try:
            self.app(self)
        except BadRequest as e:
            log.info("bad request %s %s: %s", self.command, self.path, e)
            self.send_json(e.status, {"error": "invalid_request", "error_description": str(e)})
        except (ConnectionError, socket.timeout, ssl.SSLError) as e:
            log.info("connection lost on %s %s: %s", self.command, self.path, e)
            self.close_connection = True
        except Exception:  # never let a request take the service down
            log.error("error on %s %s:\n%s", self.command, self.path, traceback.format_exc())
            try:
                self.send_json(500, {"error": "server_error",
                                     "error_description": "internal error (see the log)"})
            except Exception:
                self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = dispatch


def token_app(h):
    svc, st = h.service, h.state
    path = urllib.parse.urlsplit(h.path).path
    if path != "/token":
        if h.command == "POST":
            h.read_body()
        h.send_json(404, {"error": "not_found", "error_description": "no %s here" % path})
        return
    if h.command != "POST":
        h.send_json(405, {"error": "invalid_request", "error_description": "POST only"},
                    headers=[("Allow", "POST")])
        return
    with st.lock:
        st.stats["token_requests"] += 1
        failure = st.failure_status
    authorization = h.headers.get("Authorization")
    try:
        body = h.read_body()
        if failure:
            raise Refusal(failure, "temporarily_unavailable",
                          "injected failure (HTTP %d)" % failure)
        ctype = (h.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            raise Refusal(400, "invalid_request",
                          "Content-Type %r is not application/x-www-form-urlencoded"
                          % ctype)
        answer = svc.grant(form_fields(body), authorization)
    except BadRequest as e:
        answer = Refusal(e.status, "invalid_request", str(e))
    except Refusal as e:
        answer = e
    if isinstance(answer, Refusal):
        with st.lock:
            st.stats["token_refusals"] += 1
            by = st.stats["refusals_by_error"]
            by[answer.error] = by.get(answer.error, 0) + 1
            st.stats["last_refusal"] = "%s: %s" % (answer.error, answer.description)
        log.info("refused: %d %s: %s", answer.status, answer.error, answer.description)
        headers = []
        if answer.status == 401 and authorization is not None:
            headers.append(("WWW-Authenticate", 'Basic realm="token"'))
        if answer.status in (429, 503):
            headers.append(("Retry-After", "1"))
        h.send_json(answer.status, {"error": answer.error,
                                    "error_description": answer.description}, headers)
        return
    h.send_json(200, answer)


def query_int(query, name, low, high):
    try:
        values = urllib.parse.parse_qs(query, strict_parsing=True, errors="strict")
    except (ValueError, UnicodeDecodeError) as e:
        raise BadRequest(400, "malformed query: %s" % e)
    v = values.get(name)
    if not v or len(v) != 1 or not re.fullmatch(r"-?[0-9]{1,9}", v[0]):
        raise BadRequest(400, "%s=INTEGER required" % name)
    n = int(v[0])
    if not low <= n <= high:
        raise BadRequest(400, "%s must be in %d..%d" % (name, low, high))
    return n


def admin_app(h):
    svc, st, ctl = h.service, h.state, h.server.control
    url = urllib.parse.urlsplit(h.path)
    path, query = url.path, url.query
    body = h.read_body() if h.command == "POST" else b""
    if path == "/introspect" and h.command == "POST":
        fields = form_fields_or_400(body)
        h.send_json(200, svc.introspect(fields.get("token", "")))
        return
    if path == "/admin/stats" and h.command == "GET":
        with st.lock:
            stats = json.loads(json.dumps(st.stats))
            stats.update(ttl=st.ttl, clock_offset=st.clock_offset,
                         failure_status=st.failure_status,
                         clients=sorted(st.clients))
        stats["token_endpoint_up"] = ctl.token_up()
        stats["token_url"] = svc.token_url
        h.send_json(200, stats)
        return
    if h.command != "POST" or not path.startswith("/admin/"):
        h.send_json(404, {"error": "not_found",
                          "error_description": "no %s %s here" % (h.command, path)})
        return
    if path == "/admin/ttl":
        n = query_int(query, "seconds", 1, 10**7)
        with st.lock:
            st.ttl = n
        log.info("admin: ttl %d s", n)
    elif path == "/admin/revoke-all":
        with st.lock:
            count = len(st.tokens)
            st.tokens.clear()
        log.info("admin: revoked %d tokens", count)
    elif path == "/admin/token-endpoint":
        up = query_int(query, "up", 0, 1)
        try:
            ctl.set_token_up(bool(up))
        except OSError as e:
            h.send_json(500, {"error": "server_error",
                              "error_description": "cannot listen again: %s" % e})
            return
        log.info("admin: token endpoint %s", "up" if up else "down")
    elif path == "/admin/token-failure":
        n = query_int(query, "status", 0, 599)
        if n and n < 400:
            raise BadRequest(400, "status must be 0 or 400..599")
        with st.lock:
            st.failure_status = n
        log.info("admin: token failure status %d", n)
    elif path == "/admin/clock-offset":
        n = query_int(query, "seconds", -10**8, 10**8)
        with st.lock:
            st.clock_offset = n
        log.info("admin: clock offset %+d s", n)
    elif path == "/admin/clients":
        try:
            spec = strict_json(body.decode("utf-8"))
            client = Client(spec)
        except (UnicodeDecodeError, ValueError, RecursionError, OSError) as e:
            raise BadRequest(400, "bad client: %s" % e)
        with st.lock:
            st.clients[client.client_id] = client
        log.info("admin: client %s registered (username %s, secret %s, %d certificates)",
                 client.client_id, client.username,
                 "yes" if client.secret else "no", len(client.certificates))
    else:
        h.send_json(404, {"error": "not_found", "error_description": "no %s here" % path})
        return
    h.send_json(200, {"ok": True})


def form_fields_or_400(body):
    try:
        return form_fields(body)
    except Refusal as e:
        raise BadRequest(400, e.description)


class PlainServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    control = None

    def server_bind(self):
        # HTTPServer's would look the host's name up (getfqdn).
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        log.error("error with %s:\n%s", client_address, traceback.format_exc())


class TlsServer(PlainServer):
    """Accepts in the serving thread, shakes hands in the request's thread.

    SO_REUSEPORT lets Control hold the port with a second, never listening,
    socket while the endpoint is down (see Control)."""

    ssl_context = None

    def server_bind(self):
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        PlainServer.server_bind(self)

    def finish_request(self, request, client_address):
        request.settimeout(IO_TIMEOUT)
        try:
            conn = self.ssl_context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError) as e:
            log.info("%s TLS handshake failed: %s", client_address[0], e)
            return
        try:
            self.RequestHandlerClass(conn, client_address, self)
        finally:
            try:
                conn.close()
            except OSError:
                pass


class Control:
    """Owns the HTTPS listener: closes it and opens it again on the same port.

    While the endpoint is down the port stays bound by a socket that never
    listens: clients still get "connection refused", and no other process
    (another test's stack picking free ports) can take the port meanwhile.
    Both sockets set SO_REUSEPORT, so the holder is bound before the listener
    closes and released only once a new listener is bound: the port is never
    free."""

    def __init__(self, host, port, handler, ssl_context, on_bound):
        self.host, self.port = host, port
        self.on_bound = on_bound
        self.handler, self.ssl_context = handler, ssl_context
        self.lock = threading.Lock()
        self.server = None
        self.thread = None
        self.holder = None

    def token_up(self):
        with self.lock:
            return self.server is not None

    def _open(self):
        srv = TlsServer((self.host, self.port), self.handler)
        srv.ssl_context = self.ssl_context
        self.port = srv.server_address[1]
        self.on_bound(self.port)
        self._release()
        t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                             name="https-%d" % self.port, daemon=True)
        t.start()
        self.server, self.thread = srv, t

    def _hold(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind((self.host, self.port))
        self.holder = s

    def _release(self):
        if self.holder is not None:
            self.holder.close()
            self.holder = None

    def _close(self, hold):
        srv, t = self.server, self.thread
        self.server = self.thread = None
        if hold:
            self._hold()
        srv.shutdown()
        srv.server_close()
        t.join(5)

    def set_token_up(self, up):
        with self.lock:
            if up and self.server is None:
                self._open()
            elif not up and self.server is not None:
                self._close(hold=True)

    def stop(self):
        with self.lock:
            if self.server is not None:
                self._close(hold=False)
            self._release()


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--token-port", type=int, default=0)
    ap.add_argument("--admin-port", type=int, default=0)
    ap.add_argument("--cert", required=True, help="server certificate (PEM)")
    ap.add_argument("--key", required=True, help="its private key (PEM)")
    ap.add_argument("--clients", required=True, help='JSON {"clients": [...]}')
    ap.add_argument("--log", required=True)
    ap.add_argument("--ttl", type=int, default=3600, help="token lifetime, seconds")
    ap.add_argument("--ready-file")
    args = ap.parse_args(argv)

    logging.basicConfig(filename=args.log, level=logging.INFO,
                        format="%(asctime)s %(threadName)s %(message)s")
    state = State(args.ttl)
    try:
        with open(args.clients, encoding="utf-8") as f:
            spec = json.load(f)
        if not isinstance(spec, dict) or not isinstance(spec.get("clients"), list):
            raise ValueError('want {"clients": [...]}')
        for c in spec["clients"]:
            client = Client(c)
            state.clients[client.client_id] = client
    except (OSError, ValueError) as e:
        log.error("clients %s: %s", args.clients, e)
        print("token_service: clients %s: %s" % (args.clients, e), file=sys.stderr)
        return 2

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        ctx.load_cert_chain(args.cert, args.key)
    except (OSError, ssl.SSLError) as e:
        print("token_service: certificate %s / key %s: %s" % (args.cert, args.key, e),
              file=sys.stderr)
        return 2

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    service = TokenService(state, None)
    token_handler = type("TokenHandler", (Handler,), {
        "state": state, "service": service, "app": staticmethod(token_app)})
    admin_handler = type("AdminHandler", (Handler,), {
        "state": state, "service": service, "app": staticmethod(admin_app)})

    def bound(port):
        service.token_url = "https://%s:%d/token" % (args.host, port)

    control = Control(args.host, args.token_port, token_handler, ctx, bound)
    try:
        control.set_token_up(True)
        admin = PlainServer((args.host, args.admin_port), admin_handler)
    except OSError as e:
        print("token_service: cannot listen: %s" % e, file=sys.stderr)
        control.stop()
        return 2
    admin.control = control
    token_url = service.token_url
    admin_thread = threading.Thread(target=admin.serve_forever,
                                    kwargs={"poll_interval": 0.05}, name="http", daemon=True)
    admin_thread.start()
    log.info("listening: token endpoint %s, introspection and admin http://%s:%d/, "
             "%d clients", token_url, args.host, admin.server_address[1], len(state.clients))
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"token_port": control.port, "admin_port": admin.server_address[1],
                       "token_url": token_url, "pid": os.getpid()}, f)
        os.replace(tmp, args.ready_file)

    while not stop.wait(0.5):
        pass
    log.info("stopping")
    admin.shutdown()
    admin.server_close()
    control.stop()
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
