"""SigV4 through the binding, checked against the official test suite's files."""
import datetime
import json
import os

import pytest

import mpadjust
from mpadjust import _ffi


def load_case(shared, name):
    d = os.path.join(shared, "sigv4-test-suite", "v4", name)
    with open(os.path.join(d, "context.json")) as f:
        ctx = json.load(f)
    with open(os.path.join(d, "request.txt"), newline="") as f:
        lines = f.read().split("\n")
    method, rest = lines[0].split(" ", 1)
    target = rest.rsplit(" ", 1)[0]
    headers = []
    for line in lines[1:]:
        if not line:
            break
        name, value = line.split(":", 1)
        headers.append((name, value))
    expected = {}
    for fn in os.listdir(d):
        if fn.endswith(".txt") and fn != "request.txt":
            with open(os.path.join(d, fn), newline="") as f:
                expected[fn[:-4]] = f.read()
    ts = datetime.datetime.strptime(ctx["timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)
    return ctx, method, target, headers, expected, ts


def creds_of(ctx):
    c = ctx["credentials"]
    return mpadjust.Credentials.static(c["access_key_id"], c["secret_access_key"], c.get("token"))


def test_get_vanilla_header_signature(shared):
    ctx, method, target, headers, exp, ts = load_case(shared, "get-vanilla")
    with creds_of(ctx) as creds, mpadjust.Signer(ctx["region"], ctx["service"]) as signer:
        r = signer.sign(creds, method, target, headers, time=ts)
    assert r.signature == exp["header-signature"].strip()
    assert r.canonical_request == exp["header-canonical-request"]
    assert r.string_to_sign == exp["header-string-to-sign"]
    auth = dict(r.headers)["Authorization"]
    signed_request = exp["header-signed-request"]
    assert "Authorization:" + auth in signed_request
    assert dict(r.headers)["X-Amz-Date"] == "20150830T123600Z"
    assert r.query == ""
    assert "wJalrXUtnFEMI" not in repr(r)


def test_get_vanilla_presigned(shared):
    ctx, method, target, headers, exp, ts = load_case(shared, "get-vanilla")
    with creds_of(ctx) as creds, mpadjust.Signer(ctx["region"], ctx["service"],
                                                 expires_seconds=ctx["expiration_in_seconds"]) as s:
        r = s.presign(creds, method, target, headers, time=int(ts.timestamp()))
    assert r.signature == exp["query-signature"].strip()
    assert r.canonical_request == exp["query-canonical-request"]
    assert r.headers == []
    assert "X-Amz-Signature=" + r.signature in r.query


def test_session_token_case(shared):
    ctx, method, target, headers, exp, ts = load_case(shared, "get-vanilla-with-session-token")
    assert ctx["credentials"].get("token")
    with creds_of(ctx) as creds, mpadjust.Signer(ctx["region"], ctx["service"]) as s:
        r = s.sign(creds, method, target, headers, time=ts)
    assert r.signature == exp["header-signature"].strip()
    assert dict(r.headers)["X-Amz-Security-Token"] == ctx["credentials"]["token"]


def test_post_with_body_matches_botocore():
    botocore = pytest.importorskip("botocore")
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials as BC
    body = b'{"agreementId":"agmt-1"}'
    ts = datetime.datetime(2026, 1, 5, 12, 0, 0, tzinfo=datetime.timezone.utc)
    headers = [("Host", "agreement-marketplace.us-east-1.amazonaws.com"),
               ("Content-Type", "application/x-amz-json-1.0"),
               ("X-Amz-Target", "AWSMPCommerceService_v20200301.DescribeAgreement")]
    with mpadjust.Credentials.static("AKIDEXAMPLE", "secret/key") as creds, \
            mpadjust.Signer("us-east-1", "aws-marketplace") as s:
        ours = s.sign(creds, "POST", "/", headers, body=body, time=ts)
    req = AWSRequest(method="POST", url="https://agreement-marketplace.us-east-1.amazonaws.com/",
                     data=body, headers=dict(headers))
    auth = SigV4Auth(BC("AKIDEXAMPLE", "secret/key"), "aws-marketplace", "us-east-1")
    # add_auth() would take the clock's time: compute each stage at the fixed time instead.
    req.context["timestamp"] = ts.strftime("%Y%m%dT%H%M%SZ")
    req.headers["X-Amz-Date"] = req.context["timestamp"]
    canonical = auth.canonical_request(req)
    sts = auth.string_to_sign(req, canonical)
    assert ours.canonical_request == canonical
    assert ours.string_to_sign == sts
    assert ours.signature == auth.signature(sts, req)


def test_signer_errors():
    with pytest.raises(mpadjust.InvalidError) as e:
        mpadjust.Signer("", "service")
    assert e.value.status == _ffi.MPADJUST_EINVALID and "region" in e.value.message
    with mpadjust.Signer("us-east-1", "service") as s, mpadjust.Credentials.static("A", "B") as c:
        with pytest.raises(mpadjust.InvalidError) as e:
            s.sign(c, "", "/", [("Host", "example.com")])
        assert "method" in e.value.message
        with pytest.raises(TypeError):
            s.sign(object(), "GET", "/", [("Host", "example.com")])
        with pytest.raises(mpadjust.InvalidError):
            s.sign(c, "GET", "/\0x", [("Host", "example.com")])
        with pytest.raises(ValueError):
            s.sign(c, "GET", "/", [("Host", "h")], time=datetime.datetime(2020, 1, 1))
    with pytest.raises(mpadjust.InvalidError):
        mpadjust.Signer("us-east-1", "s", expires_seconds=604801)
    with pytest.raises(ValueError, match="closed"):
        s.sign(c, "GET", "/", [("Host", "example.com")])


def test_unsigned_headers_and_payload_modes():
    ts = 1440938160
    h = [("Host", "example.amazonaws.com"), ("X-Custom", "1")]
    with mpadjust.Credentials.static("AKIDEXAMPLE", "k") as c:
        with mpadjust.Signer("us-east-1", "service", unsigned_headers=["x-custom"]) as s:
            r = s.sign(c, "GET", "/", h, time=ts)
            assert "x-custom" not in r.canonical_request
        with mpadjust.Signer("us-east-1", "service", payload_mode=mpadjust.PAYLOAD_UNSIGNED) as s:
            r = s.sign(c, "GET", "/", h, time=ts)
            assert dict(r.headers)["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"
            assert r.canonical_request.endswith("UNSIGNED-PAYLOAD")
