#!/usr/bin/env bash
# Speed of the decision-side commands, on the release build. Prints figures; never fails
# on a slow one (only on a broken build).
#
#   bench/decisions.sh [--no-build]
#
#   (a) whatif: `archadvisor whatif FILE --format json` for every scenario in
#       rules/scenarios (whole process, start-up included), median and worst of 5 runs each;
#       target: at most 100 ms per scenario.
#   (b) scaffold: `archadvisor scaffold` of a 12-service gRPC + async events + Istio project
#       (aggregation layer too), wall time of the whole command, median of 10 runs; target:
#       at most 100 ms. The command also prints its own plan-and-write time.
#   (c) cookiecutter on the same tree, median of 5 runs; target: scaffold >= 7x faster.
#       Method: the project (b) generated is turned into a cookiecutter template with the
#       same files: the project name and every service name (as written, as a type name,
#       as an env-var prefix; whole words) become `{{ cookiecutter.NAME }}` variables in
#       every path and every file's text (`{{`, `{%` and `{#` are escaped for Jinja), and
#       cookiecutter.json gives each its value. `cookiecutter --no-input` then renders
#       every file through Jinja (no file is copied without rendering), and its output is
#       checked to be byte for byte the scaffolded project, so both tools produce the same
#       tree with the same number of files and at least as many substitutions for
#       cookiecutter. cookiecutter (pinned) is installed in a venv under
#       ~/.cache/archadvisor-bench on first use.
# Environment: BENCH_SCRATCH (.build-bench), COOKIECUTTER_VENV (~/.cache/archadvisor-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=${BENCH_SCRATCH:-.build-bench}
if [[ ${1:-} != --no-build ]]; then
  swift build -c release --scratch-path "$SCRATCH" --product archadvisor >/dev/null
fi
BIN=$SCRATCH/release/archadvisor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ms() { python3 -c 'import sys,statistics; v=sorted(float(x) for x in sys.stdin.read().split()); print(f"{statistics.median(v):.1f} {v[-1]:.1f}")'; }
now() { date +%s%N; }

echo "== what-if per scenario (release, whole process)"
python3 - "$work" <<'PY'
import glob, json, sys, yaml
out = sys.argv[1]
n = 0
for f in sorted(glob.glob("rules/scenarios/*.yaml")):
    for s in yaml.safe_load(open(f))["scenarios"]:
        json.dump(s.get("answers") or {}, open(f"{out}/{s['name']}.json", "w"))
        n += 1
print(f"{n} scenarios")
PY
worst=0
all_times=()
for f in "$work"/*.json; do
  times=()
  for _ in 1 2 3 4 5; do
    t0=$(now); "$BIN" whatif "$f" --format json >/dev/null; t1=$(now)
    times+=("$(( (t1 - t0) / 1000 ))")
  done
  read -r med max < <(printf '%s\n' "${times[@]}" | awk '{print $1/1000}' | ms)
  all_times+=("$med")
  if python3 -c "import sys; sys.exit(0 if $max > $worst else 1)"; then worst=$max; fi
done
read -r med_all max_med < <(printf '%s\n' "${all_times[@]}" | ms)
echo "whatif: median over scenarios ${med_all} ms, slowest scenario median ${max_med} ms, worst single run ${worst} ms (target <= 100 ms)"

echo "== scaffold of a 12-service gRPC + events + Istio project"
cp Tests/Fixtures/scaffold/mesh-istio-grpc-events.json "$work/mesh.json"
service_names=(catalog cart checkout payment shipping inventory reviews search pricing users orders notify)
services=()
for s in "${service_names[@]}"; do services+=(--service "$s"); done
times=()
for i in $(seq 1 10); do
  t0=$(now)
  "$BIN" scaffold --answers "$work/mesh.json" --name shop --out "$work/p$i" "${services[@]}" >"$work/out.txt"
  t1=$(now)
  times+=("$(( (t1 - t0) / 1000 ))")
done
files=$(find "$work/p1" -type f | wc -l)
read -r med max < <(printf '%s\n' "${times[@]}" | awk '{print $1/1000}' | ms)
echo "scaffold: $files files, median ${med} ms, worst ${max} ms (target <= 100 ms); the command reports: $(head -1 "$work/out.txt")"

echo "== cookiecutter on the same tree"
venv=${COOKIECUTTER_VENV:-$HOME/.cache/archadvisor-bench}
[[ -x $venv/bin/python ]] || python3 -m venv "$venv"
[[ -x $venv/bin/cookiecutter ]] || "$venv/bin/python" -m pip install -q --disable-pip-version-check cookiecutter==2.7.1
python3 - "$work/p1" "$work/cc" shop "${service_names[@]}" <<'PY'
import json, os, re, shutil, sys
project, template, name, services = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
def type_name(s): return "".join(p.capitalize() for p in s.split("-"))
values = {}
for key, word in [("project", name)] + [(f"s{i}", s) for i, s in enumerate(services)]:
    values[key], values[key + "_type"], values[key + "_env"] = word, type_name(word), word.upper().replace("-", "_")
# Longest words first, whole words only, so "Catalog" is not taken apart by "cat".
words = sorted(((v, k) for k, v in values.items()), key=lambda p: -len(p[0]))
pattern = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(re.escape(w) for w, _ in words) + r")(?![a-z0-9])")
key_of = dict(words)
count = 0
def substitute(text):
    # Words become markers first; then every "{" that Jinja would read as the start of a
    # tag (before "{", "%", "#" or a variable, as in "${CATALOG_...}") is escaped; then
    # the markers become variables.
    global count
    text, n = pattern.subn(lambda m: "\x00%s\x01" % key_of[m.group(1)], text)
    text = re.sub(r"\{(?=[{%#\x00])", "{{ '{' }}", text)
    text = re.sub(r"\x00(\w+)\x01", lambda m: "{{ cookiecutter.%s }}" % m.group(1), text)
    count += n
    return text
root = os.path.join(template, "{{ cookiecutter.project }}")
files = 0
for folder, _, names in os.walk(project):
    for file in names:
        source = os.path.join(folder, file)
        relative = os.path.relpath(source, project)
        target = os.path.join(root, substitute(relative))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(source, encoding="utf-8") as f: text = f.read()
        with open(target, "w", encoding="utf-8") as f: f.write(substitute(text))
        shutil.copymode(source, target)
        files += 1
with open(os.path.join(template, "cookiecutter.json"), "w") as f: json.dump(values, f)
print(f"cookiecutter template: {files} files, {count} substitutions")
PY
printf 'cookiecutters_dir: %s\nreplay_dir: %s\n' "$work/cc-home" "$work/cc-replay" >"$work/cc-config.yaml"
cc_times=()
for i in 1 2 3 4 5; do
  t0=$(now)
  "$venv/bin/cookiecutter" --no-input --config-file "$work/cc-config.yaml" -o "$work/cc-out$i" "$work/cc" >/dev/null
  t1=$(now)
  cc_times+=("$(( (t1 - t0) / 1000 ))")
done
if diff -r "$work/p1" "$work/cc-out1/shop" >/dev/null; then same=yes; else same=NO; fi
read -r cc_med cc_max < <(printf '%s\n' "${cc_times[@]}" | awk '{print $1/1000}' | ms)
ratio=$(python3 -c "print(f'{$cc_med / $med:.1f}')")
echo "cookiecutter: median ${cc_med} ms, worst ${cc_max} ms; its output is the scaffolded tree: $same"
echo "scaffold is ${ratio}x faster than cookiecutter on the same tree (target >= 7x)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
