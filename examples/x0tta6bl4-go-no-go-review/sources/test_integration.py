from mesh import Mesh


def line(n):
    m = Mesh([f"n{i}" for i in range(n)])
    for i in range(n - 1):
        m.link(f"n{i}", f"n{i + 1}")
    return m


def test_route_discovery_sets_next_hops():
    m = line(4)
    assert m.discover("n0", "n3") == ["n0", "n1", "n2", "n3"]
    assert m.nodes["n1"].routes["n3"] == "n2"


def test_multi_hop_delivery():
    m = line(4)
    assert m.send("n0", "n3", "hello") and m.nodes["n3"].inbox == [("n0", "hello")]


def test_reroute_after_link_loss():
    m = line(3)
    m.link("n0", "n2")
    m.unlink("n0", "n1")
    assert m.send("n0", "n1", "x") and m.discover("n0", "n1") == ["n0", "n2", "n1"]
