#!/usr/bin/env python3
"""Local simulator of the AWS Marketplace Agreement Service (AWS JSON 1.0 over HTTP/1.1).

Usage:
    simulator.py --port 0 [--seed FILE] [--state-out FILE] [--credentials FILE] [fault flags]

The first line on stdout is ``listening on http://127.0.0.1:PORT``. It binds to loopback only and
stops on SIGTERM or SIGINT (writing --state-out if given). See README.md beside this file for the
flags, the /_sim/ control endpoints, the default credentials and the seed.

Every API request is checked like the service checks it: POST /, Content-Type
application/x-amz-json-1.0, X-Amz-Target AWSMPCommerceService_v20200301.<Operation>, SigV4
recomputed by botocore (service aws-marketplace, region us-east-1, X-Amz-Date within 5 minutes of
the simulator clock), and the body validated against the operation's input shape of the official
model (botocore's ParamValidator plus the pattern/enum/length constraints it omits).
"""
import argparse
import json
import os
import random
import signal
import socket
import sys
import threading
import time
import uuid
from collections import deque
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sim_auth  # noqa: E402
import sim_model  # noqa: E402
import sim_state  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SEED = os.path.join(HERE, "seed.json")
TARGET_PREFIX = "AWSMPCommerceService_v20200301."
CONTENT_TYPE = "application/x-amz-json-1.0"
FAULT_KINDS = ("throttle", "error500", "error503", "drop_before", "drop_after", "malformed",
               "truncate")
RATE_FIELDS = {"throttle": "throttle_rate", "error500": "error500_rate",
               "error503": "error503_rate", "drop_before": "drop_before_rate",
               "drop_after": "drop_after_rate", "malformed": "malformed_rate",
               "truncate": "truncate_rate"}
MAX_BODY = 1 << 20


class Faults:
    """Fault configuration; mutable at run time through /_sim/faults."""

    FIELDS = ("throttle_rate", "error500_rate", "error503_rate", "drop_before_rate",
              "drop_after_rate", "malformed_rate", "truncate_rate", "latency_ms", "clock_offset",
              "operations", "adjustment_delay")

    def __init__(self, seed=None):
        self.throttle_rate = self.error500_rate = self.error503_rate = 0.0
        self.drop_before_rate = self.drop_after_rate = 0.0
        self.malformed_rate = self.truncate_rate = 0.0
        self.latency_ms = 0.0
        self.clock_offset = 0.0
        self.operations = []  # empty = faults apply to every operation
        self.adjustment_delay = 1.0
        self.next = deque()  # "fail the next N requests": queued fault kinds
        self.rng = random.Random(seed)
        self.fault_seed = seed

    def to_json(self):
        d = {f: getattr(self, f) for f in self.FIELDS}
        d["next"] = list(self.next)
        d["fault_seed"] = self.fault_seed
        return d

    def update(self, d):
        for k, v in d.items():
            if k == "next":
                self.next = deque(_check_kinds(v))
            elif k == "append_next":
                self.next.extend(_check_kinds(v))
            elif k == "fault_seed":
                self.fault_seed = v
                self.rng = random.Random(v)
            elif k == "operations":
                if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                    raise ValueError("operations must be a list of operation names")
                self.operations = list(v)
            elif k in self.FIELDS:
                if isinstance(v, bool) or not isinstance(v, (int, float)):
                    raise ValueError("%s must be a number" % k)
                if k.endswith("_rate") and not 0 <= v <= 1:
                    raise ValueError("%s must be within [0, 1]" % k)
                setattr(self, k, float(v))
            else:
                raise ValueError("unknown fault setting %r" % k)

    def pick(self, op):
        """The fault to inject for this request (or None). Consumes the queue first, then one
        random draw per configured rate, in a fixed order (deterministic with --fault-seed)."""
        if self.operations and op not in self.operations:
            return None
        if self.next:
            return self.next.popleft()
        for kind in FAULT_KINDS:
            rate = getattr(self, RATE_FIELDS[kind])
            if rate > 0 and self.rng.random() < rate:
                return kind
        return None


def _check_kinds(v):
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list):
        raise ValueError("next must be a list of fault kinds")
    out = []
    for item in v:
        kind, _, count = str(item).partition("*")
        if kind not in FAULT_KINDS:
            raise ValueError("unknown fault kind %r (one of %s)" % (kind, ", ".join(FAULT_KINDS)))
        out.extend([kind] * (int(count) if count else 1))
    return out


