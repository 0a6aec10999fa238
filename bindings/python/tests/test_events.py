"""Event lines, reports and audits from Python: itsm.report / itsm.audit / itsm.EventStore give
the same JSON as itsmctl report / audit / replay on the same events (the demo's log, and the real
ServiceNow incident log converted with the shipped map when ../shared is present)."""
import json
import os
import subprocess

import pytest

import itsm

ITSMCTL = os.environ.get("ITSMCTL", "")
SHARED = os.environ.get("ITSM_SHARED_DIR", "")
REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
needs_itsmctl = pytest.mark.skipif(not os.path.exists(ITSMCTL), reason="ITSMCTL (the built itsmctl) is not set")


def tool(*args):
    r = subprocess.run([ITSMCTL, *args], capture_output=True, text=True)
    assert r.returncode in (0, 1), r.stderr
    return r.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    subprocess.run([ITSMCTL, "demo", "--days", "21", "--tickets-per-day", "30", "--out", str(out)], check=True,
                   capture_output=True)
    return out


@needs_itsmctl
def test_report_and_audit_equal_the_tools_json_on_the_demo_log(demo):
    events = str(demo / "events.jsonl")
    expected = json.loads(tool("report", "--events", events, "--format", "json"))
    got = itsm.report(events)
    assert got == expected
    assert got["tickets"] > 100 and got["refused"] > 0
    # The same events as dicts and as lines, and through an EventStore fed in pieces.
    with open(events, encoding="utf-8") as f:
        lines = f.read().splitlines()
    assert itsm.report([json.loads(line) for line in lines]) == expected
    store = itsm.EventStore()
    store.extend(lines[:1000])
    store.extend(lines[1000:])
    assert store.report() == expected
    audit = json.loads(tool("audit", "--events", events, "--chain", str(demo / "history.jsonl"), "--format", "json"))
    assert itsm.audit(events, chain=demo / "history.jsonl") == audit
    assert audit["findings"], "the demo's log has findings"


