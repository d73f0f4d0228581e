#!/usr/bin/env bash
# Checks on loopback that a generated project built with its OTLPExport trait (the default)
# exports its spans over OTLP and that they form one trace with the caller's.
#
#   scripts/check-otlp.sh PROJECT_DIR
#
# Starts a tiny OTLP/HTTP receiver (python3 http.server on 127.0.0.1, spans as OTLP/JSON:
# OTEL_EXPORTER_OTLP_PROTOCOL=http/json), runs the project with its scripts/run-local.sh
# and OTEL_EXPORTER_OTLP_ENDPOINT pointing at the receiver, sends one request (the one
# run-local.sh suggests, e.g. GET /product-details/1) with a `traceparent` and a
# `tracestate`, stops the project (the exporters flush) and checks:
#   - every service run-local.sh started (the aggregator and each service) exported spans
#     of that trace, and no span of it names another trace;
#   - every span's parent is the caller's span or another exported span (no orphans);
#   - every server span carries the caller's tracestate (it crossed every hop);
#   - no /health probe made a span.
# Prints the spans received per service.
#
# Environment:
#   SCRATCH_PATH      the project's SwiftPM build folder (default: PROJECT_DIR/.build)
#   SKIP_BUILD=1      run what an earlier build left there (passed to run-local.sh)
#   PORT_OFFSET       added to the project's ports (default: 12000)
#   OTLP_PORT         the receiver's port (default: 14318)
#   WORK_DIR          logs and the received spans (default: a new temporary directory)
set -euo pipefail

