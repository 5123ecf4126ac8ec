#!/usr/bin/env python3
"""Load test: a stand-in node's HTTP endpoint (asyncio) under 1000 concurrent requests, as the
report's Jan 7 load test. Writes the summary JSON and the node's Prometheus /metrics scrape.
   load.py SUMMARY.json METRICS.txt"""
import asyncio
import json
import statistics
import sys
import time

N = 1000
served = 0


async def handle(reader, writer):
    global served
    await reader.readuntil(b"\r\n\r\n")
    served += 1
    body = b'{"status":"ok"}'
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
    await writer.drain()
    writer.close()


async def one(port):
    start = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        status = (await reader.readline()).split()[1]
        writer.close()
        return status == b"200", (time.perf_counter() - start) * 1000
    except OSError:
        return False, (time.perf_counter() - start) * 1000


async def main(summary_path, metrics_path):
    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=2048)
    port = server.sockets[0].getsockname()[1]
    started = time.perf_counter()
    results = await asyncio.gather(*(one(port) for _ in range(N)))
    elapsed = time.perf_counter() - started
    server.close()
    ok = [ms for good, ms in results if good]
    lat = sorted(ms for _, ms in results)
    summary = {
        "requests": N,
        "concurrency": N,
        "succeeded": len(ok),
        "success_rate_pct": round(100 * len(ok) / N, 2),
        "error_rate_pct": round(100 * (N - len(ok)) / N, 2),
        "latency_ms": {"avg": round(statistics.fmean(lat), 2), "p95": round(lat[int(0.95 * N) - 1], 2), "max": round(lat[-1], 2)},
        "duration_s": round(elapsed, 3),
    }
    with open(summary_path, "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    with open(metrics_path, "w") as f:
        f.write("# HELP x0tta6bl4_http_requests_total HTTP requests served.\n")
        f.write("# TYPE x0tta6bl4_http_requests_total counter\n")
        f.write(f'x0tta6bl4_http_requests_total{{path="/health",code="200"}} {served}\n')
        f.write("# HELP x0tta6bl4_mesh_nodes Nodes in the mesh.\n# TYPE x0tta6bl4_mesh_nodes gauge\nx0tta6bl4_mesh_nodes 5\n")


asyncio.run(main(sys.argv[1], sys.argv[2]))
