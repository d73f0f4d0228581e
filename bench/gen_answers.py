#!/usr/bin/env python3
"""Writes N random, valid answer sets as JSON Lines (one object per line).

Every line answers all questions of rules/questions.yaml with a value of the right type
(an integer within min..max, true/false, or one of the listed choices), in file order, and
adds an `x-` metadata key (which archadvisor ignores), compact JSON, so a line is about
590 bytes, like an answer set exported from a questionnaire tool.

Deterministic: the same --seed and --count always give the same bytes.

    gen_answers.py --questions rules/questions.yaml --count 100000 --seed 42 OUT.jsonl
"""
import argparse
import json
import math
import random
import sys

import yaml


def load_questions(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    questions = []
    for q in doc["questions"]:
        t = q["type"]
        if t == "integer":
            questions.append((q["id"], "integer", (int(q["min"]), int(q["max"]))))
        elif t == "boolean":
            questions.append((q["id"], "boolean", None))
        elif t == "choice":
            questions.append((q["id"], "choice", [c["value"] for c in q["choices"]]))
        else:
            sys.exit(f"unknown question type {t!r} for {q['id']}")
    return questions


def integer(rng, lo, hi):
    # Log-uniform, so small teams and huge ones both occur and every threshold is crossed.
    if lo >= hi:
        return lo
    a = math.log(max(lo, 0) + 1)
    b = math.log(hi + 1)
    v = int(math.exp(rng.uniform(a, b))) - 1
    return min(max(v, lo), hi)


ORGS = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell"]


def line(rng, questions, index):
    obj = {}
    for qid, kind, spec in questions:
        if kind == "integer":
            obj[qid] = integer(rng, *spec)
        elif kind == "boolean":
            obj[qid] = rng.random() < 0.5
        else:
            obj[qid] = rng.choice(spec)
    # Valid means consistent too: no more teams than engineers (archadvisor rejects that).
    if "team_count" in obj and "team_size" in obj and obj["team_count"] > obj["team_size"]:
        obj["team_count"], obj["team_size"] = obj["team_size"], obj["team_count"]
    # One metadata key, as a questionnaire export adds: ~590 bytes a line in all, the
    # size the JSON speed figures in shared/NOTES.md were measured at.
    obj["x-respondent"] = f"{rng.choice(ORGS)}-{rng.randrange(16**8):08x}"
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", default="rules/questions.yaml")
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("out")
    args = ap.parse_args()
    questions = load_questions(args.questions)
    rng = random.Random(args.seed)
    total = 0
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for i in range(args.count):
            s = line(rng, questions, i + 1)
            total += len(s.encode()) + 1
            f.write(s)
            f.write("\n")
    print(f"{args.count} answer sets, {len(questions)} questions each, {total} bytes "
          f"({total / max(args.count, 1):.0f} bytes per line) -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
