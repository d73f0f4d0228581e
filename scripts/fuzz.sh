#!/usr/bin/env bash
# Fuzzes archadvisor's parsers of untrusted text with libFuzzer:
#   FuzzConditions  the condition language (ConditionParser.parse + TypeChecker.compile
#                   with the real knowledge base's symbols, then evaluation)
#   FuzzEvaluators  the batch fast path (ChoiceEvaluator) against the detailed Evaluator
#   FuzzAnswers     answer files (AnswerReader.read over raw bytes) and the record
#                   splitting of stdin and .jsonl input (RecordReader .values / .lines)
#
#   scripts/fuzz.sh [SECONDS]        each target for SECONDS (default 60)
#   FUZZ_TARGETS="FuzzAnswers" scripts/fuzz.sh 30     one target only
#   FUZZ_ARGS="-jobs=2 -workers=2" scripts/fuzz.sh    extra libFuzzer flags (after the defaults)
#
# Builds the separate package fuzz/ (its own fuzz/.build) with
#   swift build -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
# seeds each corpus from rules/ (conditions from rules, questions and decisions; answers
# from the scenario tests, plus hand-written edge cases), and runs each target with
# SWIFT_BACKTRACE=enable=no and the LeakSanitizer suppressions of fuzz/lsan.supp (the
# knowledge base loaded once before fuzzing). Corpora grow across runs in fuzz/.work/corpus/ (gitignored).
# Prints the executions per target; exits 1 when a target found a crash, a timeout, a
# leak or an out-of-memory, keeping the input in fuzz/.work/crashes/TARGET/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SECS=${1:-60}
case $SECS in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2 ;; esac
TARGETS=${FUZZ_TARGETS:-FuzzConditions FuzzAnswers FuzzEvaluators}
WORK=fuzz/.work
FLAGS=(-c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address)

echo "== building fuzz/ (swift build ${FLAGS[*]})"
(cd fuzz && swift build "${FLAGS[@]}" 2>&1 | tail -n 3)
BIN=$(cd fuzz && swift build "${FLAGS[@]}" --show-bin-path)

# ------------------------------------------------------------------ seeds and dictionaries
PY=python3
if ! "$PY" -c 'import yaml' 2>/dev/null; then
    if [ ! -x bench/.venv/bin/python ]; then python3 -m venv bench/.venv; fi
    bench/.venv/bin/python -c 'import yaml' 2>/dev/null \
        || bench/.venv/bin/python -m pip install -q --disable-pip-version-check pyyaml
    PY=bench/.venv/bin/python
fi
mkdir -p "$WORK/seeds/FuzzConditions" "$WORK/seeds/FuzzAnswers" "$WORK/seeds/FuzzEvaluators" \
    "$WORK/corpus/FuzzConditions" "$WORK/corpus/FuzzAnswers" "$WORK/corpus/FuzzEvaluators"
"$PY" - "$WORK" <<'EOF'
import glob, hashlib, json, os, sys
import yaml

work = sys.argv[1]

def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(work, "seeds", target, name), "wb") as f:
        f.write(data)

def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}

questions = load("rules/questions.yaml").get("questions", [])
decisions = load("rules/decisions.yaml").get("decisions", [])

# Conditions: every rule's `when`, every ask_when and applies_when, plus edge cases.
conditions = set()
for path in sorted(glob.glob("rules/rules/*.yaml")):
    for rule in load(path).get("rules", []) or []:
        if isinstance(rule, dict) and isinstance(rule.get("when"), str):
            conditions.add(rule["when"])
for q in questions:
    if isinstance(q.get("ask_when"), str):
        conditions.add(q["ask_when"])
for d in decisions:
    for key in ("applies_when", "when"):
        if isinstance(d.get(key), str):
            conditions.add(d[key])
conditions |= {
    "true", "not false", "team_size >= 10 and (kubernetes or not polyglot)",
    'product_stage in ["growth", "mature"]', 'product_stage not in ["prototype"]',
    "team_size < team_count", "10 <= service_count", "team_size == 9223372036854775807",
    "team_size >= -9223372036854775808", "team_size >= 99999999999999999999", "(((kubernetes)))",
    'architecture == "microservices"', "kubernetes == 1", "team_size = 3", "! kubernetes",
    '"unterminated', "team_size >= 1.5", "", "   ", "kubernetes and", "x in [1,", "déjà == 1",
    'traffic_control == \'fine_grained\'', 'product_stage == "grwoth"',
}
for c in conditions:
    put("FuzzConditions", c)

# Answers: every scenario's answers as an answer file, pretty and compact, and as JSON
# Lines; plus edge cases the reader must reject cleanly.
answer_sets = []
for path in sorted(glob.glob("rules/scenarios/*.yaml")):
    for s in load(path).get("scenarios", []) or []:
        if isinstance(s, dict) and isinstance(s.get("answers"), dict):
            answer_sets.append(s["answers"])
for a in answer_sets:
    put("FuzzAnswers", json.dumps(a, indent=2))
    put("FuzzAnswers", json.dumps(a, separators=(",", ":")))
put("FuzzAnswers", "\n".join(json.dumps(a) for a in answer_sets[:8]) + "\n")
put("FuzzAnswers", "".join(json.dumps(a, indent=1) for a in answer_sets[:3]))
full = {}
for q in questions:
    full[q["id"]] = q.get("default")
