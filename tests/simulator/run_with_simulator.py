#!/usr/bin/env python3
"""Run a command against a freshly started simulator.

    run_with_simulator.py [simulator args] -- CMD [ARGS...]

Starts tests/simulator/simulator.py on a free loopback port, runs CMD with
MPADJUST_SIM_ENDPOINT=http://127.0.0.1:PORT, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the
default seller (AKIDSIMULATOR0000001), AWS_REGION=us-east-1 (AWS_SESSION_TOKEN removed),
MPADJUST_SIM_PID=<the simulator's process id>, stops
the simulator (always: on success, failure, timeout or a signal) and exits with CMD's status.

Options of this wrapper (before "--", mixed with simulator flags):
    --timeout SECONDS   kill CMD after this long (exit status 124)
"""
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import simfixture  # noqa: E402


def main(argv):
    if "--" not in argv:
        sys.stderr.write(__doc__)
        return 2
    i = argv.index("--")
    sim_args, cmd = argv[:i], argv[i + 1:]
    if not cmd:
        sys.stderr.write("run_with_simulator: no command after --\n")
        return 2
    timeout = None
    if "--timeout" in sim_args:
        j = sim_args.index("--timeout")
        timeout = float(sim_args[j + 1])
        del sim_args[j:j + 2]

    proc, port = simfixture.launch(sim_args)
    child = None

    def on_signal(signum, frame):
        if child is not None and child.poll() is None:
            child.send_signal(signum)
        raise KeyboardInterrupt
    old = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        sim = simfixture.Simulator(proc, port)
        env = dict(os.environ)
        env.pop("AWS_SESSION_TOKEN", None)
        env.pop("AWS_PROFILE", None)
        env.update(sim.env())
        env["MPADJUST_SIM_PID"] = str(proc.pid)  # for benchmarks that place the simulator
        child = subprocess.Popen(cmd, env=env)
        try:
            return child.wait(timeout)
        except subprocess.TimeoutExpired:
            sys.stderr.write("run_with_simulator: %s timed out after %.0f s\n" % (cmd[0], timeout))
            child.kill()
            child.wait()
            return 124
    except KeyboardInterrupt:
        if child is not None and child.poll() is None:
            child.kill()
            child.wait()
        return 130
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        simfixture.stop(proc)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
