"""SigV4 verification of incoming requests, recomputed with botocore's signer.

The signature is recomputed by botocore.auth.SigV4Auth (service ``aws-marketplace``, region
``us-east-1``) from the request's own X-Amz-Date, SignedHeaders and header values, so the check
does not depend on our own SigV4 code. Failures are reported with the error types and messages the
AWS front end uses for JSON services (namespace ``com.amazon.coral.service``).
"""
import datetime
import hashlib
import hmac
import json
import re

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, HTTPHeaders
from botocore.credentials import Credentials

CORAL = "com.amazon.coral.service#"
REGION = "us-east-1"
SIGNING_NAME = "aws-marketplace"
MAX_SKEW_SECONDS = 300  # 5 minutes, as AWS JSON services enforce for X-Amz-Date

DEFAULT_CREDENTIALS = [
    # Long-term key of the default seller.
    {"accessKeyId": "AKIDSIMULATOR0000001", "secretAccessKey": "simulator-secret-key-1",
     "accountId": "111122223333"},
    # Temporary credentials (with a session token) of the same seller.
    {"accessKeyId": "ASIASIMULATOR0000002", "secretAccessKey": "simulator-secret-key-2",
     "sessionToken": "simulator-session-token-2", "accountId": "111122223333"},
    # A second seller, to check that a seller only sees its own agreements.
    {"accessKeyId": "AKIDSIMULATOR0000003", "secretAccessKey": "simulator-secret-key-3",
     "accountId": "444455556666"},
]

_AMZ_DATE = re.compile(r"^\d{8}T\d{6}Z$")


class AuthError(Exception):
    def __init__(self, status, type_name, message):
        super().__init__(message)
        self.status, self.type_name, self.message = status, type_name, message


def load_credentials(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, list) or not data:
        raise SystemExit("simulator: %s must hold a non-empty JSON list of credentials" % path)
    for c in data:
        for k in ("accessKeyId", "secretAccessKey", "accountId"):
            if not isinstance(c.get(k), str) or not c[k]:
                raise SystemExit("simulator: every credential needs %s (%s)" % (k, path))
    return data


class _ExactHeadersSigV4(SigV4Auth):
    """botocore's SigV4 with the header set fixed to the request's SignedHeaders (the service
    accepts any signed header list; botocore's own selection would drop e.g. user-agent)."""

    def __init__(self, credentials, signed):
        super().__init__(credentials, SIGNING_NAME, REGION)
        self._signed = signed

    def headers_to_sign(self, request):
        hm = HTTPHeaders()
        for name in self._signed:
            for value in request.headers.get_all(name) or [""]:
                hm[name] = value
        return hm


