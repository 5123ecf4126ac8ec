#!/usr/bin/env bash
# Regenerates ../evidence: exactly what the IPC Gateway report had run, and nothing else.
#   ASan strict mode and Valgrind memcheck on the 4 core components (gcc, valgrind 3.19),
#   the 2 h soak summary, Router contract validation (3 checks), mock-Router scenarios (3/4) and
#   backpressure component tests (4/4) (pytest --junitxml).
# Not generated, because the report had not run them: Router E2E (5 scenarios "ready to execute"),
# error-code translation, late-reply handling, reconnect storm, leak check under Router load.
# The soak summary is the report's own figures (soak-2h-reported.json); SOAK_SECONDS=N runs the
# real soak script on the stand-in instead (its numbers are the stand-in's, not the gateway's).
set -euo pipefail
cd "$(dirname "$0")"
out=../evidence
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out" && mkdir -p "$out"/{sanitizers-strict,valgrind,soak,contract-validation,router-tests}

gcc -Wall -Wextra -g -O1 -fsanitize=address -fno-omit-frame-pointer gateway.c -o "$tmp/gateway-asan"
gcc -Wall -Wextra -g -O1 gateway.c -o "$tmp/gateway"
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1
for c in ring_buffer frame_codec conn_pool backpressure; do
  # a clean ASan run prints nothing of its own: the log holds the component's completion line
  "$tmp/gateway-asan" "$c" 100000 >"$out/sanitizers-strict/$c.log" 2>&1
  (cd "$tmp" && valgrind --tool=memcheck --leak-check=full --show-leak-kinds=all --xml=yes --xml-file="$c.xml" ./gateway "$c" 10000 >/dev/null)
  # drop the pids and the temporary directory from the XML so reruns differ only in timings
  sed -e '/^<pid>\|^<ppid>/d' -e "s#$tmp/##g" "$tmp/$c.xml" >"$out/valgrind/$c.xml"
done

if [[ -n "${SOAK_SECONDS:-}" ]]; then
  python3 soak.py "$tmp/gateway" "$SOAK_SECONDS" "$out/soak/summary.json"
else
  cp soak-2h-reported.json "$out/soak/summary.json"
fi

export PYTHONDONTWRITEBYTECODE=1
junit() { # junit NAME TESTFILE: run pytest, keep its JUnit XML (a failing suite is evidence too)
  python3 -m pytest -q -p no:cacheprovider "$2" --junitxml="$tmp/$1.xml" >/dev/null || true
  sed -e 's/ hostname="[^"]*"//' -e 's/ timestamp="[^"]*"//' "$tmp/$1.xml" >"$3"
}
junit contract test_contract.py "$out/contract-validation/junit.xml"
junit mock test_mock_scenarios.py "$out/router-tests/mock-scenarios.xml"
junit backpressure test_backpressure.py "$out/router-tests/backpressure.xml"
rm -rf .benchmarks  # left by a pytest plugin
