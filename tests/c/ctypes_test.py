"""The C ABI from Python's ctypes and nothing else: a calendar and a ticket driven through
libitsm.so, errors read back, every returned text released with itsm_free.

usage: ctypes_test.py PATH/TO/libitsm.so VERSION (the project's, from CMakeLists.txt)
"""
import ctypes as C
import hashlib
import json
import sys

lib = C.CDLL(sys.argv[1])
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


class Error(C.Structure):
    _fields_ = [("code", C.c_int), ("message", C.c_char_p), ("detail", C.c_char_p)]


class Actor(C.Structure):
    _fields_ = [("name", C.c_char_p), ("roles", C.POINTER(C.c_char_p)),
                ("role_count", C.c_size_t), ("trusted", C.c_int)]


def actor(name, *roles):
    arr = (C.c_char_p * max(1, len(roles)))(*[r.encode() for r in roles])
    a = Actor(name.encode(), arr, len(roles), 0)
    a._keep = arr  # the roles array must outlive the struct
    return a


P = C.c_void_p
lib.itsm_error_last.restype = C.POINTER(Error)
lib.itsm_version_string.restype = C.c_char_p
lib.itsm_version_number.restype = C.c_int
lib.itsm_free.argtypes = [P]
lib.itsm_calendar_from_json.argtypes = [C.POINTER(P), C.c_char_p, C.c_size_t]
lib.itsm_calendar_add.argtypes = [P, C.c_int64, C.c_int64, C.POINTER(C.c_int64)]
lib.itsm_calendar_between.argtypes = [P, C.c_int64, C.c_int64, C.POINTER(C.c_int64)]
lib.itsm_calendar_free.argtypes = [P]
lib.itsm_workflow_builtin.argtypes = [C.POINTER(P), C.c_char_p]
lib.itsm_workflow_free.argtypes = [P]
lib.itsm_ticket_create.argtypes = [C.POINTER(P), P, C.c_char_p, C.POINTER(Actor), C.c_int64, C.c_char_p]
lib.itsm_ticket_fire.argtypes = [P, C.c_char_p, C.POINTER(Actor), C.c_int64, C.c_char_p, C.c_char_p, P]
lib.itsm_ticket_state.argtypes = [P]
lib.itsm_ticket_state.restype = C.c_char_p
lib.itsm_ticket_snapshot.argtypes = [P, C.POINTER(C.c_void_p)]
lib.itsm_ticket_export_history.argtypes = [P, C.POINTER(C.c_void_p)]
lib.itsm_ticket_free.argtypes = [P]


def last():
    e = lib.itsm_error_last().contents
    return e.code, e.message.decode(), json.loads(e.detail.decode())


def take_text(p):
    text = C.cast(p, C.c_char_p).value.decode()
    lib.itsm_free(p)
    return text


version = sys.argv[2]
major, minor, patch = (int(part) for part in version.split("."))
check(lib.itsm_version_string().decode() == version, f"version string {lib.itsm_version_string()} != {version}")
check(lib.itsm_version_number() == major * 10000 + minor * 100 + patch, f"version number {lib.itsm_version_number()}")

office = json.dumps({"week": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}}).encode()
cal = P()
check(lib.itsm_calendar_from_json(C.byref(cal), office, len(office)) == 0, "calendar_from_json")
out = C.c_int64()
mon_16 = 1767628800  # 2026-01-05T16:00:00Z
check(lib.itsm_calendar_add(cal, mon_16, 7200, C.byref(out)) == 0 and out.value == mon_16 + 18 * 3600,
      f"add: {out.value}")
check(lib.itsm_calendar_between(cal, mon_16, mon_16 + 7 * 86400, C.byref(out)) == 0 and out.value == 40 * 3600,
      "between")
bad = b'{"week": {"mon": [["09:00", "25:00"]]}}'
other = P()
rc = lib.itsm_calendar_from_json(C.byref(other), bad, len(bad))
code, message, _ = last()
check(rc == -1 and code == -1 and "25:00" in message and not other.value, f"bad calendar: {rc} {message}")
check(lib.itsm_calendar_add(None, 0, 1, C.byref(out)) == -7, "NULL calendar")
lib.itsm_calendar_free(cal)

wf = P()
check(lib.itsm_workflow_builtin(C.byref(wf), b"incident") == 0, "builtin incident")
t = P()
desk, caller = actor("sam", "service_desk"), actor("carol", "caller")
t0 = 1772445600
check(lib.itsm_ticket_create(C.byref(t), wf, b"INC1", C.byref(caller), t0, b'{"impact": 1, "urgency": 2}') == 0,
      f"create: {last()}")
check(lib.itsm_ticket_fire(t, b"start", C.byref(desk), t0 + 60, None, None, None) == 0, "start")
snap = C.c_void_p()
check(lib.itsm_ticket_snapshot(t, C.byref(snap)) == 0, "snapshot")
before = take_text(snap)
rc = lib.itsm_ticket_fire(t, b"resolve", C.byref(caller), t0 + 120, None, None, None)
code, message, detail = last()
check(rc == -13 and "role_denied" in message, f"caller resolving: {rc} {message}")
rc = lib.itsm_ticket_fire(t, b"resolve", C.byref(desk), t0 + 120, None, None, None)
code, message, detail = last()
check(rc == -14 and sorted(detail["missing"]) == ["resolution_code", "resolution_notes"], f"missing: {detail}")
check(lib.itsm_ticket_snapshot(t, C.byref(snap)) == 0 and take_text(snap) == before, "refusals change nothing")
check(lib.itsm_ticket_fire(t, b"resolve", C.byref(desk), t0 + 120,
                           b'{"resolution_code": "solved_remotely", "resolution_notes": "ok"}', None, None) == 0,
      "resolve")
check(lib.itsm_ticket_state(t) == b"resolved", "state resolved")
check(lib.itsm_ticket_fire(t, b"close", C.byref(caller), t0 + 180, None, None, None) == 0, "close")
check(lib.itsm_ticket_state(t) == b"closed", "state closed")
# Four records (create, start, resolve, close: refusals leave none), hash-chained. The chain is
# recomputed here with hashlib (docs/workflows.md, "The hash chain"): each line's hash is the
# SHA-256 of its compact JSON (keys sorted) without "hash"; "prev" is the line before's.
exported = C.c_void_p()
check(lib.itsm_ticket_export_history(t, C.byref(exported)) == 0, "export_history")
prev = "0" * 64
chain = [json.loads(line) for line in take_text(exported).splitlines()]
check([r["seq"] for r in chain] == [1, 2, 3, 4], f"exported records {[r.get('seq') for r in chain]}")
for record in chain:
    digest = record.pop("hash")
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    check(record["prev"] == prev and digest == hashlib.sha256(text.encode()).hexdigest(),
          f"hash chain at seq {record['seq']}")
    prev = digest
lib.itsm_ticket_free(t)
lib.itsm_workflow_free(wf)

for f in failures:
    print("FAIL:", f)
print(f"{'FAILED' if failures else 'passed'}: ctypes drives libitsm.so")
sys.exit(1 if failures else 0)
