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
