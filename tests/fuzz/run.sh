#!/bin/sh
# Runs the libFuzzer harnesses of a `fuzz` preset build, each for SECONDS, from its seed corpus
# (copied into BUILD/fuzz-corpus/<harness>, where new inputs collect) with the JSON dictionary.
# A finding stops that harness and is written to BUILD/fuzz-findings/<harness>-crash-*; copy it
# into tests/fuzz/regressions/<harness>/ with the fix, so that ctest keeps checking it.
# usage: tests/fuzz/run.sh BUILD_DIR SECONDS [HARNESS...]   (default: all six)
# ITSM_FUZZ_JOBS harnesses run at once (default: one per core).
# Exit status: 0 when no harness found anything, 1 otherwise.
set -u
build=$1 seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
harnesses=${*:-calendar_json sla_query workflow_json event_lines snapshot c_api_calls}
jobs=${ITSM_FUZZ_JOBS:-$(nproc)}
mkdir -p "$build/fuzz-findings"
# One harness; its exit status says whether it found something.
run_one() {
  h=$1
  corpus="$build/fuzz-corpus/$h"
  mkdir -p "$corpus"
  cp -n "$here/seeds/$h/"* "$corpus/" 2>/dev/null || true
  log="$build/fuzz-findings/$h.log"
  echo "fuzz: $h for ${seconds}s (log: $log)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/tests/fuzz/fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -dict="$here/itsm.dict" -artifact_prefix="$build/fuzz-findings/$h-" -print_final_stats=1 \
      "$corpus" >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  if [ $rc -ne 0 ]; then
    echo "fuzz: $h FOUND SOMETHING (exit $rc after ${runs:-?} runs):"
    grep -E 'ERROR|property violated|SUMMARY|Test unit written' "$log" | head -20
    return 1
  fi
  echo "fuzz: $h: ${runs:-?} runs, nothing found; corpus $(ls "$corpus" | wc -l) inputs"
}
status=0
running=""
started=0
for h in $harnesses; do
  run_one "$h" &
  running="$running $!"
  started=$((started + 1))
  if [ $((started % jobs)) -eq 0 ]; then
    for pid in $running; do wait "$pid" || status=1; done
    running=""
  fi
done
for pid in $running; do wait "$pid" || status=1; done
exit $status
