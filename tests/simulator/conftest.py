"""pytest fixtures for the simulator's own tests (and an example for other suites).

Other suites import the plain module instead: sys.path.insert(0, ".../tests/simulator");
from simfixture import start_simulator.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import gen_seed  # noqa: E402
import simfixture  # noqa: E402

# Seed identifiers worth knowing (tests/simulator/seed.json).
A_HAPPY = "agmt-7Q2mXk9RbT4vNc8LpW3sYd5H"       # seller 111122223333, buyer 210987654321, USD
A_SECOND = "agmt-9FhL2pVx6RtK3mZq8WcB4nJy"      # same buyer, ACTIVE
A_EXPIRED = "agmt-2KdR8sWq5YhN7vLx3TpM6cGb"     # same buyer, EXPIRED
A_CANCELLED_EUR = "agmt-5PzT3nGc8WkQ2yRv7LxH4mDs"
A_JPY = "agmt-8VnB4hKs2LqX9tCw6RyF3pMz"
A_EUR = "agmt-4WcJ7rPy3MvD8kTn2QsL5hXb"
A_OTHER_SELLER = "agmt-3RyH6wLn8PcV4tMk2XqD9sJg"  # seller 444455556666, buyer 210987654321
AMBIGUOUS_BUYER = "210987654321"
INV_HAPPY = "E2E20260105a108cfae"                # USD 1200.00, max 1200.00
INV_PARTLY_REFUNDED = "E2E20260205b27d41c9"      # USD 1080.00, max 1000.00
INV_CREDIT_MEMO = "E2E20260210d4f06b13"
INV_FAILS = "E2E20260305c3e95a02"                # ends VALIDATION_FAILED
INV_JPY = "E2E20260120a7c39e46"                  # JPY 150000
INV_EUR_CANCELLED = "2028746221"


@pytest.fixture(scope="session")
def _session_sim():
    with simfixture.start_simulator(adjustment_delay=0.3) as s:
        yield s


@pytest.fixture
def sim(_session_sim):
    """The session's simulator, reset to its start state (default seed, no faults, adjustments
    complete after 0.3 s, empty request log) before each test."""
    _session_sim.reset()
    return _session_sim


@pytest.fixture(scope="session")
def big_seed(tmp_path_factory):
    """A 10 000-agreement, 30 000-invoice seed, generated once per session."""
    path = tmp_path_factory.mktemp("seed") / "big.json"
    data = gen_seed.generate(10000, 30000, 3, seed=42)
    import json
    with open(path, "w") as f:
        json.dump(data, f)
    return path, data
