from mesh import Mesh, Node


def test_node_starts_empty():
    n = Node("a")
    assert n.links == set() and n.routes == {} and n.healthy()


def test_link_is_symmetric():
    m = Mesh("ab")
    m.link("a", "b")
    assert "b" in m.nodes["a"].links and "a" in m.nodes["b"].links


def test_unlink_clears_routes():
    m = Mesh("ab")
    m.link("a", "b")
    m.discover("a", "b")
    m.unlink("a", "b")
    assert m.nodes["a"].routes == {}


def test_discover_no_route():
    assert Mesh("ab").discover("a", "b") is None


def test_send_to_self():
    m = Mesh("a")
    assert m.send("a", "a", "ping") and m.nodes["a"].inbox == [("a", "ping")]


def test_send_without_route_fails():
    assert not Mesh("ab").send("a", "b", "ping")