usage() { echo "usage: scripts/check-otlp.sh PROJECT_DIR" >&2; exit 2; }
[[ $# == 1 && -x $1/scripts/run-local.sh ]] || usage

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
project=$(cd "$1" && pwd)
offset=${PORT_OFFSET:-12000}
otlp_port=${OTLP_PORT:-14318}
work=${WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/check-otlp.XXXXXX")}
mkdir -p "$work/run"
spans=$work/otlp.jsonl
: >"$spans"

failures=()
# fail, step, wait_for_run_local, stop_run_local
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

receiver_pid=""
run_local_pid=""
cleanup() {
  local status=$?
  if [[ -n $run_local_pid ]]; then stop_run_local "$run_local_pid" "$work/run"; fi
  if [[ -n $receiver_pid ]]; then kill -TERM "$receiver_pid" 2>/dev/null || true; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$otlp_port/"; then
  echo "check-otlp: something already answers on 127.0.0.1:$otlp_port; set OTLP_PORT" >&2
  exit 1
fi

# The receiver: every POST body (OTLP/JSON ExportTraceServiceRequest) is one line of $spans.
python3 - "$otlp_port" "$spans" >"$work/receiver.log" 2>&1 <<'PY' &
import http.server, json, sys
port, out = int(sys.argv[1]), sys.argv[2]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        kind = self.headers.get("content-type", "")
        with open(out, "a") as f:
            if "json" in kind:
                f.write(json.dumps({"path": self.path, "body": json.loads(body or b"{}")}) + "\n")
            else:
                f.write(json.dumps({"path": self.path, "error": "not OTLP/JSON: " + kind}) + "\n")
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"{}")
    def do_GET(self):
        self.send_response(404)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
PY
receiver_pid=$!
for _ in $(seq 1 50); do
  curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$otlp_port/" && break
  sleep 0.1
done

step "running $(basename "$project") with OTLP export to 127.0.0.1:$otlp_port"
: >"$work/run-local.out"
(cd "$project" && PORT_OFFSET=$offset RUN_DIR=$work/run HEALTH_TIMEOUT=60 \
  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$otlp_port OTEL_EXPORTER_OTLP_PROTOCOL=http/json \
  OTEL_BSP_SCHEDULE_DELAY=200 exec scripts/run-local.sh) >"$work/run-local.out" 2>&1 &
run_local_pid=$!
if ! wait_for_run_local "$run_local_pid" "$work/run-local.out" 600; then
  cat "$work/run-local.out" >&2
  echo "check-otlp: run-local.sh did not report the project running" >&2
  exit 1
fi
services=$(sed -n 's/^  \([a-z0-9-]*\): http:\/\/127\.0\.0\.1:[0-9]* (log: .*/\1/p' "$work/run-local.out" | tr '\n' ' ')
url=$(sed -n 's/^  try: curl \(http:[^ ]*\)$/\1/p' "$work/run-local.out" | head -n 1)
[[ -n $services && -n $url ]] || { cat "$work/run-local.out" >&2; echo "check-otlp: no services or entry URL in run-local.sh's output" >&2; exit 1; }
echo "services: $services"

trace_id=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
caller_span=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
tracestate="archadvisor=check-otlp,congo=t61rcWkgMzE"
code=$(curl -sS --max-time 10 -o "$work/answer.json" -w '%{http_code}' \
  -H "traceparent: 00-$trace_id-$caller_span-01" -H "tracestate: $tracestate" "$url") || code=curl-failed
echo "request: GET $url (trace $trace_id, parent $caller_span, tracestate $tracestate): HTTP $code"
[[ $code == 200 ]] || fail "the request answered $code, expected 200"

# Stop the services: each exporter sends what it still holds before the process ends.
sleep 1
stop_run_local "$run_local_pid" "$work/run"
run_local_pid=""
sleep 0.5

step "spans received"
python3 - "$spans" "$trace_id" "$caller_span" "$tracestate" "$services" <<'PY' || fail "the exported spans do not form the caller's trace (see above)"
import base64, collections, json, sys
path, trace_id, caller, tracestate, services = sys.argv[1:6]
services = services.split()

def hexid(value):
    """OTLP/JSON ids are hex; a protobuf JSON encoder may give base64 instead."""
    if not value:
        return ""
    if all(c in "0123456789abcdefABCDEF" for c in value) and len(value) in (16, 32):
        return value.lower()
    return base64.b64decode(value).hex()

def field(obj, name):
    """A field by its lowerCamelCase or snake_case name."""
    snake = "".join("_" + c.lower() if c.isupper() else c for c in name)
    return obj.get(name, obj.get(snake))

spans, errors = [], []
for line in open(path):
    record = json.loads(line)
    if "error" in record:
        errors.append(record["error"])
        continue
    for rs in field(record["body"], "resourceSpans") or []:
        attrs = {a["key"]: a.get("value", {}).get("stringValue") for a in (field(rs.get("resource", {}), "attributes") or [])}
        for ss in field(rs, "scopeSpans") or []:
            for s in ss.get("spans", []):
                spans.append({
                    "service": attrs.get("service.name"),
                    "trace": hexid(field(s, "traceId")),
                    "span": hexid(field(s, "spanId")),
                    "parent": hexid(field(s, "parentSpanId")),
                    "state": field(s, "traceState") or "",
                    "name": s.get("name"),
                    "kind": s.get("kind"),
                })

ok = True
def bad(message):
    global ok
    ok = False
    print("FAIL: " + message)

for e in errors:
    bad("receiver: " + e)
ours = [s for s in spans if s["trace"] == trace_id]
others = [s for s in spans if s["trace"] != trace_id]
by_service = collections.Counter(s["service"] for s in ours)
print(f"{len(spans)} spans received, {len(ours)} in trace {trace_id}, {len(others)} in other traces")
for service in services:
    names = sorted({s["name"] for s in ours if s["service"] == service})
    print(f"  {service}: {by_service.get(service, 0)} spans ({', '.join(names)})")
    if by_service.get(service, 0) == 0:
        bad(f"{service} exported no span of the trace")
for s in others:
    print(f"  other trace: {s['service']} {s['name']} {s['trace']}")
    if "health" in (s["name"] or ""):
        bad(f"{s['service']} exported a span for a probe: {s['name']}")
ids = {s["span"] for s in ours}
for s in ours:
    if s["parent"] != caller and s["parent"] not in ids:
        bad(f"orphan: {s['service']} span {s['name']} {s['span']} has parent {s['parent'] or '(none)'}, neither the caller's nor an exported span")
roots = [s for s in ours if s["parent"] == caller]
print(f"  spans whose parent is the caller's span {caller}: {len(roots)} ({', '.join(s['service'] + ' ' + s['name'] for s in roots)})")
if len(roots) != 1:
    bad(f"{len(roots)} spans are children of the caller's span, expected 1 (the entry's server span)")
servers = [s for s in ours if s["kind"] in ("SPAN_KIND_SERVER", 2, "2")]
def entries(state):
    """tracestate list members; W3C allows spaces around the commas (swift-otel writes ", ")."""
    return [m.strip() for m in state.split(",") if m.strip()]
stateless = [s for s in servers if entries(s["state"]) != entries(tracestate)]
print(f"  server spans carrying tracestate '{tracestate}': {len(servers) - len(stateless)} of {len(servers)}")
for s in stateless:
    bad(f"{s['service']} server span {s['name']} has tracestate '{s['state']}'")
for service in services:
    if not any(s["service"] == service for s in servers):
        bad(f"{service} exported no server span of the trace")
sys.exit(0 if ok else 1)
PY

if ((${#failures[@]} > 0)); then
  echo "check-otlp: ${#failures[@]} failure(s) (logs and spans in $work)"
  exit 1
fi
echo "check-otlp: spans of every service exported, one trace, no orphans, tracestate carried ($work)"
