#!/usr/bin/env python3
"""Replay of one million events from a file: generates the events, times `itsmctl replay`.

usage: replay_bench.py ITSMCTL [EVENTS]   (default 1,000,000 events; 200,000 incidents x 5)

Prints the wall time, events per second and the peak RSS of itsmctl. Each incident is created,
started, put on hold, resumed and resolved; one event in fifty is refused (a caller tries to
resolve), so the refusal path is in the mix.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def main():
    itsmctl = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    tickets = total // 5
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        path = f.name
        for i in range(tickets):
            tid = f"INC{i:07d}"
            t = 1772445600 + i * 60

            def ts(s):
                return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t + s))
            desk = ["service_desk"]
            f.write(json.dumps({"ticket": tid, "workflow": "incident", "at": ts(0), "create": True,
                                "actor": "carol", "fields": {"impact": 2, "urgency": 3}}) + "\n")
            f.write(json.dumps({"ticket": tid, "at": ts(60), "transition": "start", "actor": "sam", "roles": desk}) + "\n")
            f.write(json.dumps({"ticket": tid, "at": ts(120), "transition": "hold", "actor": "sam", "roles": desk,
                                "fields": {"hold_reason": "awaiting_caller"}}) + "\n")
            f.write(json.dumps({"ticket": tid, "at": ts(600), "to": "in_progress", "actor": "sam", "roles": desk}) + "\n")
            who = ("carol", ["caller"]) if i % 10 == 0 else ("sam", desk)
            f.write(json.dumps({"ticket": tid, "at": ts(900), "transition": "resolve", "actor": who[0], "roles": who[1],
                                "fields": {"resolution_code": "solved_remotely", "resolution_notes": "done"}}) + "\n")
    try:
        start = time.perf_counter()
        run = subprocess.run([itsmctl, "replay", "--events", path, "--summary"], capture_output=True, text=True, check=True)
        wall = time.perf_counter() - start
        summary = json.loads(run.stdout.splitlines()[-1])
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"replay: {summary}")
        print(f"replay: {wall:.2f} s, {summary['events'] / wall / 1e6:.2f} M events/s, peak RSS {peak_kib / 1024:.0f} MiB")
    finally:
        os.unlink(path)


if __name__ == "__main__":
    main()
