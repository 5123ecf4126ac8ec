#!/usr/bin/env bash
# Regenerates ../evidence: what the FRIDAY deployment approval (Jan 22, 2026) shows was run — the
# test suite ("65+ tests, 100% pass rate"; a pytest stand-in, as there is no Go toolchain here) and
# the Week 3 integration benchmark, whose figures are transcribed from the report.
# Not generated: coverage (no report; the document says both "100%" and "100% of critical paths"),
# the error rate (only "guaranteed"), memory and thread safety (no leak check or race-detector run
# named), a security scan (none named), the staging run of the full suite (Phase 2, not started).
set -euo pipefail
cd "$(dirname "$0")"
out=../evidence
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out" && mkdir -p "$out"/{test-results,benchmark}
PYTHONDONTWRITEBYTECODE=1 python3 -m pytest -q -p no:cacheprovider test_friday.py --junitxml="$tmp/r.xml" >/dev/null
# one <testsuite> with 65 bare <testcase> elements: keep it small, drop host name and timestamp
sed -e 's/ hostname="[^"]*"//' -e 's/ timestamp="[^"]*"//' -e 's/ time="[0-9.]*"//g' "$tmp/r.xml" >"$out/test-results/junit.xml"
cp benchmark-reported.json "$out/benchmark/summary.json"
rm -rf .benchmarks  # left by a pytest plugin
