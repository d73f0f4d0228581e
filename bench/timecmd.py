#!/usr/bin/env python3
"""Runs a command --runs times (stdout to /dev/null) and prints its wall times in seconds,
and the CPU time (user + system) of the same runs: `best=<s> median=<s> cpu_best=<s>
cpu_median=<s> runs=<n>`. Fails when the command exits non-zero.

    timecmd.py --runs 5 -- taskset -c 0 archadvisor evaluate FILE.jsonl --format csv
"""
import argparse
import os
import statistics
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        ap.error("no command")
    times, cpu = [], []
    for i in range(args.warmup + args.runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            print(f"timecmd: {' '.join(cmd)} exited {proc.returncode}", file=sys.stderr)
            sys.exit(1)
        if i >= args.warmup:
            times.append(elapsed)
            cpu.append(usage.ru_utime + usage.ru_stime)
    print(f"best={min(times):.6f} median={statistics.median(times):.6f} "
          f"cpu_best={min(cpu):.6f} cpu_median={statistics.median(cpu):.6f} runs={len(times)}")


if __name__ == "__main__":
    main()
