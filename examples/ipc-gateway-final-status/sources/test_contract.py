"""Router contract validation: the report's 3 checks against beamline.router.v1.decide."""
import json
import pytest
from router_stub import MAX_ID, SUBJECT, build_request, subject_ok


def test_message_format():
    msg = build_request("r-1", "acme", {"op": "decide", "input": [1, 2]})
    assert set(msg) == {"subject", "headers", "data"}
    assert json.loads(msg["data"]) == {"op": "decide", "input": [1, 2]}
    msg["headers"]["request-id"].decode("utf-8")  # UTF-8 headers


def test_subject_pattern():
    assert SUBJECT == "beamline.router.v1.decide"
    assert subject_ok(build_request("r-2", "acme", {})["subject"])


def test_id_limits():
    build_request("r" * MAX_ID, "t" * MAX_ID, {})
    with pytest.raises(ValueError):
        build_request("r" * (MAX_ID + 1), "acme", {})
