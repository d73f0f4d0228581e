#!/usr/bin/env bash
# The performance benchmark of archadvisor. Prints its figures and a summary with the
# targets of issue 2; it never fails on a slow figure (only on a broken build or wrong
# output), so read the table.
#
#   bench/run.sh [--scratch-path DIR] [--no-build]
#
# What it measures (all on the release build):
#   (a) batch: `archadvisor evaluate FILE.jsonl --format csv > /dev/null` over 100,000
#       random valid answer sets (~590 bytes a line), wall time, best of 5, pinned to one
#       core with `taskset -c 0`;
#   (b) the same file parsed by Python's orjson (parse only), best of 5, same core, and
#       the ratio (a)/(b);
#   (c) peak RSS (`/usr/bin/time -v`) for 1,000,000 lines (and for 100,000, to show it is
#       flat in the input size);
#   (d) cold start: `evaluate` of one answer file, median of 50 runs (hyperfine when it is
#       installed or installable with apt-get, else a `date +%s%N` loop).
# Wall time is what the targets are about; the CPU time (user + system) of the same runs
# is printed beside it, since on a shared machine other processes inflate wall time.
# Before timing, it checks that the CSV fast path gives the same choices as `--format
# json` on the first 2,000 answer sets.
#
# Environment: BENCH_COUNT (100000), BENCH_MEM_COUNT (1000000), BENCH_RUNS (5),
# BENCH_COLD_RUNS (50), BENCH_CPU (0), BENCH_SEED (42), BENCH_DATA (bench/.data),
# BENCH_SCRATCH (.build-bench).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SCRATCH=${BENCH_SCRATCH:-.build-bench}
BUILD=1
while [ $# -gt 0 ]; do
    case $1 in
        --scratch-path) SCRATCH=$2; shift 2 ;;
        --scratch-path=*) SCRATCH=${1#*=}; shift ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "bench/run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
COUNT=${BENCH_COUNT:-100000}
MEM_COUNT=${BENCH_MEM_COUNT:-1000000}
RUNS=${BENCH_RUNS:-5}
COLD_RUNS=${BENCH_COLD_RUNS:-50}
CPU=${BENCH_CPU:-0}
SEED=${BENCH_SEED:-42}
DATA=${BENCH_DATA:-bench/.data}
VENV=bench/.venv

say() { printf '\n== %s\n' "$*"; }
die() { echo "bench/run.sh: $*" >&2; exit 1; }

# ---------------------------------------------------------------- tools
apt_install() { # apt_install PACKAGE: best effort, only as root with apt-get
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing $1 with apt-get"
        apt-get install -y -qq "$1" >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$1" >/dev/null 2>&1; } || true
    fi
}
command -v taskset >/dev/null || apt_install util-linux
command -v taskset >/dev/null || die "taskset is missing (package util-linux)"
[ -x /usr/bin/time ] || apt_install time
command -v hyperfine >/dev/null || apt_install hyperfine

# ---------------------------------------------------------------- build
if [ "$BUILD" = 1 ]; then
    say "building release (swift build -c release --scratch-path $SCRATCH)"
    swift build -c release --scratch-path "$SCRATCH" --product archadvisor 2>&1 | tail -n 3
fi
BIN=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/archadvisor
[ -x "$BIN" ] || die "no release binary at $BIN (build failed, or --no-build without a build)"
echo "binary: $BIN"

# ---------------------------------------------------------------- python + orjson
if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV"
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import orjson, yaml' 2>/dev/null; then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check orjson pyyaml
fi
PY="$VENV/bin/python"
ORJSON_VERSION=$("$PY" -c 'import orjson; print(orjson.__version__)')
echo "python: $("$PY" -c 'import sys; print(sys.version.split()[0])'), orjson $ORJSON_VERSION"

# ---------------------------------------------------------------- data
mkdir -p "$DATA"
KEY=$(cat rules/questions.yaml bench/gen_answers.py | sha256sum | cut -c1-12)
gen() { # gen COUNT -> path
    local f="$DATA/answers-$1-s$SEED-$KEY.jsonl"
    if [ ! -s "$f" ]; then
        "$PY" bench/gen_answers.py --questions rules/questions.yaml --count "$1" --seed "$SEED" "$f.tmp" >&2
        mv "$f.tmp" "$f"
    fi
    echo "$f"
}
say "answer sets"
FILE=$(gen "$COUNT")
MEMFILE=$(gen "$MEM_COUNT")
ONE="$DATA/one.json"
head -n 1 "$FILE" > "$ONE"
BYTES=$(stat -c %s "$FILE")
echo "$FILE: $COUNT lines, $BYTES bytes ($((BYTES / COUNT)) bytes a line)"
echo "$MEMFILE: $MEM_COUNT lines, $(stat -c %s "$MEMFILE") bytes"

# ---------------------------------------------------------------- correctness
say "check: --format csv against --format json (first 2,000 answer sets)"
CHECK="$DATA/check"
head -n 2000 "$FILE" > "$CHECK.jsonl"
"$BIN" evaluate "$CHECK.jsonl" --format csv > "$CHECK.csv" || die "evaluate --format csv exited $?"
"$BIN" evaluate "$CHECK.jsonl" --format json > "$CHECK.out.jsonl" || die "evaluate --format json exited $?"
"$PY" bench/check_csv.py "$CHECK.csv" "$CHECK.out.jsonl" || die "the CSV fast path disagrees with --format json"
ROWS=$("$BIN" evaluate "$FILE" --format csv | wc -l)
[ "$ROWS" = $((COUNT + 1)) ] || die "expected $((COUNT + 1)) CSV lines (header + one per answer set), got $ROWS"

# ---------------------------------------------------------------- (a) batch
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "(a) batch: taskset -c $CPU $BIN evaluate $FILE --format csv > /dev/null  (best of $RUNS)"
A=$("$PY" bench/timecmd.py --runs "$RUNS" --warmup 1 -- taskset -c "$CPU" "$BIN" evaluate "$FILE" --format csv)
echo "$A"
field() { sed -E "s/.*(^| )$1=([0-9.]+).*/\2/" <<<"$2"; }
A_BEST=$(field best "$A"); A_CPU=$(field cpu_best "$A")

# ---------------------------------------------------------------- (b) orjson
say "(b) orjson: taskset -c $CPU $PY bench/orjson_parse.py --runs $RUNS $FILE"
B=$(taskset -c "$CPU" "$PY" bench/orjson_parse.py --runs "$RUNS" "$FILE")
echo "$B"
B_BEST=$(field best "$B"); B_CPU=$(field cpu_best "$B")

# ---------------------------------------------------------------- (c) memory
peak_kb() { # peak_kb FILE -> max RSS in KiB
    local log
    log=$(mktemp)
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$BIN" evaluate "$1" --format csv > /dev/null 2> "$log" || { cat "$log" >&2; rm -f "$log"; die "evaluate $1 failed"; }
        sed -nE 's/.*Maximum resident set size \(kbytes\): ([0-9]+).*/\1/p' "$log"
    else
        # Fallback: poll VmHWM while it runs.
        "$BIN" evaluate "$1" --format csv > /dev/null & local pid=$! hwm=0 v
        while kill -0 "$pid" 2>/dev/null; do
            v=$(sed -nE 's/^VmHWM:[^0-9]*([0-9]+).*/\1/p' "/proc/$pid/status" 2>/dev/null || true)
            [ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
            sleep 0.01
        done
        wait "$pid"
        echo "$hwm"
    fi
    rm -f "$log"
}
say "(c) memory: /usr/bin/time -v $BIN evaluate FILE --format csv > /dev/null"
C_SMALL=$(peak_kb "$FILE")
C=$(peak_kb "$MEMFILE")
echo "peak RSS: $COUNT lines $C_SMALL KiB, $MEM_COUNT lines $C KiB"

# ---------------------------------------------------------------- (d) cold start
say "(d) cold start: $BIN evaluate $ONE  (median of $COLD_RUNS)"
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 5 --runs "$COLD_RUNS" --export-json "$DATA/cold.json" \
        "$BIN evaluate $ONE" 2>&1 | sed -n '1,4p'
    D=$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.6f" % r["median"])' "$DATA/cold.json")
    D_CPU=$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.6f" % (r["user"] + r["system"]))' "$DATA/cold.json")
    D_TOOL="hyperfine -N --warmup 5 --runs $COLD_RUNS"
else
    for _ in 1 2 3 4 5; do "$BIN" evaluate "$ONE" > /dev/null; done
    : > "$DATA/cold.txt"
    for _ in $(seq "$COLD_RUNS"); do
        t0=$(date +%s%N); "$BIN" evaluate "$ONE" > /dev/null; t1=$(date +%s%N)
        echo $((t1 - t0)) >> "$DATA/cold.txt"
    done
    D=$(sort -n "$DATA/cold.txt" | awk '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.6f", m / 1e9}')
    D_TOOL="date +%s%N loop, $COLD_RUNS runs"
    D_CPU=$("$PY" bench/timecmd.py --runs "$COLD_RUNS" --warmup 0 -- "$BIN" evaluate "$ONE" | sed -E 's/.*cpu_median=([0-9.]+).*/\1/')
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
echo "median: $D s ($D_TOOL)"

# ---------------------------------------------------------------- summary
CPU_MODEL=$(sed -nE 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
"$PY" - "$COUNT" "$A_BEST" "$B_BEST" "$C" "$D" "$MEM_COUNT" "$C_SMALL" "$(nproc)" "$CPU_MODEL" \
    "$(swift --version 2>/dev/null | head -n 1)" "$ORJSON_VERSION" "$BYTES" "$A_CPU" "$B_CPU" "$D_CPU" \
    "$LOAD_BEFORE" "$LOAD_AFTER" <<'EOF'
import sys
(count, a, b, c, d, mem_count, c_small, nproc, cpu, swift, orjson_v, size,
 a_cpu, b_cpu, d_cpu, load_before, load_after) = sys.argv[1:]
count, mem_count, c, c_small, size = int(count), int(mem_count), int(c), int(c_small), int(size)
a, b, d, a_cpu, b_cpu, d_cpu = map(float, (a, b, d, a_cpu, b_cpu, d_cpu))
rate, ratio = count / a, a / b
rows = [
    ("batch throughput (csv, 1 core)", f"{rate:,.0f} answer sets/s", ">= 300,000/s", rate >= 300_000,
     f"{count / a_cpu:,.0f}/s"),
    ("time vs orjson parse-only", f"{ratio:.2f}x ({a:.3f} s vs {b:.3f} s)", "<= 2.0x", ratio <= 2.0,
     f"{a_cpu / b_cpu:.2f}x ({a_cpu:.3f} s vs {b_cpu:.3f} s)"),
    (f"peak RSS, {mem_count:,} lines", f"{c / 1024:.1f} MB", "<= 64 MB", c <= 64 * 1024, ""),
    ("cold start (median)", f"{d * 1000:.1f} ms", "<= 20 ms", d <= 0.020, f"{d_cpu * 1000:.1f} ms"),
]
busy = max(float(load_before.split()[0]), float(load_after.split()[0])) > 0.75 * int(nproc)
print()
print(f"machine: {nproc} cores, {cpu}; {swift}; orjson {orjson_v}")
print(f"load average (1, 5, 15 min): {load_before} before the timings, {load_after} after"
      + (" -- the machine was busy, so wall times are pessimistic; see the CPU-time column" if busy else ""))
print(f"input: {count:,} answer sets, {size:,} bytes ({size // count} bytes a line); "
      f"orjson alone parses {count / b:,.0f}/s; peak RSS {c_small / 1024:.1f} MB at {count:,} lines")
print()
head = ("figure", "measured (wall)", "target", "result", "CPU time (user+sys)")
w = [max(len(str(r[i])) for r in rows + [head]) for i in (0, 1, 2)]
print(f"| {head[0]:<{w[0]}} | {head[1]:<{w[1]}} | {head[2]:<{w[2]}} | result | {head[4]}")
print(f"|{'-' * (w[0] + 2)}|{'-' * (w[1] + 2)}|{'-' * (w[2] + 2)}|--------|{'-' * 30}")
for name, got, target, ok, cpu_view in rows:
    print(f"| {name:<{w[0]}} | {got:<{w[1]}} | {target:<{w[2]}} | {'PASS' if ok else 'MISS':<6} | {cpu_view}")
EOF