@needs_itsmctl
def test_now_and_policy_as_the_tools_options(demo, tmp_path):
    events = str(demo / "events.jsonl")
    policy = {"calendar": {"timezone": "UTC", "week": {d: [["07:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}},
              "targets": {"incident": {"resolution": {"P1": 3600, "P2": 7200, "P3": 36000}}}}
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy))
    now = "2026-03-12T12:00:00Z"
    expected = json.loads(tool("report", "--events", events, "--policy", str(path), "--now", now, "--format", "json"))
    assert itsm.report(events, policy=policy, now=now) == expected
    assert itsm.report(events, policy=str(path), now=now) == expected
    assert expected["now"] == now
    with pytest.raises(itsm.Error) as bad:
        itsm.report(events, policy={"targets": {"incident": {"response": {"P1": "soon"}}}})
    assert "policy.targets.incident.response" in str(bad.value)


@needs_itsmctl
def test_refusals_equal_the_replay_lines():
    sample = os.path.join(REPO, "tools", "itsmctl", "sample-events.jsonl")
    replayed = [json.loads(line) for line in tool("replay", "--events", sample).splitlines()]
    store = itsm.EventStore()
    assert store.extend(sample) == replayed
    assert store.counts == {"tickets": 2, "events": 20, "applied": 15, "refused": 5}
    assert store.ticket("INC1").state == "closed"
    assert store.ticket_ids == ["CHG1", "INC1"]
    with pytest.raises(KeyError):
        store.ticket("INC404")
    refusal = store.apply("not json")
    assert refusal == {"ticket": None, "line": 21, "code": "parse_error", "message": "event: not a JSON object"}
    with pytest.raises(TypeError):
        itsm.report(42)


@needs_itsmctl
@pytest.mark.skipif(not os.path.isdir(os.path.join(SHARED, "data")), reason="../shared/data is absent")
def test_report_equals_the_tool_on_the_servicenow_log(tmp_path):
    converted = tmp_path / "servicenow.jsonl"
    converted.write_text(tool("convert", "servicenow-csv",
                              os.path.join(SHARED, "data", "uci_incident_event_log_partial.csv"),
                              "--map", os.path.join(REPO, "tools", "itsmctl", "maps", "servicenow_incident.json")))
    expected = json.loads(tool("report", "--events", str(converted), "--format", "json"))
    assert itsm.report(str(converted)) == expected
    assert expected["tickets"] == 890
    assert itsm.audit(str(converted)) == json.loads(tool("audit", "--events", str(converted), "--format", "json"))


@needs_itsmctl
def test_reading_options_equal_the_tools(demo, tmp_path):
    """order, now and skip_bad_lines as keyword arguments give the tool's JSON for the same options."""
    events = str(demo / "events.jsonl")
    now = "2026-03-12T12:00:00Z"
    expected = json.loads(tool("report", "--events", events, "--now", now, "--format", "json"))
    got = itsm.report(events, now=now)
    assert got == expected
    assert got["data_quality"]["after_now"] > 0
    with open(events, encoding="utf-8") as f:
        lines = f.read().splitlines()
    shuffled = lines[::-1]
    reversed_path = tmp_path / "reversed.jsonl"
    reversed_path.write_text("\n".join(shuffled) + "\n")
    for order in ("time", "file"):
        want = json.loads(tool("report", "--events", str(reversed_path), "--order", order, "--format", "json"))
        assert itsm.report(str(reversed_path), order=order) == want
        assert itsm.report(shuffled, order=order) == want  # the same lines, as an iterable
    assert itsm.report(shuffled)["data_quality"]["reordered"] > 0
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_bytes(("\n".join(lines[:40]) + "\n[1]\n").encode() + b'{"ticket": "Caf\xe9"}\n')
    want = json.loads(tool("audit", "--events", str(damaged), "--skip-bad-lines", "--format", "json"))
    got = itsm.audit(str(damaged), skip_bad_lines=True)
    assert got == want
    assert [b["line"] for b in got["data_quality"]["skipped_lines"]] == [41, 42]
    with pytest.raises(itsm.Error) as bad:
        itsm.report(str(damaged))
    assert f"{damaged}:41: not a JSON object (an array)" in str(bad.value)
    assert bad.value.reason == "parse_error"


def test_a_bad_line_changes_nothing_and_the_store_keeps_its_quality():
    store = itsm.EventStore()
    good = {"ticket": "INC1", "workflow": "incident", "at": "2026-03-02T09:00:00Z", "create": True}
    with pytest.raises(itsm.Error) as bad:
        store.read([good, "{nope"])
    assert str(bad.value).startswith("events:2: not JSON (syntax error at byte ")
    assert store.ticket_ids == [] and store.quality["read"] == 0
    read = store.read([good, "{nope"], skip_bad_lines=True)
    assert read["applied"] == 1 and read["skipped"] == 1 and store.ticket_ids == ["INC1"]
    assert store.quality == read
    with pytest.raises(ValueError):
        store.read(["a\nb"])


def test_a_store_that_read_a_log_pickles_with_it(tmp_path):
    """A pickled store reads its logs again: the same tickets, quality and report."""
    import pickle
    create = {"ticket": "INC1", "workflow": "incident", "at": "2026-03-02T09:00:00Z", "create": True}
    start = {"ticket": "INC1", "at": "2026-03-02T09:05:00Z", "transition": "start", "actor": "sam",
             "roles": ["service_desk"]}
    log = tmp_path / "log.jsonl"
    log.write_text(json.dumps(start) + "\n")
    store = itsm.EventStore()
    store.read([create, "[1]"], skip_bad_lines=True)
    store.read(log)
    again = pickle.loads(pickle.dumps(store))
    assert again.ticket_ids == ["INC1"] and again.quality == store.quality
    assert again.quality["skipped"] == 1 and again.quality["applied"] == 2
    assert again.report() == store.report()


def test_strict_raises_where_the_tool_exits_1():
    """strict=True: a refused event or a skipped line raises itsm.Error (the tool's --strict
    exits 1), naming the counts; a clean log reports as without it."""
    create = {"ticket": "INC1", "workflow": "incident", "at": "2026-03-02T09:00:00Z", "create": True}
    refused = {"ticket": "INC1", "at": "2026-03-02T09:01:00Z", "transition": "no_such_transition"}
    assert itsm.report([create], strict=True) == itsm.report([create])
    with pytest.raises(itsm.Error) as bad:
        itsm.report([create, refused], strict=True)
    assert str(bad.value).startswith("strict: ") and "refused" in str(bad.value)
    with pytest.raises(itsm.Error):
        itsm.audit([create, "{nope"], skip_bad_lines=True, strict=True)
    store = itsm.EventStore()
    store.read([create, refused])
    assert store.audit()["data_quality"]["refused"] == 1
    with pytest.raises(itsm.Error):
        store.audit(strict=True)


@needs_itsmctl
def test_policy_processes_and_chain_as_the_tool(demo, tmp_path):
    events = str(demo / "events.jsonl")
    with pytest.raises(itsm.Error) as bad:
        itsm.report(events, policy={"targets": {"incidnet": {"response": {"P1": 900}}}})
    assert "no workflow named 'incidnet'" in str(bad.value)
    chain = (demo / "history.jsonl").read_text().splitlines()
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(chain[:-1]) + "\n")
    want = json.loads(tool("audit", "--events", events, "--chain", str(cut), "--format", "json"))
    got = itsm.audit(events, chain=cut)
    assert got == want
    assert [f for f in got["findings"] if f["rule"] == "broken_hash_chain"]