full["x-meta"] = {"nested": [1, 2.5e-3, None, True, "s\u00e9\\n\\u00e9\\ud83d\\ude00"]}
full["$schema"] = "https://example.com/schema.json"
put("FuzzAnswers", json.dumps(full, ensure_ascii=False))
for edge in [
    "", "{}", "[]", "null", "{", '{"team_size":', '{"team_size": 99999999999999999999}',
    '{"team_size": -0}', '{"team_size": 5.0}', '{"team_size": 1e3}', '{"team_size": "5"}',
    '{"team_sise": 5}', '{"kubernetes": "yes"}', '{"product_stage": "grwoth"}',
    '{"team\\u005fsize": 7}', '{"team_size": 5, "team_size": 6}', '{"a": 1} {"b": 2}',
    '{"x-deep": ' + "[" * 200 + "]" * 200 + "}", '{"x-s": "\\ud800"}', b'{"x-\xff": 1}',
    b'{"product_stage": "gr\xc3\xb6wth"}', '{"x-ctl": "a\u0001b"}', "\ufeff{}",
    '{"team_size": 5}\n\n  \n{"kubernetes": true}\r\n', '  {"team_size": 5}  \n]\n"str"\n42\n',
]:
    put("FuzzAnswers", edge)
# Evaluators: three bytes per question (value draw, value draw, given bit), from a few
# fixed patterns; the fuzzer mutates from there.
n = len(questions)
for pattern in range(8):
    put("FuzzEvaluators", bytes((i * 37 + pattern * 11) % 256 for i in range(3 * n)))
put("FuzzEvaluators", bytes([0, 0, 1] * n))
put("FuzzEvaluators", bytes([0, 1, 0] * n))

# Dictionaries: the words each parser compares with.
def dict_line(s):
    return '"' + "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "\\x%02X" % ord(c) for c in s) + '"\n'
words_c = {"and", "or", "not", "in", "true", "false", "==", "!=", "<", "<=", ">", ">=", "(", ")", "[", "]", ","}
words_a = {"{", "}", "[", "]", ":", ",", "true", "false", "null", '"x-', '"$schema"', "\\u", "\\\\", "-0", "1e9"}
for q in questions:
    words_c.add(q["id"])
    words_a.add('"%s"' % q["id"])
    for c in q.get("choices", []) or []:
        words_c.add('"%s"' % c["value"])
        words_a.add('"%s"' % c["value"])
for d in decisions:
    words_c.add(d["id"])
    for o in d.get("options", []) or []:
        v = o["value"] if isinstance(o, dict) else str(o)
        words_c.add('"%s"' % v)
for name, words in (("conditions.dict", words_c), ("answers.dict", words_a)):
    with open(os.path.join(work, name), "w") as f:
        f.writelines(dict_line(w) for w in sorted(words))
print(f"seeds: {len(conditions)} conditions, {len(answer_sets)} scenario answer sets (+ edge cases)")
EOF

# ------------------------------------------------------------------ run
status=0
declare -A EXECS RESULT
for t in $TARGETS; do
    case $t in FuzzConditions) dict=conditions.dict ;; FuzzAnswers) dict=answers.dict ;; FuzzEvaluators) dict="" ;; *) echo "unknown target $t" >&2; exit 2 ;; esac
    mkdir -p "$WORK/crashes/$t"
    log="$WORK/$t.log"
    echo "== $t for ${SECS}s (log: $log)"
    set +e
    SWIFT_BACKTRACE=enable=no LSAN_OPTIONS="suppressions=$ROOT/fuzz/lsan.supp:print_suppressions=0" "$BIN/$t" \
        -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        ${dict:+-dict="$WORK/$dict"} -print_final_stats=1 -artifact_prefix="$WORK/crashes/$t/" \
        ${FUZZ_ARGS:-} "$WORK/corpus/$t" "$WORK/seeds/$t" > "$log" 2>&1
    rc=$?
    set -e
    execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -n 1)
    [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
    EXECS[$t]=${execs:-0}
    artifacts=$(grep -oE "Test unit written to [^ ]+" "$log" | sed 's/Test unit written to //' || true)
    if [ "$rc" -ne 0 ] || [ -n "$artifacts" ]; then
        RESULT[$t]="FAILED (exit $rc)"
        status=1
        echo "!! $t: exit $rc"
        grep -E "^==[0-9]+==ERROR|^SUMMARY|fuzz: invariant|Fatal error|deadly signal|ERROR: libFuzzer" "$log" | head -n 5 || true
        for a in $artifacts; do
            echo "   input kept: $a ($(stat -c %s "$a") bytes): $(head -c 200 "$a" | od -An -c | tr -s ' ' | head -n 3 | tr '\n' ' ')"
        done
        echo "   full report: $log; reproduce: SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$ROOT/fuzz/lsan.supp $BIN/$t ${artifacts%% *}"
    else
        RESULT[$t]="no crash"
    fi
    echo "   $t: ${EXECS[$t]} executions in ${SECS}s, ${RESULT[$t]}"
done

echo
echo "| target | seconds | executions | result |"
echo "|---|---|---|---|"
for t in $TARGETS; do echo "| $t | $SECS | ${EXECS[$t]} | ${RESULT[$t]} |"; done
exit $status
