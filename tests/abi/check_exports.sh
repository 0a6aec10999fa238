#!/bin/sh
# libitsm.so must export only itsm_* symbols and carry the expected SONAME.
set -eu
lib="$1"
soname_expected="$2"
bad=$(nm -D --defined-only "$lib" | awk '{print $NF}' | grep -v '^itsm_' || true)
if [ -n "$bad" ]; then
  echo "FAIL: $lib exports symbols outside the itsm_ prefix:"
  echo "$bad" | head -50
  exit 1
fi
count=$(nm -D --defined-only "$lib" | awk '{print $NF}' | grep -c '^itsm_' || true)
if [ "$count" -eq 0 ]; then
  echo "FAIL: $lib exports no itsm_ symbol at all"
  exit 1
fi
soname=$(objdump -p "$lib" | awk '/SONAME/ {print $2}')
if [ "$soname" != "$soname_expected" ]; then
  echo "FAIL: SONAME is '$soname', expected '$soname_expected'"
  exit 1
fi
echo "ok: $count itsm_* symbols exported, SONAME $soname"
