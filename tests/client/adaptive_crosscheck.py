"""Differential test of the adaptive retry mode's rate limiter: botocore's own classes
(retries/adaptive.py ClientRateLimiter + RateClocker, bucket.py TokenBucket, throttling.py
CubicCalculator, wired as botocore's register_retry_handler wires them) and ours
(tests/tools/adaptive_trace.cpp) are driven by the same event scripts on a fake clock, and every
send decision, wait, allowed rate and measured rate must agree.

Usage: adaptive_crosscheck.py PATH/TO/adaptive_trace   (exit 77 = skipped: no botocore)"""
import math
import random
import subprocess
import sys

try:
    from botocore.exceptions import CapacityNotAvailableError
    from botocore.retries import adaptive, bucket, throttling
except ImportError:
    print("SKIP: botocore is not installed (run scripts/bootstrap.sh)")
    sys.exit(77)

TRACE = sys.argv[1]


class FakeClock:
    def __init__(self, t):
        self.t = t

    def current_time(self):
        return self.t

    def sleep(self, amount):
        self.t += amount


class Detector:
    """Stands in for standard.ThrottlingErrorDetector: the script says whether it throttled."""
    throttled = False

    def is_throttling_error(self, **kwargs):
        return self.throttled


def botocore_limiter(clock, detector):
    return adaptive.ClientRateLimiter(
        rate_adjustor=throttling.CubicCalculator(starting_max_rate=0, start_time=clock.current_time()),
        rate_clocker=adaptive.RateClocker(clock),
        token_bucket=bucket.TokenBucket(max_rate=1, clock=clock),
        throttling_detector=detector,
        clock=clock,
    )


def script(seed):
    """Runs botocore on a random workload; returns (events, botocore's outputs)."""
    rng = random.Random(seed)
    t0 = 1_790_000_000 + rng.random() * 1000 if seed % 2 else rng.random() * 100
    clock, det = FakeClock(t0), Detector()
    lim = botocore_limiter(clock, det)
    events, outs = [f"init {t0!r}"], ["ok"]
    throttle_p = rng.choice([0.05, 0.2, 0.5])
    for _ in range(400):
        # send (retrying after the announced wait, as the client does)
        while True:
            events.append(f"send {clock.t!r}")
            wait = 0.0
            if lim._enabled:
                try:
                    lim._token_bucket.acquire(block=False)
                except CapacityNotAvailableError:
                    wait = lim._token_bucket._sleep_amount(1)
            outs.append(wait)
            if wait == 0:
                break
            clock.t += wait + 1e-6  # past the boundary: no float tie between the two
        clock.t += rng.choice([0.0005, 0.01, 0.05, 0.2, 0.7])
        det.throttled = rng.random() < throttle_p
        events.append(f"resp {clock.t!r} {int(det.throttled)}")
        lim.on_receiving_response()
        outs.append((lim._token_bucket.max_rate, lim._rate_clocker.measured_rate, int(lim._enabled)))
        if rng.random() < 0.1:
            clock.t += rng.random() * 3  # idle
        if rng.random() < 0.02:
            throttle_p = rng.choice([0.0, 0.05, 0.2, 0.6])
    return events, outs


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def main():
    failures = 0
    total = 0
    delayed = 0
    for seed in range(1, 61):
        events, expected = script(seed)
        r = subprocess.run([TRACE], input="\n".join(events) + "\n", capture_output=True, text=True, check=True)
        got = r.stdout.splitlines()
        assert len(got) == len(expected), (seed, len(got), len(expected))
        for ev, exp, line in zip(events, expected, got):
            total += 1
            if ev.startswith("init"):
                ok = line == "ok"
            elif ev.startswith("send"):
                ok = close(float(line), exp)
                delayed += exp > 0
            else:
                fill, measured, enabled = line.split()
                ok = close(float(fill), exp[0]) and close(float(measured), exp[1]) and int(enabled) == exp[2]
            if not ok:
                failures += 1
                if failures <= 10:
                    print(f"seed {seed}: {ev}: botocore {exp!r}, mpadjust {line}")
    print(f"adaptive limiter vs botocore: {total - failures}/{total} events agree "
          f"(60 scripts, {delayed} sends delayed by the limiter)")
    if delayed == 0:
        print("the scripts never made the limiter delay a send: the comparison proves nothing")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
