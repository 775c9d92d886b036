"""Derives the expected values of the own SigV4 cases in tests/unit/test_sigv4.cpp with a second,
independent implementation: botocore (pinned in tests/requirements.txt, 1.44.8).

Run:  .venv/bin/python tests/data/sigv4/derive_expected.py
It prints, per case, botocore's canonical request and signature; the C++ test pastes them as
constants. Nothing here uses mpadjust. The clock is pinned by patching
botocore.auth.get_current_datetime.
"""
import datetime
import hashlib

import botocore
import botocore.auth as auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

AK, SK = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
T0 = datetime.datetime(2015, 8, 30, 12, 36, 0)


def sign(cls, service, method, url, headers=(), body=b"", params=None, when=T0, creds=(AK, SK),
         context=None, **kw):
    auth.get_current_datetime = lambda: when
    req = AWSRequest(method=method, url=url, data=body)
    for k, v in headers:
        req.headers[k] = v
    if params:
        req.params = params
    if context:
        req.context.update(context)
    signer = cls(Credentials(*creds), service, "us-east-1", **kw)
    captured = {}
    orig = signer.canonical_request

    def cr(r):
        captured["cr"] = orig(r)
        return captured["cr"]

    signer.canonical_request = cr
    orig_sig = signer.signature

    def sig(sts, r):
        captured["sig"] = orig_sig(sts, r)
        return captured["sig"]

    signer.signature = sig
    signer.add_auth(req)
    return captured["cr"], captured["sig"], req


def show(name, result):
    cr, sig, _ = result
    print(f"// ---- {name}")
    print(f'constexpr const char* {name}_cr = R"({cr})";')
    print(f'constexpr const char* {name}_sig = "{sig}";')


print(f"// botocore {botocore.__version__}")
show("s3_mode", sign(auth.S3SigV4Auth, "s3", "GET",
                     "http://examplebucket.s3.amazonaws.com/my%20bucket/a//b/../c%2Bd.txt"))
show("encoded_path", sign(auth.SigV4Auth, "service", "GET",
                          "https://example.amazonaws.com/foo%20bar/a%2Fb/%7Euser"))
show("query_repeated", sign(auth.SigV4Auth, "service", "GET",
                            "https://example.amazonaws.com/?b=2&a=3&a=1&a=&c"))
show("query_plus", sign(auth.SigV4Auth, "service", "GET", "https://example.amazonaws.com/",
                        params=[("q", "a+b"), ("r", "+"), ("s", "x y"), ("t", "%")]))
show("unsigned_header", sign(auth.S3SigV4Auth, "s3", "PUT",
                             "https://examplebucket.s3.amazonaws.com/photo.jpg",
                             headers=[("Content-Type", "image/jpeg")], body=b"hello world",
                             context={"client_config": Config(s3={"payload_signing_enabled": False})}))
show("unsigned_query", sign(auth.S3SigV4QueryAuth, "s3", "GET",
                            "https://examplebucket.s3.amazonaws.com/test.txt", expires=86400))
precomputed = hashlib.sha256(b"streamed elsewhere").hexdigest()
print(f'constexpr const char* precomputed_hash = "{precomputed}";')
show("precomputed", sign(auth.SigV4Auth, "service", "PUT", "https://example.amazonaws.com/upload",
                         headers=[("X-Amz-Content-SHA256", precomputed)]))
show("json_agreement", sign(auth.SigV4Auth, "aws-marketplace", "POST",
                            "https://agreement-marketplace.us-east-1.amazonaws.com/",
                            headers=[("Content-Type", "application/x-amz-json-1.0"),
                                     ("X-Amz-Target",
                                      "AWSMPCommerceService_v20200301.DescribeAgreement")],
                            body=b'{"AgreementId":"agmt-1111111111111111111111111"}'))
show("prefix_headers", sign(auth.SigV4Auth, "service", "GET", "https://example.amazonaws.com/",
                            headers=[("x-amz-meta-test-two", "b"), ("X-Amz-Meta-Test", "a"),
                                     ("x-amz-meta-test2", "c")]))
show("tabs", sign(auth.SigV4Auth, "service", "GET", "https://example.amazonaws.com/",
                  headers=[("My-Header", "\ta\t\tb  c \t"), ("My-Header2", "x\ty")]))
show("skipped", sign(auth.SigV4Auth, "service", "GET", "https://example.amazonaws.com/",
                     headers=[("User-Agent", "mpadjust/1.0"), ("Expect", "100-continue"),
                              ("X-Amzn-Trace-Id", "Root=1-abc"), ("My-Header", "v")]))
show("url_default_port", sign(auth.SigV4Auth, "service", "GET",
                              "https://example.amazonaws.com:443/path?x=1"))
show("url_other_port", sign(auth.SigV4Auth, "service", "GET",
                            "https://example.amazonaws.com:8443/path"))

# Key cache: (key id, secret) x date; the third key reuses the first id with a rotated secret.
keys = [("AKIDEXAMPLE", SK), ("AKIDOTHER", "otherSecretKeyForCacheTests0123456789abc"),
        ("AKIDEXAMPLE", "rotatedSecretKeyUnderTheSameKeyId0123456")]
dates = [datetime.datetime(2015, 8, 30, 12, 36), datetime.datetime(2015, 8, 31, 0, 0, 1),
         datetime.datetime(2016, 2, 29, 23, 59, 59), datetime.datetime(2024, 12, 31, 12, 0)]
print("// cache: [key][date]")
print("constexpr const char* cache_sigs[3][4] = {")
for k in keys:
    row = [sign(auth.SigV4Auth, "service", "GET", "https://example.amazonaws.com/", creds=k,
                when=d)[1] for d in dates]
    print("    {" + ", ".join(f'"{s}"' for s in row) + "},")
print("};")
for name, delta in (("skew_plus_300", 300), ("skew_minus_7200", -7200)):
    s = sign(auth.SigV4Auth, "service", "GET", "https://example.amazonaws.com/",
             when=T0 + datetime.timedelta(seconds=delta))[1]
    print(f'constexpr const char* {name}_sig = "{s}";')
