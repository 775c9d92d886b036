"""Raw, hand-built requests to the simulator (for what a botocore client refuses to send):
signed with botocore's SigV4Auth, sent with http.client."""
import datetime
import http.client
import json

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

TARGET = "AWSMPCommerceService_v20200301."


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.raw = status, headers, body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    @property
    def type(self):
        return (self.json or {}).get("__type")

    @property
    def message(self):
        return (self.json or {}).get("message")


def call(port, operation, body, creds, when=None, sign=True, headers=None, tamper=None,
         region="us-east-1", service="aws-marketplace"):
    """operation: name (or None for no X-Amz-Target); body: dict/list (JSON-encoded) or bytes.
    when: datetime for X-Amz-Date; tamper(headers_dict) may edit headers after signing."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    h = {"Content-Type": "application/x-amz-json-1.0", "Host": "127.0.0.1:%d" % port}
    if operation is not None:
        h["X-Amz-Target"] = TARGET + operation
    h.update(headers or {})
    if sign:
        req = AWSRequest(method="POST", url="http://127.0.0.1:%d/" % port, data=data, headers=h)
        signer = SigV4Auth(Credentials(creds["access_key"], creds["secret_key"], creds.get("token")),
                           service, region)
        when = when or datetime.datetime.now(datetime.timezone.utc)
        req.context["timestamp"] = when.strftime("%Y%m%dT%H%M%SZ")
        if creds.get("token"):
            req.headers["X-Amz-Security-Token"] = creds["token"]
        req.headers["X-Amz-Date"] = req.context["timestamp"]
        canonical = signer.canonical_request(req)
        sts = signer.string_to_sign(req, canonical)
        sig = signer.signature(sts, req)
        signed = signer.signed_headers(signer.headers_to_sign(req))
        req.headers["Authorization"] = ("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, "
                                        "Signature=%s" % (creds["access_key"], signer.credential_scope(req),
                                                          signed, sig))
        h = dict(req.headers.items())
    if tamper:
        tamper(h)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/", body=data, headers=h)
        r = conn.getresponse()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    finally:
        conn.close()
