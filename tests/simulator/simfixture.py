"""Start and stop the Agreement Service simulator from tests (importable by any pytest suite).

    import sys; sys.path.insert(0, "<repo>/tests/simulator")
    from simfixture import start_simulator

    with start_simulator(throttle_rate=0.2, fault_seed=7) as sim:
        sim.endpoint          # "http://127.0.0.1:PORT"
        sim.client()          # a botocore client for the default seller
        sim.set_faults(next=["drop_after"]); sim.ledger(); sim.requests(); sim.reset()

Keyword flags map to the command-line flags (``throttle_rate=0.2`` -> ``--throttle-rate 0.2``;
``fail_next=["throttle*2"]`` -> ``--fail-next throttle*2``). The process is always stopped
(SIGTERM, then SIGKILL) when the block exits.
"""
import contextlib
import json
import os
import subprocess
import sys
import threading
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SIMULATOR = os.path.join(HERE, "simulator.py")
DEFAULT_SEED = os.path.join(HERE, "seed.json")

# The built-in credentials (see sim_auth.DEFAULT_CREDENTIALS).
SELLER = {"access_key": "AKIDSIMULATOR0000001", "secret_key": "simulator-secret-key-1",
          "account_id": "111122223333"}
SELLER_TEMP = {"access_key": "ASIASIMULATOR0000002", "secret_key": "simulator-secret-key-2",
               "token": "simulator-session-token-2", "account_id": "111122223333"}
OTHER_SELLER = {"access_key": "AKIDSIMULATOR0000003", "secret_key": "simulator-secret-key-3",
                "account_id": "444455556666"}


class Simulator:
    def __init__(self, proc, port):
        self.proc, self.port = proc, port
        self._clients = {}
        self.endpoint = "http://127.0.0.1:%d" % port

    # ---- control endpoints -------------------------------------------------------------------
    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.endpoint + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def set_faults(self, **settings):
        return self.control("POST", "/_sim/faults", settings)

    def faults(self):
        return self.control("GET", "/_sim/faults")

    def ledger(self):
        return self.control("GET", "/_sim/ledger")

    def requests(self):
        return self.control("GET", "/_sim/requests")

    def request_count(self):
        return self.requests()["count"]

    def clear_requests(self):
        return self.control("DELETE", "/_sim/requests")

    def reset(self):
        return self.control("POST", "/_sim/reset", {})

    def settle(self):
        return self.control("POST", "/_sim/settle", {})

    def state(self):
        return self.control("GET", "/_sim/state")

    # ---- clients -----------------------------------------------------------------------------
    def client(self, creds=None, retries=0, **config):
        """A botocore client for the simulator (default: the default seller, no retries)."""
        import botocore.session
        from botocore.config import Config
        creds = creds or SELLER
        key = (creds["access_key"], retries, tuple(sorted(config.items())))
        if key in self._clients:
            return self._clients[key]
        session = botocore.session.get_session()
        cfg = Config(retries={"total_max_attempts": retries + 1, "mode": "standard"},
                     connect_timeout=5, read_timeout=30, **config)
        client = session.create_client(
            "marketplace-agreement", region_name="us-east-1", endpoint_url=self.endpoint,
            aws_access_key_id=creds["access_key"], aws_secret_access_key=creds["secret_key"],
            aws_session_token=creds.get("token"), config=cfg)
        self._clients[key] = client
        return client

    def env(self, creds=None):
        creds = creds or SELLER
        env = {"MPADJUST_SIM_ENDPOINT": self.endpoint, "AWS_REGION": "us-east-1",
               "AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": creds["access_key"],
               "AWS_SECRET_ACCESS_KEY": creds["secret_key"]}
        if creds.get("token"):
            env["AWS_SESSION_TOKEN"] = creds["token"]
        return env


def _flags(kw):
    args = []
    for k, v in kw.items():
        if v is None or v is False:
            continue
        flag = "--" + k.replace("_", "-")
        if v is True:
            args.append(flag)
        elif isinstance(v, (list, tuple)):
            args += [flag, ",".join(str(x) for x in v)]
        else:
            args += [flag, str(v)]
    return args


def launch(args, python=None, timeout=30.0, stderr=None):
    """Start the simulator with raw command-line args; returns (process, port)."""
    python = python or os.environ.get("MPADJUST_VENV_PYTHON") or sys.executable
    proc = subprocess.Popen([python, SIMULATOR, "--port", "0"] + list(args),
                            stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL,
                            text=True)
    box = []
    reader = threading.Thread(target=lambda: box.append(proc.stdout.readline()), daemon=True)
    reader.start()
    try:
        # The simulator prints the line once it has loaded its seed and bound its socket.
        reader.join(timeout)
        line = box[0] if box else ""
        prefix = "listening on http://127.0.0.1:"
        if not line.startswith(prefix):
            raise RuntimeError("simulator did not start within %.0f s (exit %s): %r"
                               % (timeout, proc.poll(), line))
        return proc, int(line[len(prefix):].strip())
    except BaseException:
        stop(proc)
        raise


def stop(proc, grace=10.0):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout:
        proc.stdout.close()
    return proc.returncode


@contextlib.contextmanager
def start_simulator(*extra_args, **flags):
    """Context manager yielding a running Simulator; see the module docstring."""
    proc, port = launch(list(extra_args) + _flags(flags))
    sim = Simulator(proc, port)
    try:
        yield sim
    finally:
        stop(proc)
