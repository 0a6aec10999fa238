#!/bin/sh
# Compares libitsm.so's ABI with the committed baseline (tests/abi/libitsm.abi, written by abidw
# from Debian's abigail-tools): the exported interfaces only, with the opaque handles' insides
# suppressed (opaque-handles.supp). abidiff's exit status is a bit field: 1 error, 2 usage
# error, 4 ABI change, 8 incompatible change. Bit 1, 2 or 8 fails. Bit 4 passes when it is only
# added functions; a change to a type an existing function uses (a struct member, a parameter)
# also fails, since abidiff leaves such changes at bit 4 though code compiled against the old
# header would break. After a deliberate, SONAME-bumping break, write a new baseline:
#   tests/abi/check_abi.sh path/to/libitsm.so.N --update
set -u
here="$(dirname "$0")"
lib="$1"
baseline="$here/libitsm.abi"
supp="$here/opaque-handles.supp"
if [ "${2:-}" = "--update" ]; then
  abidw --exported-interfaces-only --suppressions "$supp" --no-corpus-path --no-show-locs \
        --out-file "$baseline" "$lib" || exit 1
  echo "wrote $baseline"
  exit 0
fi
report=$(abidiff --exported-interfaces-only --suppressions "$supp" "$baseline" "$lib")
status=$?
printf '%s\n' "$report"
if [ $((status & 11)) -ne 0 ]; then
  echo "FAIL: abidiff exit $status against $baseline (8: incompatible change, 1/2: error)"
  exit 1
fi
if [ $((status & 4)) -ne 0 ] && printf '%s\n' "$report" | grep -q "sub-type changes"; then
  echo "FAIL: a type used by an existing function changed (see above)"
  exit 1
fi
if [ $((status & 4)) -ne 0 ]; then echo "note: compatible ABI changes (listed above)"; fi
echo "ok: the ABI of $lib is compatible with $baseline (abidiff exit $status)"
exit 0
