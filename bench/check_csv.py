#!/usr/bin/env python3
"""Checks that `evaluate --format csv` (the batch fast path) gives the same choices as
`--format json` (the full evaluator) for the same JSON Lines file.

    check_csv.py OUT.csv OUT.jsonl    # exit 1 on any difference
"""
import csv
import sys

import orjson


def main():
    csv_path, json_path = sys.argv[1], sys.argv[2]
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    # The contract's columns: input, then one choice per decision; then one confidence per
    # decision (DECISION_confidence) and an error column.
    decisions = [h for h in header[1:] if not h.endswith("_confidence") and h != "error"]
    confidence = {h[: -len("_confidence")]: i for i, h in enumerate(header) if h.endswith("_confidence")}
    with open(json_path, "rb") as f:
        reports = [orjson.loads(line) for line in f if line.strip()]
    if len(rows) != len(reports):
        print(f"check: {len(rows)} CSV rows but {len(reports)} JSON reports")
        return 1
    bad = 0
    for row, rep in zip(rows, reports):
        if row[0] != rep["input"]:
            print(f"check: input {row[0]!r} in CSV, {rep['input']!r} in JSON")
            bad += 1
            continue
        if "error" in rep:
            print(f"check: {rep['input']}: error {rep['error']}")
            bad += 1
            continue
        for d, cell in zip(decisions, row[1:]):
            choice = rep["decisions"][d]["choice"]
            if (choice or "") != cell:
                bad += 1
                if bad <= 10:
                    print(f"check: {rep['input']}: {d}: CSV {cell!r}, JSON {choice!r}")
            word = rep["decisions"][d]["confidence"] if rep["decisions"][d]["applies"] else None
            if d in confidence and (word or "") != row[confidence[d]]:
                bad += 1
                if bad <= 10:
                    print(f"check: {rep['input']}: {d} confidence: CSV {row[confidence[d]]!r}, JSON {word!r}")
    counts = {}
    for row in rows:
        for d, cell in zip(decisions, row[1:]):
            counts.setdefault(d, {}).setdefault(cell or "null", 0)
            counts[d][cell or "null"] += 1
    print(f"check: {len(rows)} answer sets, CSV and JSON agree on every decision" if bad == 0
          else f"check: {bad} differences")
    for d in decisions:
        print("  " + d + ": " + ", ".join(f"{k} {v}" for k, v in sorted(counts[d].items(), key=lambda kv: -kv[1])))
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