def amz_date_string(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


class Verifier:
    def __init__(self, credentials):
        self._by_key = {c["accessKeyId"]: c for c in credentials}

    def verify(self, method, path, headers, body, now):
        """headers: an email.message.Message (http.server). Returns the credential entry."""
        auth = headers.get("Authorization")
        if auth is None:
            raise AuthError(403, CORAL + "IncompleteSignatureException",
                            "Request is missing Authentication Token")
        auth = auth.strip()
        algo, _, rest = auth.partition(" ")
        if algo != "AWS4-HMAC-SHA256":
            raise AuthError(403, CORAL + "IncompleteSignatureException",
                            "Unsupported AWS 'algorithm': '%s'. Authorization=%s" % (algo, auth))
        params = {}
        for part in rest.split(","):
            k, eq, v = part.strip().partition("=")
            if eq:
                params[k] = v
        missing = [p for p in ("Credential", "Signature", "SignedHeaders") if p not in params]
        amz_date = headers.get("X-Amz-Date")
        problems = ["Authorization header requires '%s' parameter." % p for p in missing]
        if amz_date is None:
            problems.append("Authorization header requires existence of either a 'X-Amz-Date' or"
                            " a 'Date' header.")
        if problems:
            raise AuthError(403, CORAL + "IncompleteSignatureException",
                            " ".join(problems) + " Authorization=" + auth)
        cred = params["Credential"].split("/")
        if len(cred) != 5:
            raise AuthError(403, CORAL + "IncompleteSignatureException",
                            "Credential must have exactly 5 slash-delimited elements, e.g. "
                            "keyid/date/region/service/term, got '%s'" % params["Credential"])
        key_id, scope_date, region, service, term = cred
        entry = self._by_key.get(key_id)
        token = headers.get("X-Amz-Security-Token")
        if entry is None or token != entry.get("sessionToken"):
            raise AuthError(403, CORAL + "UnrecognizedClientException",
                            "The security token included in the request is invalid.")
        if not _AMZ_DATE.match(amz_date):
            raise AuthError(403, CORAL + "IncompleteSignatureException",
                            "Date must be in ISO-8601 'basic format'. Got '%s'. See "
                            "http://en.wikipedia.org/wiki/ISO_8601" % amz_date)
        if scope_date != amz_date[:8]:
            raise AuthError(403, CORAL + "InvalidSignatureException",
                            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version "
                            "of date from HTTP: '%s' != '%s', from '%s'."
                            % (scope_date, amz_date[:8], amz_date))
        if region != REGION:
            raise AuthError(403, CORAL + "InvalidSignatureException",
                            "Credential should be scoped to a valid region, not '%s'. " % region)
        if service != SIGNING_NAME:
            raise AuthError(403, CORAL + "InvalidSignatureException",
                            "Credential should be scoped to correct service: '%s'. " % SIGNING_NAME)
        if term != "aws4_request":
            raise AuthError(403, CORAL + "InvalidSignatureException",
                            "Credential should be scoped with a valid terminator: 'aws4_request', "
                            "not '%s'. " % term)
        signed = [h.strip().lower() for h in params["SignedHeaders"].split(";") if h.strip()]
        if "host" not in signed:
            raise AuthError(403, CORAL + "InvalidSignatureException",
                            "'Host' or ':authority' must be a 'SignedHeader' in the AWS "
                            "Authorization.")
        try:
            req_time = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
                tzinfo=datetime.timezone.utc).timestamp()
        except ValueError:
            raise AuthError(403, CORAL + "IncompleteSignatureException",
                            "Date must be in ISO-8601 'basic format'. Got '%s'. See "
                            "http://en.wikipedia.org/wiki/ISO_8601" % amz_date)
        if req_time < now - MAX_SKEW_SECONDS:
            raise AuthError(403, CORAL + "InvalidSignatureException",
                            "Signature expired: %s is now earlier than %s (%s - 5 min.)" % (
                                amz_date, amz_date_string(now - MAX_SKEW_SECONDS),
                                amz_date_string(now)))
        if req_time > now + MAX_SKEW_SECONDS:
            raise AuthError(403, CORAL + "InvalidSignatureException",
                            "Signature not yet current: %s is still later than %s (%s + 5 min.)" % (
                                amz_date, amz_date_string(now + MAX_SKEW_SECONDS),
                                amz_date_string(now)))
        content_sha = headers.get("X-Amz-Content-SHA256")
        if content_sha is not None and content_sha != hashlib.sha256(body).hexdigest():
            raise AuthError(403, CORAL + "InvalidSignatureException",
                            "The provided 'x-amz-content-sha256' header does not match what was "
                            "computed.")

        # Recompute with botocore from the request's own signed headers.
        req_headers = HTTPHeaders()
        for name in signed:
            for value in headers.get_all(name) or []:
                req_headers[name] = value
        host = headers.get("Host", "")
        request = AWSRequest(method=method, url="http://%s%s" % (host, path), data=body)
        request.headers = req_headers
        request.context["timestamp"] = amz_date
        signer = _ExactHeadersSigV4(
            Credentials(entry["accessKeyId"], entry["secretAccessKey"], entry.get("sessionToken")),
            signed)
        canonical = signer.canonical_request(request)
        string_to_sign = signer.string_to_sign(request, canonical)
        expected = signer.signature(string_to_sign, request)
        if not hmac.compare_digest(expected, params["Signature"]):
            raise AuthError(403, CORAL + "InvalidSignatureException",
                            "The request signature we calculated does not match the signature you "
                            "provided. Check your AWS Secret Access Key and signing method. Consult "
                            "the service documentation for details.\n\nThe Canonical String for this "
                            "request should have been\n'%s'\n\nThe String-to-Sign should have been\n"
                            "'%s'\n" % (canonical, string_to_sign))
        return entry
