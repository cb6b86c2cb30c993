#!/usr/bin/python3
"""Tests of token_service.py, the mail test stack's OAuth2 provider.

Starts the service on free ports with a CA, a server certificate and client
key pairs made here with the openssl CLI; client assertions are signed with
the openssl CLI too (RS256: openssl dgst -sign; PS256: openssl pkeyutl with
PSS padding), so the service's hand-written RSA verification is checked
against an independent implementation. Standard library only.
"""

import base64
import email.utils
import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SERVICE = os.path.join(HERE, "token_service.py")
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
START_TIMEOUT = 10


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def openssl(*args, data=None):
    r = subprocess.run(("openssl",) + args, input=data, capture_output=True, timeout=30)
    if r.returncode != 0:
        raise RuntimeError("openssl %s: %s" % (" ".join(args), r.stderr.decode(errors="replace")))
    return r.stdout


class Fixture:
    """Key material (made once) and the running service."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="token-service-test-")
        d = self.path
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", d("ca.key"), "-out", d("ca.pem"), "-days", "2",
                "-subj", "/CN=token service test CA",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", d("server.key"), "-out", d("server.csr"), "-subj", "/CN=localhost")
        with open(d("server.ext"), "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                    "extendedKeyUsage=serverAuth\n")
        openssl("x509", "-req", "-in", d("server.csr"), "-CA", d("ca.pem"),
                "-CAkey", d("ca.key"), "-CAcreateserial", "-days", "2",
                "-extfile", d("server.ext"), "-out", d("server.pem"))
        for name in ("client", "other", "second"):
            openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d(name + ".key"),
                    "-out", d(name + ".pem"), "-days", "2", "-subj", "/CN=" + name)
        # A 3072-bit key: emLen and the PSS encoding differ from 2048's.
        openssl("req", "-x509", "-newkey", "rsa:3072", "-nodes", "-keyout", d("big.key"),
                "-out", d("big.pem"), "-days", "2", "-subj", "/CN=big")
        # An EC certificate: not usable for RS256/PS256.
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", d("ec.key"), "-out", d("ec.pem"), "-days", "2",
                "-subj", "/CN=ec")
        self.clients = {"clients": [
            {"client_id": "app", "username": "flexmail", "secret": "s3cret+/=%&",
             "certificate": d("client.pem")},
            {"client_id": "certonly", "username": "shipper",
             "certificates": [d("second.pem"), d("big.pem")]},
            {"client_id": "scoped", "username": "outsider", "secret": "x",
             "scopes": ["mail.send", "mail.read"]},
        ]}
        with open(d("clients.json"), "w") as f:
            json.dump(self.clients, f)
        self.proc = None
        self.start()

    def path(self, name):
        return os.path.join(self.dir, name)

    def start(self):
        ready = self.path("ready.json")
        if os.path.exists(ready):
            os.unlink(ready)
        self.log = open(self.path("stdout.log"), "ab")
        self.proc = subprocess.Popen(
            [sys.executable, SERVICE, "--cert", self.path("server.pem"),
             "--key", self.path("server.key"), "--clients", self.path("clients.json"),
             "--log", self.path("service.log"), "--ready-file", ready, "--ttl", "3600"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while not os.path.exists(ready):
            if self.proc.poll() is not None:
                raise RuntimeError("token service exited (%d): %s"
                                   % (self.proc.returncode, self.logs()))
            if time.monotonic() > deadline:
                self.proc.kill()
                raise RuntimeError("token service not ready after %ds" % START_TIMEOUT)
            time.sleep(0.02)
        with open(ready) as f:
            info = json.load(f)
        self.token_port = info["token_port"]
        self.admin_port = info["admin_port"]
        self.token_url = info["token_url"]
        self.ctx = ssl.create_default_context(cafile=self.path("ca.pem"))

    def stop(self):
        """SIGTERM; the exit status (None when it had to be killed)."""
        if self.proc is None:
            return 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = None
        self.proc = None
        self.log.close()
        return rc

    def logs(self):
        out = ""
        for name in ("stdout.log", "service.log"):
            try:
                with open(self.path(name), errors="replace") as f:
                    out += "\n---- %s\n%s" % (name, "".join(f.readlines()[-30:]))
            except OSError:
                pass
        return out

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


FIX = None


def setUpModule():
    global FIX
    FIX = Fixture()


def tearDownModule():
    if FIX is not None:
        rc = FIX.stop()
        FIX.cleanup()
        if rc != 0:
            raise AssertionError("token service did not exit 0 on SIGTERM (%r)" % rc)


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.raw = status, headers, body
        try:
            self.json = json.loads(body)
        except ValueError:
            self.json = None

    def __repr__(self):
        return "%d %r" % (self.status, self.raw[:300])


def https(method, path, body=b"", headers=None, chunked=False):
    conn = http.client.HTTPSConnection("127.0.0.1", FIX.token_port, context=FIX.ctx,
                                       timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
        r = conn.getresponse()
        return Response(r.status, r.headers, r.read())
    finally:
        conn.close()


def token_request(fields, headers=None, raw=None):
    h = {"Content-Type": "application/x-www-form-urlencoded"}
    h.update(headers or {})
    body = raw if raw is not None else urllib.parse.urlencode(fields).encode()
    return https("POST", "/token", body, h)


def admin(method, path, body=b"", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", FIX.admin_port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return Response(r.status, r.headers, r.read())
    finally:
        conn.close()


def stats():
    r = admin("GET", "/admin/stats")
    assert r.status == 200, r
    return r.json


def introspect(token):
    r = admin("POST", "/introspect", urllib.parse.urlencode({"token": token}).encode(),
              {"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 200, r
    return r.json


def secret_grant(client_id="app", secret="s3cret+/=%&", scope="mail"):
    return token_request({"grant_type": "client_credentials", "client_id": client_id,
                          "client_secret": secret, "scope": scope})


def thumbprint(cert, digest):
    der = openssl("x509", "-in", FIX.path(cert), "-outform", "DER")
    return b64url(hashlib.new(digest, der).digest())


def sign(alg, key, data, salt_len=32):
    key = FIX.path(key)
    if alg == "RS256":
        return openssl("dgst", "-sha256", "-sign", key, data=data)
    if alg == "PS256":
        digest = FIX.path("digest-%s.bin" % uuid.uuid4().hex)
        with open(digest, "wb") as f:
            f.write(hashlib.sha256(data).digest())
        try:
            return openssl("pkeyutl", "-sign", "-inkey", key, "-in", digest,
                           "-pkeyopt", "rsa_padding_mode:pss",
                           "-pkeyopt", "rsa_pss_saltlen:%d" % salt_len,
                           "-pkeyopt", "digest:sha256")
        finally:
            os.unlink(digest)
    raise ValueError(alg)


def assertion(alg="RS256", key="client.key", cert="client.pem", client_id="app",
              header=None, claims=None, drop=(), salt_len=32, sign_alg=None,
              x5t="S256"):
    now = int(time.time())
    h = {"alg": alg, "typ": "JWT"}
    if x5t == "S256":
        h["x5t#S256"] = thumbprint(cert, "sha256")
    elif x5t == "SHA1":
        h["x5t"] = thumbprint(cert, "sha1")
    h.update(header or {})
    c = {"iss": client_id, "sub": client_id, "aud": FIX.token_url, "iat": now,
         "nbf": now, "exp": now + 300, "jti": uuid.uuid4().hex}
    c.update(claims or {})
    for k in drop:
        c.pop(k, None)
    signing_input = (b64url(json.dumps(h).encode()) + "." +
                     b64url(json.dumps(c).encode())).encode()
    sig = sign(sign_alg or alg, key, signing_input, salt_len)
    return signing_input.decode() + "." + b64url(sig)


def assertion_grant(jwt, client_id="app", scope="mail", with_client_id=True):
    fields = {"grant_type": "client_credentials", "scope": scope,
              "client_assertion_type": ASSERTION_TYPE, "client_assertion": jwt}
    if with_client_id:
        fields["client_id"] = client_id
    return token_request(fields)


class TestCase(unittest.TestCase):
    def assertIssued(self, r):
        self.assertEqual(r.status, 200, "%r%s" % (r, FIX.logs()))
        self.assertEqual(r.json["token_type"], "Bearer")
        self.assertIsInstance(r.json["expires_in"], int)
        tok = r.json["access_token"]
        self.assertRegex(tok, r"^[A-Za-z0-9_-]{43}$")  # 32 bytes, base64url
        self.assertEqual(r.headers["Cache-Control"], "no-store")
        return tok

    def assertClientRefused(self, r, description):
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.json["error"], "invalid_client", r)
        self.assertIn(description, r.json["error_description"])

    def assertBadRequest(self, r, error, description=""):
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json["error"], error, r)
        self.assertIn(description, r.json["error_description"])


class SecretTest(TestCase):
    def test_secret_grant_issues_an_introspectable_token(self):
        r = secret_grant()
        tok = self.assertIssued(r)
        self.assertEqual(r.json["expires_in"], 3600)
        self.assertTrue(r.headers["Date"].endswith(" GMT"), r.headers)
        info = introspect(tok)
        self.assertEqual(info["active"], True)
        self.assertEqual(info["username"], "flexmail")
        self.assertEqual(info["client_id"], "app")
        self.assertEqual(stats()["last_scope"], "mail")

    def test_tokens_are_random(self):
        self.assertNotEqual(self.assertIssued(secret_grant()),
                            self.assertIssued(secret_grant()))

    def test_http_basic_is_a_secret_too(self):
        cred = base64.b64encode(b"app:" + urllib.parse.quote_plus("s3cret+/=%&").encode())
        r = token_request({"grant_type": "client_credentials", "scope": "mail"},
                          {"Authorization": "Basic " + cred.decode()})
        self.assertIssued(r)
        bad = base64.b64encode(b"app:nope").decode()
        r = token_request({"grant_type": "client_credentials", "scope": "mail"},
                          {"Authorization": "Basic " + bad})
        self.assertClientRefused(r, "wrong client secret")
        self.assertIn("Basic", r.headers["WWW-Authenticate"])

    def test_wrong_secret(self):
        self.assertClientRefused(secret_grant(secret="s3cret"), "wrong client secret for app")
        self.assertClientRefused(secret_grant(secret=""), "wrong client secret")

    def test_unknown_client(self):
        self.assertClientRefused(secret_grant(client_id="nobody"), "unknown client nobody")
        self.assertClientRefused(secret_grant(client_id=""), "no client_id")

    def test_secret_of_a_client_without_one(self):
        self.assertClientRefused(secret_grant(client_id="certonly", secret="x"),
                                 "has no secret")

    def test_no_authentication(self):
        r = token_request({"grant_type": "client_credentials", "client_id": "app",
                           "scope": "mail"})
        self.assertClientRefused(r, "no client authentication")

    def test_grant_type(self):
        r = token_request({"grant_type": "password", "client_id": "app",
                           "client_secret": "s3cret+/=%&", "scope": "mail"})
        self.assertBadRequest(r, "unsupported_grant_type", "password")
        r = token_request({"client_id": "app", "client_secret": "s3cret+/=%&",
                           "scope": "mail"})
        self.assertBadRequest(r, "invalid_request", "no grant_type")

    def test_scope_required_and_checked(self):
        r = token_request({"grant_type": "client_credentials", "client_id": "app",
                           "client_secret": "s3cret+/=%&"})
        self.assertBadRequest(r, "invalid_scope", "no scope")
        self.assertBadRequest(secret_grant(scope=" "), "invalid_scope")
        self.assertIssued(secret_grant("scoped", "x", "mail.send mail.read"))
        self.assertBadRequest(secret_grant("scoped", "x", "mail.send admin"),
                              "invalid_scope", "admin")

    def test_two_authentications_refused(self):
        r = token_request({"grant_type": "client_credentials", "client_id": "app",
                           "client_secret": "s3cret+/=%&", "scope": "mail",
                           "client_assertion_type": ASSERTION_TYPE,
                           "client_assertion": assertion()})
        self.assertBadRequest(r, "invalid_request", "more than one client authentication")

    def test_repeated_parameter_refused(self):
        raw = (b"grant_type=client_credentials&client_id=app&client_id=app"
               b"&client_secret=s3cret%2B%2F%3D%25%26&scope=mail")
        self.assertBadRequest(token_request(None, raw=raw), "invalid_request",
                              "more than once")


class AssertionTest(TestCase):
    def test_rs256_accepted(self):
        tok = self.assertIssued(assertion_grant(assertion("RS256")))
        self.assertEqual(introspect(tok)["username"], "flexmail")

    def test_ps256_accepted(self):
        self.assertIssued(assertion_grant(assertion("PS256")))

    def test_sha1_thumbprint_accepted(self):
        self.assertIssued(assertion_grant(assertion("RS256", x5t="SHA1")))

    def test_client_id_may_come_from_sub_only(self):
        self.assertIssued(assertion_grant(assertion("PS256"), with_client_id=False))

    def test_second_certificate_and_3072_bit_key(self):
        for alg in ("RS256", "PS256"):
            self.assertIssued(assertion_grant(assertion(alg, "second.key", "second.pem",
                                                        "certonly"), "certonly"))
            tok = self.assertIssued(assertion_grant(
                assertion(alg, "big.key", "big.pem", "certonly"), "certonly"))
            self.assertEqual(introspect(tok)["username"], "shipper")

    def test_stats_count_assertions(self):
        before = stats()
        self.assertIssued(assertion_grant(assertion("RS256")))
        after = stats()
        self.assertEqual(after["by_credential"]["assertion"],
                         before["by_credential"]["assertion"] + 1)
        self.assertEqual(after["by_credential"]["secret"], before["by_credential"]["secret"])

    def test_tampered_payload(self):
        jwt = assertion("RS256")
        h, p, s = jwt.split(".")
        claims = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
        claims["exp"] += 1
        forged = h + "." + b64url(json.dumps(claims).encode()) + "." + s
        self.assertClientRefused(assertion_grant(forged), "RS256 signature does not verify")
        # PSS: a well-formed encoding of another message's hash.
        jwt = assertion("PS256")
        h, p, s = jwt.split(".")
        other = assertion("PS256").split(".")[1]
        self.assertClientRefused(assertion_grant(h + "." + other + "." + s),
                                 "PS256 signature does not verify")
        # Header tampered: alg and thumbprint are signed too.
        jwt = assertion("RS256")
        h, p, s = jwt.split(".")
        header = json.loads(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4)))
        header["typ"] = "at+jwt"
        forged = b64url(json.dumps(header).encode()) + "." + p + "." + s
        self.assertClientRefused(assertion_grant(forged), "RS256 signature does not verify")
        jwt = assertion("PS256")
        h, p, s = jwt.split(".")
        sig = bytearray(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
        sig[-1] ^= 1
        self.assertClientRefused(assertion_grant(h + "." + p + "." + b64url(bytes(sig))),
                                 "PS256 signature does not verify")

    def test_signed_by_another_key_with_our_thumbprint(self):
        self.assertClientRefused(
            assertion_grant(assertion("RS256", key="other.key", cert="client.pem")),
            "signature does not verify")
        self.assertClientRefused(
            assertion_grant(assertion("PS256", key="other.key", cert="client.pem")),
            "signature does not verify")

    def test_unregistered_certificate(self):
        self.assertClientRefused(
            assertion_grant(assertion("RS256", key="other.key", cert="other.pem")),
            "is not the thumbprint of a certificate registered for app")
        self.assertClientRefused(
            assertion_grant(assertion("RS256", key="other.key", cert="other.pem",
                                      x5t="SHA1")),
            "x5t")

    def test_no_thumbprint(self):
        self.assertClientRefused(assertion_grant(assertion("RS256", x5t=None)),
                                 "no x5t#S256 or x5t")

    def test_padding_must_match_alg(self):
        # PKCS#1 v1.5 signature labelled PS256, PSS signature labelled RS256.
        self.assertClientRefused(assertion_grant(assertion("PS256", sign_alg="RS256")),
                                 "PS256 signature does not verify")
        self.assertClientRefused(assertion_grant(assertion("RS256", sign_alg="PS256")),
                                 "RS256 signature does not verify")

    def test_pss_salt_must_be_32_bytes(self):
        self.assertClientRefused(assertion_grant(assertion("PS256", salt_len=20)),
                                 "PS256 signature does not verify")

    def test_alg_none_and_hs256_refused(self):
        now = int(time.time())
        claims = {"iss": "app", "sub": "app", "aud": FIX.token_url, "nbf": now,
                  "exp": now + 300, "jti": uuid.uuid4().hex}
        body = b64url(json.dumps(claims).encode())
        header = {"alg": "none", "x5t#S256": thumbprint("client.pem", "sha256")}
        none_jwt = b64url(json.dumps(header).encode()) + "." + body + "."
        self.assertClientRefused(assertion_grant(none_jwt), "alg 'none' refused")
        # HS256 keyed with the (public) certificate: the classic confusion.
        header["alg"] = "HS256"
        head = b64url(json.dumps(header).encode())
        with open(FIX.path("client.pem"), "rb") as f:
            mac = hmac.new(f.read(), (head + "." + body).encode(), hashlib.sha256).digest()
        self.assertClientRefused(assertion_grant(head + "." + body + "." + b64url(mac)),
                                 "alg 'HS256' refused")
        self.assertClientRefused(assertion_grant(assertion("RS256", header={"alg": "RS512"},
                                                           sign_alg="RS256")),
                                 "alg 'RS512' refused")

    def test_wrong_audience(self):
        for aud in (FIX.token_url + "/", FIX.token_url.replace("127.0.0.1", "localhost"),
                    "https://login.example/token"):
            self.assertClientRefused(assertion_grant(assertion("RS256", claims={"aud": aud})),
                                     "aud")
        self.assertClientRefused(assertion_grant(assertion("RS256", drop=["aud"])), "aud")
        # An array holding the URL is the same audience (RFC 7519 section 4.1.3).
        self.assertIssued(assertion_grant(assertion("RS256", claims={
            "aud": ["https://other.example", FIX.token_url]})))

    def test_issuer_and_subject(self):
        self.assertClientRefused(assertion_grant(assertion("RS256", claims={"iss": "x"})),
                                 "iss 'x' is not the client id app")
        self.assertClientRefused(assertion_grant(assertion("RS256", claims={"sub": "x"})),
                                 "sub 'x' is not the client id app")

    def test_expired(self):
        now = int(time.time())
        self.assertClientRefused(assertion_grant(assertion("RS256", claims={
            "nbf": now - 400, "iat": now - 400, "exp": now - 1})), "expired")
        self.assertClientRefused(assertion_grant(assertion("RS256", drop=["exp"])),
                                 "no exp claim")

    def test_lifetime_at_most_600_seconds(self):
        now = int(time.time())
        self.assertClientRefused(assertion_grant(assertion("RS256", claims={
            "nbf": now, "exp": now + 601})), "lifetime exp - nbf = 601 s exceeds 600 s")
        self.assertIssued(assertion_grant(assertion("RS256", claims={
            "nbf": now, "exp": now + 600})))
        self.assertClientRefused(assertion_grant(assertion("RS256", drop=["nbf"], claims={
            "iat": now, "exp": now + 900})), "exp - iat")
        self.assertClientRefused(assertion_grant(assertion("RS256", drop=["nbf", "iat"])),
                                 "neither nbf nor iat")

    def test_not_yet_valid(self):
        now = int(time.time())
        self.assertClientRefused(assertion_grant(assertion("RS256", claims={
            "nbf": now + 120, "iat": now, "exp": now + 300})), "not yet valid")
        # Within the 30 s leeway.
        self.assertIssued(assertion_grant(assertion("RS256", claims={
            "nbf": now + 20, "iat": now, "exp": now + 300})))

    def test_non_numeric_times(self):
        for bad in ("1700000000", True, None, [1]):
            self.assertClientRefused(assertion_grant(assertion("RS256", claims={"exp": bad})),
                                     "exp")
        # NaN would make every comparison false: a properly signed exp of NaN.
        now = int(time.time())
        payload = ('{"iss": "app", "sub": "app", "aud": "%s", "nbf": %d, "exp": NaN, '
                   '"jti": "%s"}' % (FIX.token_url, now, uuid.uuid4().hex)).encode()
        head = b64url(json.dumps({"alg": "RS256",
                                  "x5t#S256": thumbprint("client.pem", "sha256")}).encode())
        si = (head + "." + b64url(payload)).encode()
        forged = si.decode() + "." + b64url(sign("RS256", "client.key", si))
        self.assertClientRefused(assertion_grant(forged), "not JSON")

    def test_jti_reuse_refused(self):
        jwt = assertion("PS256")
        self.assertIssued(assertion_grant(jwt))
        self.assertClientRefused(assertion_grant(jwt), "already used")
        self.assertClientRefused(assertion_grant(assertion("RS256", drop=["jti"])), "no jti")

    def test_a_refused_assertion_does_not_burn_its_jti(self):
        jti = uuid.uuid4().hex
        self.assertClientRefused(assertion_grant(assertion(
            "RS256", key="other.key", claims={"jti": jti})), "signature")
        self.assertIssued(assertion_grant(assertion("RS256", claims={"jti": jti})))

    def test_client_id_must_match(self):
        self.assertClientRefused(assertion_grant(assertion("RS256"), client_id="certonly"),
                                 "is not the thumbprint of a certificate registered for certonly")
        self.assertClientRefused(assertion_grant(assertion("RS256", client_id="ghost"),
                                                 client_id="ghost"), "unknown client ghost")
        self.assertClientRefused(assertion_grant(assertion("RS256", client_id="scoped"),
                                                 client_id="scoped"), "no certificate")

    def test_assertion_type(self):
        r = token_request({"grant_type": "client_credentials", "client_id": "app",
                           "scope": "mail", "client_assertion_type": "urn:x",
                           "client_assertion": assertion()})
        self.assertClientRefused(r, "client_assertion_type")
        r = token_request({"grant_type": "client_credentials", "client_id": "app",
                           "scope": "mail", "client_assertion_type": ASSERTION_TYPE})
        self.assertClientRefused(r, "no client_assertion")

    def test_malformed_assertions(self):
        good = assertion("RS256")
        h, p, s = good.split(".")
        cases = {
            "a.b": "(2 parts, want 3)",
            h + "." + p + "." + s + ".x": "(4 parts, want 3)",
            "!!!." + p + "." + s: "header is not base64url",
            h + "." + p + "=." + s: "payload is not base64url",
            h + "." + p + "." + s + "*": "signature is not base64url",
            b64url(b"\xff\xfe") + "." + p + "." + s: "header is not JSON",
            b64url(b"[1,2]") + "." + p + "." + s: "header is not a JSON object",
            b64url(b'{"alg":"RS256","alg":"none"}') + "." + p + "." + s: "duplicate",
            b64url(b"[" * 20000) + "." + p + "." + s: "not JSON",
            h + "." + p + "." + "": "signature does not verify",
            h + "." + p + "." + b64url(b"\xff" * 256): "signature does not verify",
        }
        for jwt, why in cases.items():
            with self.subTest(why=why):
                self.assertClientRefused(assertion_grant(jwt), why)


class ClockTest(TestCase):
    def tearDown(self):
        admin("POST", "/admin/clock-offset?seconds=0")

    def test_clock_offset_moves_date_and_checks(self):
        r = admin("POST", "/admin/clock-offset?seconds=3600")
        self.assertEqual(r.status, 200, r)
        r = secret_grant()
        self.assertIssued(r)
        date = email.utils.parsedate_to_datetime(r.headers["Date"]).timestamp()
        self.assertAlmostEqual(date, time.time() + 3600, delta=5)
        # exp 300 s ahead of our clock is an hour behind the service's.
        self.assertClientRefused(assertion_grant(assertion("RS256")), "expired")
        admin("POST", "/admin/clock-offset?seconds=-3600")
        self.assertClientRefused(assertion_grant(assertion("RS256")), "not yet valid")
        admin("POST", "/admin/clock-offset?seconds=0")
        self.assertIssued(assertion_grant(assertion("RS256")))
        self.assertEqual(stats()["clock_offset"], 0)


class IntrospectionTest(TestCase):
    def tearDown(self):
        admin("POST", "/admin/ttl?seconds=3600")

    def test_unknown_and_empty_tokens_inactive(self):
        self.assertEqual(introspect("nope"), {"active": False})
        self.assertEqual(introspect(""), {"active": False})
        r = admin("POST", "/introspect", b"", {"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.json, {"active": False})

    def test_inactive_after_ttl(self):
        self.assertEqual(admin("POST", "/admin/ttl?seconds=1").status, 200)
        r = secret_grant()
        tok = self.assertIssued(r)
        self.assertEqual(r.json["expires_in"], 1)
        self.assertTrue(introspect(tok)["active"])
        time.sleep(1.2)
        self.assertEqual(introspect(tok), {"active": False})

    def test_inactive_after_revoke_all(self):
        old = self.assertIssued(secret_grant())
        self.assertTrue(introspect(old)["active"])
        self.assertEqual(admin("POST", "/admin/revoke-all").status, 200)
        self.assertEqual(introspect(old), {"active": False})
        new = self.assertIssued(secret_grant())
        self.assertTrue(introspect(new)["active"])

    def test_introspection_counts(self):
        tok = self.assertIssued(secret_grant())
        before = stats()
        introspect(tok)
        introspect("nope")
        after = stats()
        self.assertEqual(after["introspections"], before["introspections"] + 2)
        self.assertEqual(after["introspections_active"], before["introspections_active"] + 1)


class EndpointTest(TestCase):
    def tearDown(self):
        admin("POST", "/admin/token-endpoint?up=1")
        admin("POST", "/admin/token-failure?status=0")

    def test_down_refuses_connections_then_up_again(self):
        self.assertEqual(admin("POST", "/admin/token-endpoint?up=0").status, 200)
        self.assertFalse(stats()["token_endpoint_up"])
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", FIX.token_port), timeout=5).close()
        # Introspection and admin go on.
        self.assertEqual(introspect("x"), {"active": False})
        self.assertEqual(admin("POST", "/admin/token-endpoint?up=0").status, 200)
        self.assertEqual(admin("POST", "/admin/token-endpoint?up=1").status, 200)
        self.assertTrue(stats()["token_endpoint_up"])
        self.assertIssued(secret_grant())

    def test_injected_failure(self):
        self.assertEqual(admin("POST", "/admin/token-failure?status=503").status, 200)
        r = secret_grant()
        self.assertEqual(r.status, 503, r)
        self.assertEqual(r.json["error"], "temporarily_unavailable")
        self.assertEqual(r.headers["Retry-After"], "1")
        self.assertEqual(admin("POST", "/admin/token-failure?status=200").status, 400)
        admin("POST", "/admin/token-failure?status=0")
        self.assertIssued(secret_grant())


class AdminTest(TestCase):
    def test_stats_count_requests(self):
        before = stats()
        self.assertIssued(secret_grant())
        secret_grant(secret="wrong")
        token_request(None, raw=b"\xff")
        after = stats()
        self.assertEqual(after["token_requests"], before["token_requests"] + 3)
        self.assertEqual(after["tokens_issued"], before["tokens_issued"] + 1)
        self.assertEqual(after["token_refusals"], before["token_refusals"] + 2)
        self.assertEqual(after["by_credential"]["secret"], before["by_credential"]["secret"] + 1)
        self.assertEqual(after["refusals_by_error"]["invalid_client"],
                         before["refusals_by_error"].get("invalid_client", 0) + 1)
        self.assertEqual(after["token_url"], FIX.token_url)

    def test_register_client(self):
        spec = {"client_id": "later", "username": "outsider", "secret": "pw",
                "certificate": FIX.path("other.pem")}
        self.assertClientRefused(secret_grant("later", "pw"), "unknown client later")
        r = admin("POST", "/admin/clients", json.dumps(spec).encode(),
                  {"Content-Type": "application/json"})
        self.assertEqual(r.status, 200, r)
        tok = self.assertIssued(secret_grant("later", "pw"))
        self.assertEqual(introspect(tok)["username"], "outsider")
        self.assertIssued(assertion_grant(assertion("PS256", "other.key", "other.pem", "later"),
                                          "later"))
        # Replaced: the old secret and certificate are gone.
        spec = {"client_id": "later", "username": "outsider", "secret": "pw2"}
        self.assertEqual(admin("POST", "/admin/clients", json.dumps(spec).encode()).status, 200)
        self.assertClientRefused(secret_grant("later", "pw"), "wrong client secret")
        self.assertClientRefused(assertion_grant(
            assertion("RS256", "other.key", "other.pem", "later"), "later"), "no certificate")

    def test_bad_client_registrations(self):
        for body, why in (
                (b"{", "bad client"),
                (b"[]", "JSON object"),
                (b'{"client_id": "x", "username": "u"}', "neither a secret nor a certificate"),
                (b'{"client_id": "x", "username": "u", "certificate": "/nonexistent.pem"}',
                 "nonexistent"),
                (('{"client_id": "x", "username": "u", "certificate": "%s"}'
                  % FIX.path("ec.pem")).encode(), "not RSA"),
                (('{"client_id": "x", "username": "u", "certificate": "%s"}'
                  % FIX.path("client.key")).encode(), "no PEM certificate"),
                (b'{"client_id": "", "username": "u", "secret": "s"}', "client_id"),
                (b'{"client_id": "x", "username": "u", "secret": "s", "colour": 1}', "colour"),
                (b"\xff", "bad client")):
            with self.subTest(why=why):
                r = admin("POST", "/admin/clients", body)
                self.assertEqual(r.status, 400, r)
                self.assertIn(why, r.json["error_description"])

    def test_bad_admin_parameters(self):
        for path in ("/admin/ttl", "/admin/ttl?seconds=abc", "/admin/ttl?seconds=0",
                     "/admin/ttl?seconds=1&seconds=2", "/admin/token-endpoint?up=2",
                     "/admin/clock-offset?seconds=1.5", "/admin/ttl?%zz"):
            with self.subTest(path=path):
                self.assertEqual(admin("POST", path).status, 400)
        self.assertEqual(admin("POST", "/admin/nothing").status, 404)
        self.assertEqual(admin("GET", "/admin/ttl").status, 404)
        self.assertEqual(stats()["ttl"], 3600)


class MalformedInputTest(TestCase):
    def test_bad_bodies_are_400(self):
        for raw, ctype, why in (
                (b"\xff\xfe", "application/x-www-form-urlencoded", "malformed form"),
                (b"a=1&&b", "application/x-www-form-urlencoded", "malformed form"),
                (b"{}", "application/json", "Content-Type"),
                (b"grant_type=client_credentials", "", "Content-Type")):
            with self.subTest(why=why):
                r = token_request(None, {"Content-Type": ctype}, raw=raw)
                self.assertBadRequest(r, "invalid_request", why)

    def test_oversized_and_chunked(self):
        r = token_request(None, raw=b"a=" + b"x" * 70000)
        self.assertEqual(r.status, 413, r)
        r = https("POST", "/token", b"", {"Content-Length": "x1"})
        self.assertEqual(r.status, 400, r)
        # Chunked bodies are read like any other.
        body = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": "app",
                                       "client_secret": "s3cret+/=%&", "scope": "mail"})
        r = https("POST", "/token", iter([body[:10].encode(), body[10:].encode()]),
                  {"Content-Type": "application/x-www-form-urlencoded",
                   "Transfer-Encoding": "chunked"}, chunked=True)
        self.assertIssued(r)
        r = https("POST", "/token", b"", {"Content-Type": "application/x-www-form-urlencoded",
                                          "Transfer-Encoding": "gzip"})
        self.assertBadRequest(r, "invalid_request", "Transfer-Encoding gzip")

    def test_wrong_paths_and_methods(self):
        self.assertEqual(https("GET", "/token").status, 405)
        self.assertEqual(https("POST", "/other", b"x=1").status, 404)
        self.assertEqual(admin("GET", "/introspect").status, 404)

    def test_garbage_connections_do_not_hurt(self):
        # Plain text to the TLS port, a TLS client that hangs up, a bare line
        # to the HTTP port, a request cut short.
        for port, data in ((FIX.token_port, b"GET / HTTP/1.0\r\n\r\n"),
                           (FIX.token_port, b""),
                           (FIX.admin_port, b"\x00\x01garbage\r\n\r\n"),
                           (FIX.admin_port, b"POST /introspect HTTP/1.0\r\n"
                                            b"Content-Length: 100\r\n\r\ntoken=")):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            try:
                if data:
                    s.sendall(data)
                    s.shutdown(socket.SHUT_WR)
                    s.recv(100)
            except OSError:
                pass  # the service may reset the connection
            finally:
                s.close()
        self.assertIssued(secret_grant())
        self.assertEqual(FIX.proc.poll(), None)

    def test_tls_certificate_valid_for_127_0_0_1(self):
        with socket.create_connection(("127.0.0.1", FIX.token_port), timeout=5) as s:
            with FIX.ctx.wrap_socket(s, server_hostname="127.0.0.1") as t:
                self.assertIn(t.version(), ("TLSv1.2", "TLSv1.3"))


class LifecycleTest(unittest.TestCase):
    def test_bad_clients_file_exits_2(self):
        bad = FIX.path("bad-clients.json")
        with open(bad, "w") as f:
            f.write('{"clients": [{"client_id": "x"}]}')
        r = subprocess.run([sys.executable, SERVICE, "--cert", FIX.path("server.pem"),
                            "--key", FIX.path("server.key"), "--clients", bad,
                            "--log", FIX.path("bad.log")], capture_output=True, timeout=20)
        self.assertEqual(r.returncode, 2, r)
        self.assertIn(b"username", r.stderr)

    def test_sigterm_stops_cleanly_with_connections_open(self):
        # A second instance: stopping it must not wait for idle clients.
        ready = FIX.path("ready2.json")
        p = subprocess.Popen([sys.executable, SERVICE, "--cert", FIX.path("server.pem"),
                              "--key", FIX.path("server.key"),
                              "--clients", FIX.path("clients.json"),
                              "--log", FIX.path("second.log"), "--ready-file", ready],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not os.path.exists(ready):
                self.assertIsNone(p.poll())
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.02)
            with open(ready) as f:
                info = json.load(f)
            idle = socket.create_connection(("127.0.0.1", info["admin_port"]), timeout=5)
            t0 = time.monotonic()
            p.send_signal(signal.SIGTERM)
            self.assertEqual(p.wait(5), 0)
            self.assertLess(time.monotonic() - t0, 3)
            idle.close()
            with self.assertRaises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", info["token_port"]), timeout=5)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()


if __name__ == "__main__":
    unittest.main(verbosity=2)
