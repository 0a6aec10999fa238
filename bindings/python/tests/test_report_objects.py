"""itsm.Report and itsm.Audit: the tool's JSON as a read-only dict, backed by the library's
accumulator. Reports over disjoint sets of tickets merge into exactly the report of the whole,
pickle by their state, give their tables as DataFrames; a pandas DataFrame of event lines reads
as the lines do."""
import copy
import json
import os
import pickle
import subprocess
import zlib

import pytest

import itsm
from doc_blocks import python_blocks, run_block

pd = pytest.importorskip("pandas")

ITSMCTL = os.environ.get("ITSMCTL", "")
needs_itsmctl = pytest.mark.skipif(not os.path.exists(ITSMCTL), reason="ITSMCTL (the built itsmctl) is not set")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    if not os.path.exists(ITSMCTL):
        pytest.skip("ITSMCTL (the built itsmctl) is not set")
    out = tmp_path_factory.mktemp("demo")
    subprocess.run([ITSMCTL, "demo", "--days", "21", "--tickets-per-day", "30", "--out", str(out)], check=True,
                   capture_output=True)
    with open(out / "events.jsonl", encoding="utf-8") as f:
        return out, f.read().splitlines()


def tool_json(*args):
    r = subprocess.run([ITSMCTL, *args, "--format", "json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def split_by_ticket(lines, parts):
    """The lines in `parts` groups by ticket (a stable hash, so the split is the same each run);
    lines naming no ticket go to the first. An audit finding goes with the engagement its fields
    name: the engagement's close guard reads its findings. Each group is as long as the log, the
    other groups' lines blank, so that every line keeps its number (refusals and audit evidence
    name it)."""
    events = [json.loads(line) for line in lines]
    engagement = {e["ticket"]: e["fields"]["engagement"] for e in events
                  if isinstance(e.get("fields"), dict) and isinstance(e["fields"].get("engagement"), str)}
    groups = [[""] * len(lines) for _ in range(parts)]
    for n, (line, event) in enumerate(zip(lines, events)):
        ticket = engagement.get(event.get("ticket"), event.get("ticket"))
        groups[zlib.crc32(ticket.encode()) % parts if isinstance(ticket, str) else 0][n] = line
    return groups


def test_a_split_that_parts_an_engagement_from_its_findings_is_not_the_whole(demo):
    """Why the split above keeps findings with their engagement: split by ticket alone, the
    engagement's close is judged without its findings (the merge cannot know)."""
    _, lines = demo
    assert any('"workflow":"audit_finding"' in line for line in lines), "the demo log has audit findings"
    whole = itsm.report(lines)
    by_ticket_alone = [[""] * len(lines), [""] * len(lines)]
    for n, line in enumerate(lines):
        by_ticket_alone[zlib.crc32(json.loads(line)["ticket"].encode()) % 2][n] = line
    parts = [itsm.report(p, now=whole["now"]) for p in by_ticket_alone]
    assert parts[0].merge(parts[1]) != whole


def test_report_is_the_tools_json_as_a_read_only_dict(demo):
    out, lines = demo
    report = itsm.report(str(out / "events.jsonl"))
    assert isinstance(report, itsm.Report) and isinstance(report, dict)
    assert report == tool_json("report", "--events", str(out / "events.jsonl"))
    assert json.loads(json.dumps(report)) == report
    with pytest.raises(TypeError, match="read-only"):
        report["tickets"] = 0
    with pytest.raises(TypeError, match="read-only"):
        report.update({})
    copied = dict(report)
    copied["tickets"] = 0  # a copy is an ordinary dict
    assert report["tickets"] > 100
    assert copy.deepcopy(report) is report
    assert "itsm.Report" in repr(report) and str(report["tickets"]) in repr(report)
    assert report.render("json") == json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    assert report.render("markdown").startswith("## Service report")
    with pytest.raises(itsm.Error, match="yaml"):
        report.render("yaml")


def test_reports_over_disjoint_tickets_merge_into_the_whole(demo):
    out, lines = demo
    whole = itsm.report(lines)
    audit = itsm.audit(lines)
    now = whole["now"]
    for parts in (2, 5):
        groups = split_by_ticket(lines, parts)
        reports = [itsm.report(g, now=now) for g in groups]
        audits = [itsm.audit(g, now=now) for g in groups]
        merged, merged_audit = reports[0], audits[0]
        for r, a in zip(reversed(reports[1:]), reversed(audits[1:])):
            merged, merged_audit = merged.merge(r), merged_audit.merge(a)
        assert merged == whole, f"{parts} parts"
        assert merged_audit == audit, f"{parts} parts"
        assert merged.render("table") == whole.render("table")
    # Each operand is unchanged by a merge.
    assert reports[0] == itsm.report(groups[0], now=now)


def test_a_refused_merge_names_the_reason_and_changes_nothing(demo):
    _, lines = demo
    a = itsm.report(lines[:500], now="2026-03-01T00:00:00Z")
    b = itsm.report(lines[500:], now="2026-03-02T00:00:00Z")
    before = dict(a)
    with pytest.raises(itsm.Error, match="measured at 2026-03-02T00:00:00Z, not 2026-03-01T00:00:00Z"):
        a.merge(b)
    assert a == before
    other_policy = itsm.report(lines[500:], now="2026-03-01T00:00:00Z", policy={"targets": {}})
    with pytest.raises(itsm.Error, match="different SLA policies"):
        a.merge(other_policy)
    with pytest.raises(TypeError, match="expected another Report, got Audit"):
        a.merge(itsm.audit(lines[500:], now="2026-03-01T00:00:00Z"))


def test_reports_and_audits_pickle_to_equal_mergeable_objects(demo):
    _, lines = demo
    halves = split_by_ticket(lines, 2)
    now = itsm.report(lines)["now"]
    for make in (itsm.report, itsm.audit):
        first, second = make(halves[0], now=now), make(halves[1], now=now)
        back = pickle.loads(pickle.dumps(first))
        assert type(back) is type(first) and back == first
        assert back.state() == first.state()
        assert back.merge(pickle.loads(pickle.dumps(second))) == make(lines, now=now)


def test_a_malformed_state_is_refused_naming_the_member(demo):
    _, lines = demo
    state = json.loads(itsm.report(lines[:300]).state())
    state["groups"][0]["tickets"] = "many"
    with pytest.raises(itsm.Error, match=r"report state: groups\[0\]\.tickets: expected an integer"):
        itsm.Report.from_state(json.dumps(state))
    with pytest.raises(itsm.Error, match="audit state: state: \"itsm.service_report/1\""):
        itsm.Audit.from_state(itsm.report(lines[:300]).state())
    with pytest.raises(itsm.Error, match="report state"):
        itsm.Report.from_state("{not json")


def test_to_frames_gives_the_reports_tables(demo):
    _, lines = demo
    report = itsm.report(lines)
    frames = report.to_frames()
    assert set(frames) == {"processes", "backlog", "time_in_state", "changes", "top_refusals", "data_quality"}
    processes = frames["processes"]
    assert list(processes.columns[:3]) == ["process", "priority", "tickets"]
    assert len(processes) == len(report["processes"])
    for row, (_, got) in zip(report["processes"], processes.iterrows()):
        assert (got["process"], got["priority"], got["tickets"]) == (row["process"], row["priority"], row["tickets"])
        assert got["resolution_hours.n"] == row["resolution_hours"]["n"]
        for clock, tally in row["sla"].items():
            assert got[f"sla.{clock}.met"] == tally["met"]
    assert frames["backlog"]["open"].sum() == sum(b["open"] for b in report["backlog"])
    assert list(frames["top_refusals"].columns) == ["process", "event", "code", "count"]
    assert frames["top_refusals"]["count"].tolist() == [r["count"] for r in report["top_refusals"]]
    quality = frames["data_quality"]["count"]
    assert quality["applied"] == report["applied"] and quality["refused"] == report["refused"]
    for code, n in report["data_quality"]["refused_by_code"].items():
        assert quality[f"refused_by_code.{code}"] == n
    findings = itsm.audit(lines).to_frames()["findings"]
    assert list(findings.columns) == ["ticket", "rule", "severity", "evidence"]
    assert len(findings) == len(itsm.audit(lines)["findings"]) > 0
    empty = itsm.report([]).to_frames()
    assert list(empty["changes"].columns) == ["process", "successful", "failed", "refused", "cancelled", "in_progress"]
    assert len(empty["changes"]) == 0


def test_a_data_frame_of_event_lines_reads_as_the_lines(demo):
    out, lines = demo
    frame = pd.read_json(str(out / "events.jsonl"), lines=True, dtype=False)
    # Columns absent from most rows are empty cells (NaN) there; seq, where present, would be a
    # float column; the rows must come out as the lines did.
    assert frame.isna().any().any()
    assert itsm.report(frame) == itsm.report(lines)
    assert itsm.audit(frame) == itsm.audit(lines)
    store = itsm.EventStore()
    store.extend(frame)
    assert store.report() == itsm.report(lines)


def test_data_frame_cells_are_converted_or_refused_naming_row_and_column():
    rows = pd.DataFrame({
        "ticket": ["I1", "I1"],
        "workflow": ["incident", None],
        "create": [True, None],
        "at": pd.to_datetime(["2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"]),
        "transition": [None, "start"],
        "seq": [float("nan"), 2.0],
        "fields": [{"impact": 2, "urgency": 2}, None],
    })
    store = itsm.EventStore()
    assert store.extend(rows) == []
    assert store.ticket("I1").state == "in_progress"
    naive = rows.assign(at=pd.to_datetime(["2026-03-02T09:00:00", "2026-03-02T10:00:00"]))
    with pytest.raises(itsm.Error, match=r"row 0\.at: a naive datetime"):
        itsm.report(naive)
    with pytest.raises(itsm.Error, match=r"row 1\.fields\.x: nan is not a JSON number"):
        itsm.report(rows.assign(fields=[{"impact": 2, "urgency": 2}, {"x": float("nan")}]))


def test_the_docs_example_runs():
    """The merge, pickle and to_frames example of docs/python.md (the section's first block needs
    a demo log on disk; test_events.py covers what it shows)."""
    blocks = python_blocks("Event logs, reports and audits")
    [index] = [i for i, block in enumerate(blocks) if "to_frames" in block]
    run_block("Event logs, reports and audits", index)