class Simulator:
    def __init__(self, seed, credentials, faults, state_out=None):
        self.seed = seed
        self.credentials = credentials
        self.initial_faults = faults.to_json()
        self.faults = faults
        self.state_out = state_out
        self.model, self.model_source = sim_model.load_service_model()
        self.validator = sim_model.InputValidator(self.model)
        self.verifier = sim_auth.Verifier(credentials)
        self.errors = {}
        for name in ("ValidationException", "AccessDeniedException", "ResourceNotFoundException",
                     "ConflictException", "ThrottlingException", "InternalServerException"):
            self.errors[name] = self.model.shape_for(name).metadata["error"]["httpStatusCode"]
        self.state = sim_state.State(seed, self.now, faults.adjustment_delay)
        self.log_lock = threading.Lock()
        self.requests = deque(maxlen=100000)
        self.request_count = 0

    def now(self):
        return time.time() + self.faults.clock_offset

    def reset(self):
        with self.state.lock:
            self.faults.__init__(self.initial_faults["fault_seed"])
            self.faults.update({k: v for k, v in self.initial_faults.items()
                                if k not in ("fault_seed",)})
            self.state = sim_state.State(self.seed, self.now, self.faults.adjustment_delay)
        with self.log_lock:
            self.requests.clear()
            self.request_count = 0

    def record(self, entry):
        with self.log_lock:
            self.request_count += 1
            entry["seq"] = self.request_count
            self.requests.append(entry)


