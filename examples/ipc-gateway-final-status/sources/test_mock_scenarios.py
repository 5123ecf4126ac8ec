"""Router scenarios against the MOCK router (not the real Router): the report's 3/4."""
import pytest
from router_stub import MockRouter, build_request


def test_timeout():
    with pytest.raises(TimeoutError):
        MockRouter().request(build_request("r-1", "acme", {}), timeout_s=0)


def test_reconnect():
    router = MockRouter()
    router.drop()
    with pytest.raises(ConnectionError):
        router.request(build_request("r-2", "acme", {}))
    router.reconnect()
    assert router.request(build_request("r-3", "acme", {}))["status"] == 200


def test_routing():
    assert MockRouter().request(build_request("r-4", "acme", {"op": "decide"}))["route"] == "default"


def test_error_reply():
    # the real Router answers an invalid request with 400; the mock cannot (the report's failure)
    reply = MockRouter().request(build_request("r-5", "acme", {"op": "invalid"}))
    assert reply["status"] == 400, "mock limitation: the mock router answers 200 to everything"
