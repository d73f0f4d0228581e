#!/usr/bin/env python3
"""The reference point of the batch benchmark: parse every line of a JSON Lines file with
orjson and nothing else (no validation, no evaluation, no output).

Prints the best and median wall time of --runs passes over the file, in seconds, and the
CPU time of the same passes, as `best=<s> median=<s> cpu_best=<s> cpu_median=<s>
lines=<n> orjson=<version>`. Each pass reads the file from the start
(binary, line by line, as a JSON Lines consumer would) and calls orjson.loads on each line.
"""
import argparse
import statistics
import time

import orjson


def one_pass(path):
    loads = orjson.loads
    n = 0
    with open(path, "rb") as f:
        for line in f:
            loads(line)
            n += 1
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("path")
    args = ap.parse_args()
    times, cpu = [], []
    lines = 0
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        lines = one_pass(args.path)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    print(f"best={min(times):.6f} median={statistics.median(times):.6f} "
          f"cpu_best={min(cpu):.6f} cpu_median={statistics.median(cpu):.6f} "
          f"lines={lines} orjson={orjson.__version__}")


if __name__ == "__main__":
    main()
