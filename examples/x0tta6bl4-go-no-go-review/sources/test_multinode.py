"""Multi-node test: 5 nodes (the report's 5 pods), full mesh connectivity, AODV routing."""
from mesh import Mesh

PODS = [f"x0tta6bl4-{i}" for i in range(5)]


def ring():
    m = Mesh(PODS)
    for a, b in zip(PODS, PODS[1:] + PODS[:1]):
        m.link(a, b)
    return m


def test_five_pods_running():
    assert sum(n.healthy() for n in ring().nodes.values()) == 5


def test_mesh_connectivity_100_percent():
    assert ring().connectivity() == 1.0


def test_inter_node_communication():
    m = ring()
    for a in PODS:
        for b in PODS:
            assert m.send(a, b, f"{a}->{b}")


def test_aodv_routing_two_hops():
    assert len(ring().discover(PODS[0], PODS[2])) == 3
