#!/usr/bin/env python3
"""Feeds every public peer vector to `itsmctl sla eval` in one run and compares the answers
(instants compared as instants). Exit 77 (skip) when ../shared is absent; a failure when CI is set."""
import datetime as dt
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import skipping  # noqa: E402


def instant(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main():
    itsmctl, path = sys.argv[1], sys.argv[2]
    try:
        with open(path, encoding="utf-8") as f:
            vectors = [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return skipping.skip(f"{path} not found (../shared is absent beside the checkout)")
    queries = "".join(json.dumps(v["query"]) + "\n" for v in vectors)
    run = subprocess.run([itsmctl, "sla", "eval"], input=queries, capture_output=True, text=True,
                         check=False)
    if run.returncode != 0:
        print(f"itsmctl exited with {run.returncode}: {run.stderr}")
        return 1
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    if len(answers) != len(vectors):
        print(f"{len(answers)} answers for {len(vectors)} queries")
        return 1
    failed = 0
    for v, a in zip(vectors, answers):
        op, expected = v["query"]["op"], v["expected"]
        ok = a.get("id") == v["query"]["id"] and "result" in a
        if ok:
            if op == "between" or op == "holidays":
                ok = a["result"] == expected
            else:
                ok = instant(a["result"]) == instant(expected)
        if not ok:
            failed += 1
            print(f"FAIL {v['id']} ({v['source']}): expected {expected}, got {a}")
    print(f"{len(vectors) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
