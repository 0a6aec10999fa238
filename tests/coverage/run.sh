#!/bin/sh
# Line and branch coverage over the whole ctest run: builds the coverage preset (gcc --coverage,
# Debug), clears the counters, runs every test, then prints the figures of the library and the C
# ABI (include/, src/: held to 95 % of lines and 85 % of branches) and of the tool (tools/:
# measured, not held); summary.py says how lines and branches are counted. Per file, the lines
# never run and the branches never taken go to build/coverage/coverage-details.txt; UNCOVERED.md
# (beside this script) says why what is left is left. Exits 1 when a test fails or the library
# is below its figures.
# usage: tests/coverage/run.sh [--report-only]   (--report-only: the counters of the last run)
set -eu
cd "$(dirname "$0")/../.."
build=build/coverage
status=0
if [ "${1:-}" != "--report-only" ]; then
  cmake --preset coverage >/dev/null
  cmake --build --preset coverage
  find "$build" -name '*.gcda' -delete
  ctest --preset coverage || status=$?
fi

/usr/bin/python3 tests/coverage/summary.py "$build" . "$build/coverage-details.txt" itsm_c_threads_tsan_test.dir |
  tee "$build/coverage-summary.txt"
echo "per file: $build/coverage-details.txt"

# The library's figures against the targets.
if ! awk '/^library/ { l = $0; sub(/.*lines /, "", l); sub(/%.*/, "", l);
                      b = $0; sub(/.*branches /, "", b); sub(/%.*/, "", b);
                      ok = (l + 0 >= 95 && b + 0 >= 85) }
          END { exit !ok }' "$build/coverage-summary.txt"; then
  echo "coverage: the library and the C ABI are below 95 % of lines or 85 % of branches"
  status=1
fi
exit "$status"
