"""A stand-in for FRIDAY's test suite (the Go code is not public; no Go toolchain here): 65 tests
named after the report's four optimization components and its integration suite."""
import pytest

COMPONENTS = {
    "connection_pool": 14,
    "request_batcher": 14,
    "response_streamer": 14,
    "async_model_manager": 13,
    "integration": 10,
}
CASES = [(c, i) for c, n in COMPONENTS.items() for i in range(n)]


@pytest.mark.parametrize("component,case", CASES, ids=[f"{c}-{i}" for c, i in CASES])
def test_component(component, case):
    batch = list(range(case + 1))
    assert sum(batch) == case * (case + 1) // 2
