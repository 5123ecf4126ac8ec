#!/usr/bin/env bash
# Regenerates ../evidence from this sample project with vitest (JUnit) and @vitest/coverage-v8
# (lcov, json-summary), run from the release-gate checkout's node_modules.
set -euo pipefail
cd "$(dirname "$0")"
ln -sfn ../../../node_modules node_modules
trap 'rm -f node_modules' EXIT
out=../evidence
npx vitest run --root . --reporter=junit --outputFile.junit="$out/test-results/junit.xml" \
  --coverage.enabled --coverage.provider=v8 --coverage.include='src/**' \
  --coverage.reporter=lcov --coverage.reporter=json-summary --coverage.reportsDirectory="$out/coverage"
rm -rf "$out/coverage/lcov-report"