def _json_bytes(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mpadjust-simulator"
    sys_version = ""
    # Buffered writes: the status line, headers and body leave in one segment (handle_one_request
    # flushes after each request), as a real server sends them; unbuffered, every response was
    # two segments and woke the client twice.
    wbufsize = 1 << 16

    def version_string(self):
        return self.server_version
    sim = None  # set by make_server

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):  # quiet: the request log is /_sim/requests
        pass

    def date_time_string(self, timestamp=None):
        return formatdate(self.sim.now() if timestamp is None else timestamp, usegmt=True)

    # ---- plumbing ----------------------------------------------------------------------------
    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(3)
                if sum(map(len, chunks)) > MAX_BODY:
                    raise ValueError("body too large")
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        n = int(length)
        if n < 0 or n > MAX_BODY:
            raise ValueError("bad Content-Length")
        return self.rfile.read(n)

    def _send(self, status, body, request_id, extra=None, truncate=False):
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", request_id)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if truncate:
            self.wfile.write(body[: max(1, len(body) // 2)])
            self.wfile.flush()
            self._drop()
            return
        self.wfile.write(body)

    def _drop(self):
        """Close the connection without (the rest of) a response: an RST for the client."""
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _error(self, status, type_name, message, request_id, **members):
        body = {"__type": type_name, "message": message}
        body.update(members)
        self._send(status, _json_bytes(body), request_id)
        return status

    def _api_error(self, e, request_id):
        status = self.sim.errors.get(e.shape, 400)
        members = dict(e.members)
        members["requestId"] = request_id
        return self._error(status, "%s#%s" % (sim_model.NAMESPACE, e.shape), e.message, request_id,
                           **members)

    # ---- HTTP verbs --------------------------------------------------------------------------
    def do_GET(self):
        if self.path.startswith("/_sim/"):
            return self._control("GET")
        self._not_api()

    def do_DELETE(self):
        if self.path.startswith("/_sim/"):
            return self._control("DELETE")
        self._not_api()

    def do_PUT(self):
        self._not_api()

    def _not_api(self):
        try:
            self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
        rid = str(uuid.uuid4())
        self._error(404, "com.amazon.coral.service#UnknownOperationException", None, rid)

    def do_POST(self):
        if self.path.startswith("/_sim/"):
            return self._control("POST")
        sim = self.sim
        rid = str(uuid.uuid4())
        t0 = time.time()
        entry = {"time": t0, "operation": None, "status": None, "fault": None,
                 "accessKeyId": None}
        try:
            self._api(rid, entry)
        finally:
            entry["durationMs"] = round((time.time() - t0) * 1000, 3)
            sim.record(entry)

    def _api(self, rid, entry):
        sim = self.sim
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            entry["status"] = self._error(400, "com.amazon.coral.service#SerializationException",
                                          "Could not read the request body.", rid)
            return
        target = self.headers.get("X-Amz-Target") or ""
        op = target[len(TARGET_PREFIX):] if target.startswith(TARGET_PREFIX) else None
        entry["operation"] = op or target or None
        if self.path.split("?")[0] != "/" or op is None or sim.validator.operation(op) is None:
            entry["status"] = self._error(400, "com.amazon.coral.service#UnknownOperationException",
                                          None, rid)
            return
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != CONTENT_TYPE:
            entry["status"] = self._error(
                400, "com.amazon.coral.service#UnknownOperationException", None, rid)
            return
        try:
            cred = sim.verifier.verify("POST", self.path, self.headers, body, sim.now())
        except sim_auth.AuthError as e:
            entry["status"] = self._error(e.status, e.type_name, e.message, rid)
            return
        entry["accessKeyId"] = cred["accessKeyId"]
        caller = cred["accountId"]

        faults = sim.faults
        with sim.state.lock:
            fault = faults.pick(op)
            latency = faults.latency_ms
        entry["fault"] = fault
        if latency > 0:
            time.sleep(latency / 1000.0)
        if fault == "drop_before":
            entry["status"] = "dropped"
            self._drop()
            return
        if fault == "throttle":
            entry["status"] = self._error(429, sim_model.NAMESPACE + "#ThrottlingException",
                                          "Rate exceeded", rid, requestId=rid)
            return
        if fault == "error500":
            entry["status"] = self._error(500, sim_model.NAMESPACE + "#InternalServerException",
                                          "An internal error has occurred.", rid, requestId=rid)
            return
        if fault == "error503":
            entry["status"] = self._error(503, "ServiceUnavailableException",
                                          "Service Unavailable", rid)
            return

        try:
            params = json.loads(body.decode("utf-8")) if body else None
        except (ValueError, UnicodeDecodeError):
            params = None
            bad = True
        else:
            bad = not isinstance(params, dict)
        if bad:
            entry["status"] = self._error(400, "com.amazon.coral.service#SerializationException",
                                          "Start of structure or map found where not expected."
                                          if body else "The request body must be a JSON object.",
                                          rid)
            return
        violations = sim.validator.validate(op, params)
        if violations:
            reason, message, fields = sim_model.validation_error(violations)
            entry["status"] = self._api_error(
                sim_state.ApiError("ValidationException", message, reason=reason, fields=fields),
                rid)
            return
        try:
            with sim.state.lock:
                sim.state.adjustment_delay = faults.adjustment_delay
                result = getattr(sim.state, op)(caller, params)
        except sim_state.ApiError as e:
            entry["status"] = self._api_error(e, rid)
            return
        except Exception as e:  # a simulator bug: report it as the service would, keep serving
            sys.stderr.write("simulator: internal error in %s: %r\n" % (op, e))
            entry["status"] = self._error(500, sim_model.NAMESPACE + "#InternalServerException",
                                          "An internal error has occurred.", rid, requestId=rid)
            return
        out = _json_bytes(result)
        if fault == "drop_after":
            entry["status"] = "dropped-after-apply"
            self._drop()
            return
        if fault == "malformed":
            out = out[: max(1, len(out) // 2)] + b"\x00<html>"
        entry["status"] = 200
        self._send(200, out, rid, truncate=(fault == "truncate"))

    # ---- /_sim/ control ----------------------------------------------------------------------
    def _control(self, method):
        sim = self.sim
        try:
            body = self._read_body()
            data = json.loads(body) if body.strip() else {}
        except (ValueError, OSError):
            return self._ctl(400, {"error": "body must be JSON"})
        path = self.path.split("?")[0].rstrip("/")
        try:
            if path == "/_sim/health" and method == "GET":
                return self._ctl(200, {"ok": True, "model": sim.model_source})
            if path == "/_sim/faults":
                with sim.state.lock:
                    if method == "POST":
                        sim.faults.update(data)
                    return self._ctl(200, sim.faults.to_json())
            if path == "/_sim/ledger" and method == "GET":
                with sim.state.lock:
                    sim.state.advance()
                    return self._ctl(200, {
                        "billingAdjustmentRequests": sim.state.ledger_adjustments(),
                        "cancellationRequests": sim.state.ledger_cancellations()})
            if path == "/_sim/requests":
                if method == "DELETE":
                    with sim.log_lock:
                        sim.requests.clear()
                        sim.request_count = 0
                    return self._ctl(200, {"count": 0})
                with sim.log_lock:
                    return self._ctl(200, {"count": sim.request_count,
                                           "requests": list(sim.requests)})
            if path == "/_sim/reset" and method == "POST":
                sim.reset()
                return self._ctl(200, {"ok": True})
            if path == "/_sim/state" and method == "GET":
                return self._ctl(200, sim.state.dump())
            if path == "/_sim/settle" and method == "POST":
                with sim.state.lock:
                    sim.state.advance(force=True)
                return self._ctl(200, {"ok": True})
            if path == "/_sim/cancellation-decision" and method == "POST":
                with sim.state.lock:
                    c = sim.state.decide_cancellation(data.get("agreementCancellationRequestId"),
                                                      data.get("status"))
                    return self._ctl(200, {"agreementCancellationRequestId":
                                           c["agreementCancellationRequestId"],
                                           "status": c["status"]})
        except KeyError as e:
            return self._ctl(404, {"error": "not found: %s" % e})
        except ValueError as e:
            return self._ctl(400, {"error": str(e)})
        return self._ctl(404, {"error": "unknown control endpoint %s %s" % (method, path)})

    def _ctl(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def make_server(sim, port=0):
    handler = type("BoundHandler", (Handler,), {"sim": sim})
    return Server(("127.0.0.1", port), handler)


def load_seed(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = any free port)")
    p.add_argument("--seed", "--state-in", dest="seed", default=DEFAULT_SEED,
                   help="seed or saved state JSON (default: seed.json beside this file)")
    p.add_argument("--state-out", help="write the state as JSON here on exit")
    p.add_argument("--credentials", help="JSON list of {accessKeyId, secretAccessKey, "
                   "sessionToken?, accountId} (default: the built-in simulator keys)")
    p.add_argument("--adjustment-delay", type=float, default=1.0,
                   help="seconds before a PENDING billing adjustment completes (default 1.0)")
    p.add_argument("--fault-seed", type=int, default=None, help="seed of the fault RNG")
    p.add_argument("--throttle-rate", type=float, default=0.0)
    p.add_argument("--error500-rate", type=float, default=0.0)
    p.add_argument("--error503-rate", type=float, default=0.0)
    p.add_argument("--drop-before-rate", type=float, default=0.0,
                   help="rate of connections dropped before the request is applied")
    p.add_argument("--drop-after-rate", type=float, default=0.0,
                   help="rate of connections dropped after the request is applied")
    p.add_argument("--malformed-rate", type=float, default=0.0,
                   help="rate of 200 responses with a malformed JSON body (request applied)")
    p.add_argument("--truncate-rate", type=float, default=0.0,
                   help="rate of 200 responses cut short (request applied)")
    p.add_argument("--latency-ms", type=float, default=0.0, help="added latency per API request")
    p.add_argument("--clock-offset", type=float, default=0.0,
                   help="seconds added to the simulator clock (X-Amz-Date check, Date header)")
    p.add_argument("--fail-next", default="", help="comma-separated fault kinds for the next "
                   "requests, KIND or KIND*N (kinds: %s)" % ", ".join(FAULT_KINDS))
    p.add_argument("--fault-operations", default="",
                   help="comma-separated operations faults apply to (default: all)")
    return p.parse_args(argv)


def build(args):
    faults = Faults(args.fault_seed)
    faults.update({
        "throttle_rate": args.throttle_rate, "error500_rate": args.error500_rate,
        "error503_rate": args.error503_rate, "drop_before_rate": args.drop_before_rate,
        "drop_after_rate": args.drop_after_rate, "malformed_rate": args.malformed_rate,
        "truncate_rate": args.truncate_rate, "latency_ms": args.latency_ms,
        "clock_offset": args.clock_offset, "adjustment_delay": args.adjustment_delay,
        "operations": [o for o in args.fault_operations.split(",") if o],
        "next": [k for k in args.fail_next.split(",") if k]})
    creds = (sim_auth.load_credentials(args.credentials) if args.credentials
             else sim_auth.DEFAULT_CREDENTIALS)
    return Simulator(load_seed(args.seed), creds, faults, args.state_out)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        sim = build(args)
    except ValueError as e:
        sys.stderr.write("simulator: %s\n" % e)
        return 2
    server = make_server(sim, args.port)

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stdout.write("listening on http://127.0.0.1:%d\n" % server.server_address[1])
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        if sim.state_out:
            tmp = sim.state_out + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(sim.state.dump(), f, indent=1)
            os.replace(tmp, sim.state_out)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip tearing down a large heap object by object


if __name__ == "__main__":
    sys.exit(main())
