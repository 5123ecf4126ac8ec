#!/usr/bin/env python3
"""Performance baseline at light load, as the sign-off's "performance baselines validated":
a stand-in API server (asyncio) and 2000 requests at concurrency 10 — NOT the high-concurrency
load test the report left "ready to run". Writes the summary JSON.   baseline.py OUT.json"""
import asyncio
import json
import sys
import time

N, CONCURRENCY = 2000, 10


async def handle(reader, writer):
    await reader.readuntil(b"\r\n\r\n")
    await asyncio.sleep(0.002)  # a little work per request
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
    await writer.drain()
    writer.close()


async def one(port):
    start = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
        ok = (await reader.readline()).split()[1] == b"200"
        writer.close()
    except OSError:
        ok = False
    return ok, (time.perf_counter() - start) * 1000


async def main(out):
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sem = asyncio.Semaphore(CONCURRENCY)

    async def limited():
        async with sem:
            return await one(port)

    started = time.perf_counter()
    results = await asyncio.gather(*(limited() for _ in range(N)))
    elapsed = time.perf_counter() - started
    server.close()
    lat = sorted(ms for _, ms in results)
    errors = sum(not ok for ok, _ in results)
    summary = {
        "requests": N,
        "concurrency": CONCURRENCY,
        "error_rate_pct": round(100 * errors / N, 3),
        "throughput_rps": round(N / elapsed, 1),
        "latency_ms": {"p95": round(lat[int(0.95 * N) - 1], 2), "p99": round(lat[int(0.99 * N) - 1], 2)},
    }
    with open(out, "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")


asyncio.run(main(sys.argv[1]))
