"""A stand-in for an x0tta6bl4 mesh node (the project's code is not public): nodes, links and
AODV-style route discovery, enough for unit, integration and multi-node tests to exercise."""
from collections import deque


class Node:
    def __init__(self, name: str):
        self.name = name
        self.links: set[str] = set()
        self.inbox: list[tuple[str, str]] = []
        self.routes: dict[str, str] = {}  # destination -> next hop

    def healthy(self) -> bool:
        return True


class Mesh:
    def __init__(self, names):
        self.nodes = {n: Node(n) for n in names}

    def link(self, a: str, b: str):
        self.nodes[a].links.add(b)
        self.nodes[b].links.add(a)

    def unlink(self, a: str, b: str):
        self.nodes[a].links.discard(b)
        self.nodes[b].links.discard(a)
        for node in self.nodes.values():
            node.routes.clear()

    def discover(self, src: str, dst: str):
        """AODV route request: breadth-first flood, route reply sets next hops on the way back."""
        prev = {src: None}
        queue = deque([src])
        while queue:
            cur = queue.popleft()
            if cur == dst:
                break
            for nxt in sorted(self.nodes[cur].links):
                if nxt not in prev:
                    prev[nxt] = cur
                    queue.append(nxt)
        if dst not in prev:
            return None
        path = [dst]
        while prev[path[-1]] is not None:
            path.append(prev[path[-1]])
        path.reverse()
        for hop, nxt in zip(path, path[1:]):
            self.nodes[hop].routes[dst] = nxt
        return path

    def send(self, src: str, dst: str, payload: str) -> bool:
        if dst not in self.nodes[src].routes and src != dst and self.discover(src, dst) is None:
            return False
        cur = src
        while cur != dst:
            cur = self.nodes[cur].routes[dst]
        self.nodes[dst].inbox.append((src, payload))
        return True

    def connectivity(self) -> float:
        names = list(self.nodes)
        pairs = [(a, b) for a in names for b in names if a != b]
        return sum(self.discover(a, b) is not None for a, b in pairs) / len(pairs)
