"""A stand-in for the gateway's Router-facing message builder and a mock Router (the report's
code is not public). Used by the contract, mock-scenario and backpressure tests."""
import json
import re

SUBJECT = "beamline.router.v1.decide"
MAX_ID = 128


def build_request(request_id: str, tenant: str, payload: dict) -> dict:
    if len(request_id) > MAX_ID or len(tenant) > MAX_ID:
        raise ValueError("id too long")
    return {
        "subject": SUBJECT,
        "headers": {"request-id": request_id.encode("utf-8"), "tenant": tenant.encode("utf-8")},
        "data": json.dumps(payload).encode("utf-8"),
    }


def subject_ok(subject: str) -> bool:
    return re.fullmatch(r"beamline\.router\.v[0-9]+\.[a-z]+", subject) is not None


class MockRouter:
    """Answers every request with a decision; cannot produce real Router error codes."""

    def __init__(self):
        self.connected = True

    def request(self, msg: dict, timeout_s: float = 1.0) -> dict:
        if not self.connected:
            raise ConnectionError("not connected")
        if timeout_s <= 0:
            raise TimeoutError("deadline passed")
        return {"status": 200, "route": "default", "request-id": msg["headers"]["request-id"]}

    def drop(self):
        self.connected = False

    def reconnect(self):
        self.connected = True


class BoundedQueue:
    def __init__(self, cap: int):
        self.cap, self.items, self.rejected = cap, [], 0

    def offer(self, item) -> bool:
        if len(self.items) >= self.cap:
            self.rejected += 1
            return False
        self.items.append(item)
        return True

    def take(self):
        return self.items.pop(0)
