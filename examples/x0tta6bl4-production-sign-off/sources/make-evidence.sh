#!/usr/bin/env bash
# Regenerates ../evidence: what the x0tta6bl4 Production Sign-Off (Jan 14, 2026) had actually run —
# 25+ hours of the 7-service docker compose stack, and a light-load performance baseline.
# The `docker compose ps` output is written in the tool's format from the report's figures
# (7/7 services, 25+ hours; docker is not available here): compose-ps-reported.txt. The baseline
# is a real run of baseline.py against a stand-in server (its numbers are this machine's).
# Not generated, because the report lists them as "ready to run" / "ready to execute": the full
# integration test suite (pytest tests/integration), load tests under high concurrency (k6 /
# python_load_test.py), chaos engineering tests (docker_compose_chaos_tests.py).
set -euo pipefail
cd "$(dirname "$0")"
out=../evidence
rm -rf "$out" && mkdir -p "$out"/{compose-status,performance-baseline}
cp compose-ps-reported.txt "$out/compose-status/docker-compose-ps.txt"
python3 baseline.py "$out/performance-baseline/summary.json"
