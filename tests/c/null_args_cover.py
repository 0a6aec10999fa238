"""c_api_null_args_test covers every function of the C ABI: the names it lists (--list) equal the
functions itsm.h declares (ITSM_API) and the itsm_* symbols libitsm.so exports (what
tests/abi/check_exports.sh counts). A function added to the header without a row in the test
fails here, naming it.

usage: null_args_cover.py <itsm.h> <c_api_null_args_test> <libitsm.so>"""
import re
import subprocess
import sys


def declared(header_path):
    text = open(header_path, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return set(re.findall(r"\bITSM_API\b[^;()]*?\b(itsm_\w+)\s*\(", text))


def main():
    header, test, lib = sys.argv[1:4]
    in_header = declared(header)
    listed_lines = subprocess.run([test, "--list"], check=True, capture_output=True, text=True).stdout.split()
    listed = set(listed_lines)
    nm = subprocess.run(["nm", "-D", "--defined-only", lib], check=True, capture_output=True, text=True).stdout
    exported = {line.split()[-1] for line in nm.splitlines() if line.split() and line.split()[-1].startswith("itsm_")}
    ok = True
    for what, names in (("declared in itsm.h but not covered by the test", in_header - listed),
                        ("covered by the test but not declared in itsm.h", listed - in_header),
                        ("exported by libitsm.so but not declared in itsm.h", exported - in_header),
                        ("declared in itsm.h but not exported by libitsm.so", in_header - exported)):
        if names:
            ok = False
            print(f"FAIL: {len(names)} function(s) {what}: {', '.join(sorted(names))}")
    if len(listed_lines) != len(listed):
        ok = False
        print("FAIL: the test lists a function twice")
    if len(in_header) < 70:
        ok = False
        print(f"FAIL: only {len(in_header)} functions found in {header}: the pattern no longer reads it")
    if ok:
        print(f"ok: {len(in_header)} functions in itsm.h, all exported and all covered")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
