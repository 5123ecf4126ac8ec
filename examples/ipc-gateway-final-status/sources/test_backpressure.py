"""Backpressure component tests: the report's 4/4."""
from router_stub import BoundedQueue


def test_accepts_until_capacity():
    q = BoundedQueue(4)
    assert all(q.offer(i) for i in range(4))


def test_rejects_when_full():
    q = BoundedQueue(2)
    q.offer(1), q.offer(2)
    assert not q.offer(3) and q.rejected == 1


def test_drains_in_order():
    q = BoundedQueue(3)
    for i in range(3):
        q.offer(i)
    assert [q.take() for _ in range(3)] == [0, 1, 2]


def test_accepts_again_after_drain():
    q = BoundedQueue(1)
    q.offer(1)
    q.take()
    assert q.offer(2)
