#!/usr/bin/env bash
# CI check of `archadvisor scaffold`.
#
#   scripts/check-scaffolds.sh PATH/TO/archadvisor
#
# 1. For every answer file in Tests/Fixtures/scaffold/ (expected.tsv says what each must
#    decide): checks the decision with `evaluate --format csv`, scaffolds the project with
#    `scaffold --answers FILE --name shop --out DIR`, and checks that scaffolding into the
#    same (now non-empty) directory is refused with exit 4 and that a bad name gets exit 2.
# 2. Runs ../shared/validators/check-project.sh --deep on each project (every variant: the
#    cross-references, `kubectl kustomize` of each kustomization, zizmor and checkov) when
#    ../shared/validators exists beside the repository (skipped with a message otherwise).
# 3. Builds and tests the microservices project, starts it with scripts/run-local.sh on
#    127.0.0.1, checks that GET /product-details/1 merges product, inventory and reviews
#    and logs one trace id across the fan-out (aggregator and every service), stalls reviews
#    (SIGSTOP: it accepts connections and never answers) and checks the degraded answer
#    (200, reviews named missing) comes within the front door's timeout, then stops
#    reviews and checks the degraded answer again.
# 4. Builds and tests the gRPC + async events + Istio project (mesh-istio-grpc-events:
#    protoc-generated contracts, outbox on PostgreSQL), then runs
#    scripts/check-events-e2e.sh on it: PostgreSQL on loopback (installed when missing),
#    the project's PostgreSQL tests (TEST_DATABASE_URL), an item placed, the event
#    delivered twice by the relay and applied once, one consumer stopped (SIGSTOP) while
#    the other keeps receiving, then resumed and caught up; and
#    scripts/check-grpc-balance.sh with the same binaries: two instances of one service
#    behind an `ipv4:` list target both serve the aggregator's calls (round robin), and
#    grpc.health.v1.Health/Check answers SERVING (NOT_FOUND for an unknown name).
#    Each project is built with its OTLPExport trait (swift-otel) unless OTLP_PROJECTS
#    says otherwise; the REST and gRPC projects built with it run scripts/check-otlp.sh.
# 5. Builds and tests the modular monolith, runs it on 127.0.0.1 and checks one traced
#    request: x-request-id returned, its JSON log line carries the request id and the
#    caller's trace id, and /metrics counts it.
# Steps 3, 4 and 5 then run scripts/check-persistence.sh on their project: PostgreSQL on
# loopback with TLS, one role per database (none a superuser, none reaching another's
# database), the project's tests against it, production refusing to start without a
# database, an item created, everything restarted, the item read back (with events: every
# service's part of it), and two instances of one service on one database.
#
# Environment:
#   WORK_DIR          where projects are generated (default: a new temporary directory)
#   KEEP_WORK=1       keep WORK_DIR afterwards
#   SCAFFOLD_SCRATCH  SwiftPM build folder for the generated project, reused between runs
#                     (default: <repo>/.build-scaffold-e2e)
#   E2E_PORT_OFFSET   added to the generated project's ports 8080... (default: 10000)
#   SKIP_E2E=1        stop after the validators
#   SKIP_GRPC=1       skip step 4
#   GRPC_SCRATCH      SwiftPM build folder for the gRPC project (default: <repo>/.build-scaffold-grpc)
#   SKIP_MONOLITH=1   skip step 5
#   MONOLITH_SCRATCH  SwiftPM build folder for the monolith (default: <repo>/.build-scaffold-monolith)
#   BUILD_REST_EVENTS=1  also build and test the microservices-events project (REST +
#                     events) and run scripts/check-events-e2e.sh on it
#   OTLP_PROJECTS     the projects built with their OTLPExport trait (swift-otel; the REST
#                     and gRPC ones are then checked with scripts/check-otlp.sh: spans
#                     exported over OTLP to a loopback receiver, one trace, no orphans,
#                     tracestate carried); the others are built with
#                     --disable-default-traits, without swift-otel. Default "all" (swift-otel
#                     adds about a minute of CPU per project); e.g.
#                     OTLP_PROJECTS=mesh-istio-grpc-events to build only that one with it
#   ARCHADVISOR_KB    the knowledge base the CLI reads (default: the committed knowledge.sqlite;
#                     after changing rules/templates, build one with `kb build --output`)
set -euo pipefail

usage() { echo "usage: scripts/check-scaffolds.sh PATH/TO/archadvisor" >&2; exit 2; }
[[ $# == 1 ]] || usage
[[ -x $1 && ! -d $1 ]] || { echo "check-scaffolds: $1 is not an executable" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fixtures=$root/Tests/Fixtures/scaffold
validators=$root/../shared/validators/check-project.sh
scratch=${SCAFFOLD_SCRATCH:-$root/.build-scaffold-e2e}
grpc_scratch=${GRPC_SCRATCH:-$root/.build-scaffold-grpc}
monolith_scratch=${MONOLITH_SCRATCH:-$root/.build-scaffold-monolith}
offset=${E2E_PORT_OFFSET:-10000}
work=${WORK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/check-scaffolds.XXXXXX")}
mkdir -p "$work"

failures=()
otlp_projects=${OTLP_PROJECTS:-all}
# The trait flags for a project: none (the default traits: OTLPExport on) when it is one of
# OTLP_PROJECTS, else --disable-default-traits (swift-otel is not built).
traits_for() { # PROJECT-NAME
  if [[ $otlp_projects == all || " $otlp_projects " == *" $1 "* ]]; then return; fi
  echo --disable-default-traits
}
exports() { [[ -z $(traits_for "$1") ]]; }
# fail, step, elapsed, wait_for_run_local, stop_run_local
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

run_local_pid=""
monolith_pid=""
cleanup() {
  local status=$?
  if [[ -n $run_local_pid ]] && kill -0 "$run_local_pid" 2>/dev/null; then
    stop_run_local "$run_local_pid" "$work/run"
  fi
  if [[ -n $monolith_pid ]]; then kill -TERM "$monolith_pid" 2>/dev/null || true; fi
  if [[ ${KEEP_WORK:-0} == 1 || -n ${WORK_DIR:-} ]]; then
    echo "check-scaffolds: projects kept in $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts the monolith's binary on loopback, sends one traced request with a request id,
# and checks the answer, its JSON log line (request id, continued trace) and /metrics.
check_monolith_run() { # BINARY
  local port=$((offset + 8080)) log=$work/monolith.log
  local trace_id=4bf92f3577b34da6a3ce929d0e0e4736 url
  url=http://127.0.0.1:$port
  if curl -s --max-time 2 -o /dev/null "$url/health"; then
    fail "monolith: something already answers on $url; set E2E_PORT_OFFSET"
    return
  fi
  APP_ENV=development HOST=127.0.0.1 PORT=$port "$1" >"$log" 2>&1 &
  monolith_pid=$!
  local deadline=$((SECONDS + 30))
  until curl -s --max-time 1 -o /dev/null "$url/health"; do
    if ((SECONDS >= deadline)) || ! kill -0 "$monolith_pid" 2>/dev/null; then
      fail "monolith: did not answer /health on $url within 30s (log: $log)"
      cat "$log" >&2
      kill -TERM "$monolith_pid" 2>/dev/null || true
      monolith_pid=""
      return
    fi
    sleep 0.2
  done
  local headers
  headers=$(curl -sS --max-time 10 -D - -o /dev/null -H "x-request-id: ci-req-1" \
    -H "traceparent: 00-$trace_id-00f067aa0ba902b7-01" "$url/product/1") || fail "monolith: curl /product/1 failed"
  grep -qi '^x-request-id: ci-req-1' <<<"$headers" || fail "monolith: the response does not return x-request-id ci-req-1"
  local metrics
  metrics=$(curl -sS --max-time 10 "$url/metrics") || fail "monolith: curl /metrics failed"
  grep -q '^hb_requests{http_route="/product/{id}",http_request_method="GET",http_response_status_code="200"} 1$' <<<"$metrics" \
    || fail "monolith: /metrics does not count the GET /product/{id} request"
  kill -TERM "$monolith_pid" 2>/dev/null || true
  wait "$monolith_pid" 2>/dev/null || true
  monolith_pid=""
  # The request's log line: one JSON object with the request id and the caller's trace.
  if python3 - "$log" "$trace_id" <<'PY'
import json, sys
log, trace = sys.argv[1], sys.argv[2]
lines = [json.loads(line) for line in open(log) if line.strip()]  # every line must be JSON
hits = [l for l in lines if l.get("message") == "request" and l.get("path") == "/product/1"]
ok = len(hits) == 1 and hits[0].get("request_id") == "ci-req-1" and hits[0].get("trace_id") == trace \
    and hits[0].get("parent_span_id") == "00f067aa0ba902b7" and hits[0].get("status") == 200
sys.exit(0 if ok else 1)
PY
  then
    echo "monolith: x-request-id returned, one JSON request line with request_id and trace_id, /metrics counts the request"
  else
    fail "monolith: the log is not JSON lines with one request line carrying request_id ci-req-1 and trace $trace_id"
    cat "$log" >&2
  fi
}

# --- 1. scaffold every fixture ---------------------------------------------------------
step "scaffolding every variant with $bin"
variants=()
while IFS=$'\t' read -r name architecture sync_protocol messaging aggregation mesh; do
  [[ -z $name || $name == \#* ]] && continue
  answers=$fixtures/$name.json
  [[ -f $answers ]] || { fail "$name: $answers is missing"; continue; }
  csv=$(cd "$root" && "$bin" evaluate "$answers" --format csv) || { fail "$name: evaluate failed"; continue; }
  row=$(printf '%s\n' "$csv" | sed -n 2p)
  # The contract's columns come first; the confidence and error columns follow.
  IFS=, read -r _ got_architecture got_sync got_messaging got_aggregation got_mesh _ <<<"$row"
  [[ $sync_protocol == - ]] && sync_protocol=""
  [[ $messaging == - ]] && messaging=""
  [[ $aggregation == - ]] && aggregation=""
  [[ $mesh == - ]] && mesh=""
  got="$got_architecture/$got_sync/$got_messaging/$got_aggregation/$got_mesh"
  expected="$architecture/$sync_protocol/$messaging/$aggregation/$mesh"
  if [[ $got != "$expected" ]]; then
    fail "$name: decided '$got', expected '$expected'"
    continue
  fi
  out=$work/$name
  if ! (cd "$root" && "$bin" scaffold --answers "$answers" --name shop --out "$out"); then
    fail "$name: scaffold failed"
    continue
  fi
  echo "$name: $architecture${sync_protocol:+ + $sync_protocol}${messaging:+ + $messaging}${aggregation:+ + $aggregation}${mesh:+ + $mesh} -> $(find "$out" -type f | wc -l | tr -d ' ') files"
  variants+=("$name")

  # Refusals: the directory is not empty now, and names must be DNS labels.
  before=$(cd "$out" && find . -type f -exec cksum {} + | sort)
  set +e
  (cd "$root" && "$bin" scaffold --answers "$answers" --name shop --out "$out") 2>/dev/null
  status=$?
  set -e
  after=$(cd "$out" && find . -type f -exec cksum {} + | sort)
  [[ $status == 4 ]] || fail "$name: scaffolding into a non-empty directory exited $status, expected 4"
  [[ $before == "$after" ]] || fail "$name: a refused scaffold changed the existing project"
  set +e
  (cd "$root" && "$bin" scaffold --answers "$answers" --name ../evil --out "$work/$name-bad") 2>/dev/null
  status=$?
  set -e
  [[ $status == 2 ]] || fail "$name: the name '../evil' exited $status, expected 2"
  [[ ! -e $work/$name-bad ]] || fail "$name: a refused name still wrote $work/$name-bad"
done <"$fixtures/expected.tsv"

# --- 2. validators ------------------------------------------------------------------------
step "validators (--deep: cross-references, kubectl kustomize, zizmor, checkov)"
if [[ -x $validators ]]; then
  # Two at a time (checkov is the slow part); the first run installs the tools alone.
  mkdir -p "$work/validators"
  validate() { "$validators" --deep --quiet "$work/$1" >"$work/validators/$1.log" 2>&1; echo $? >"$work/validators/$1.status"; }
  first=1
  for name in "${variants[@]}"; do
    if [[ $first == 1 ]]; then validate "$name"; first=0; continue; fi
    while (( $(jobs -rp | wc -l) >= 2 )); do wait -n || true; done
    validate "$name" &
  done
  wait
  for name in "${variants[@]}"; do
    summary=$(cat "$work/validators/$name.log")
    if [[ $(cat "$work/validators/$name.status") == 0 ]]; then
      echo "$name: $(printf '%s\n' "$summary" | tail -n 1)"
    else
      printf '%s\n' "$summary" >&2
      fail "$name: validators failed ($(printf '%s\n' "$summary" | tail -n 1))"
    fi
  done
else
  echo "validators: ../shared/validators not found beside the repository; skipping this step"
fi

if [[ ${SKIP_E2E:-0} == 1 ]]; then
  echo "end-to-end: skipped (SKIP_E2E=1)"
elif [[ ! -d $work/microservices ]]; then
  fail "end-to-end: no microservices project to build"
else
  # --- 3. build, test and run the microservices project -----------------------------------
  project=$work/microservices
  step "building and testing the microservices project (build folder $scratch)"
  start=$SECONDS
  read -r -a traits <<<"$(traits_for microservices)"
  echo "traits: ${traits[*]:-default (OTLPExport: spans exported with swift-otel)}"
  (cd "$project" && timeout 2400 swift build --quiet --build-tests --scratch-path "$scratch" "${traits[@]}") \
    || fail "microservices: swift build failed"
  echo "build: $(elapsed "$start")"
  start=$SECONDS
  (cd "$project" && timeout 600 swift test --skip-build --scratch-path "$scratch" "${traits[@]}") || fail "microservices: swift test failed"
  echo "test: $(elapsed "$start")"
  if exports microservices; then
    step "spans exported over OTLP (scripts/check-otlp.sh)"
    SKIP_BUILD=1 SCRATCH_PATH=$scratch WORK_DIR=$work/otlp-microservices PORT_OFFSET=$((offset + 2000)) \
      "$root/scripts/check-otlp.sh" "$project" || fail "microservices: scripts/check-otlp.sh failed"
  fi

  step "PostgreSQL: roles, migrations, restart and read back, two instances (scripts/check-persistence.sh)"
  start=$SECONDS
  CHECK_UNTRUSTED_CA=1 SCRATCH_PATH=$scratch PORT_OFFSET=$((offset - 7000)) "$root/scripts/check-persistence.sh" "$project" \
    || fail "microservices: scripts/check-persistence.sh failed"
  echo "persistence: $(elapsed "$start")"

  step "running the microservices project with scripts/run-local.sh (ports $((offset + 8080))...)"
  entry=http://127.0.0.1:$((offset + 8080))
  if curl -s --max-time 2 -o /dev/null "$entry/health"; then
    fail "end-to-end: something already answers on $entry; set E2E_PORT_OFFSET"
  else
    mkdir -p "$work/run"
    # SKIP_BUILD: run the binaries just built (a plain `swift build` after `--build-tests`
    # would compile everything again without testability).
    (cd "$project" && PORT_OFFSET=$offset SCRATCH_PATH=$scratch RUN_DIR=$work/run HEALTH_TIMEOUT=60 \
      SKIP_BUILD=1 exec scripts/run-local.sh) >"$work/run-local.out" 2>&1 &
    run_local_pid=$!
    up=0
    if wait_for_run_local "$run_local_pid" "$work/run-local.out" 180; then up=1; fi
    cat "$work/run-local.out"
    if [[ $up != 1 ]]; then
      fail "end-to-end: run-local.sh did not report the system running"
    else
      check_details() { # LABEL EXPECTED-MISSING(comma-separated or empty) [WITHIN-SECONDS]
        local label=$1 expected=$2 within=${3:-} body code seconds
        body=$(curl -sS --max-time 10 -w '\n%{http_code} %{time_total}' "$entry/product-details/1") \
          || { fail "$label: curl failed"; return; }
        read -r code seconds <<<"${body##*$'\n'}"
        body=${body%$'\n'*}
        echo "$label: HTTP $code in ${seconds}s: $body"
        [[ $code == 200 ]] || { fail "$label: HTTP $code, expected 200"; return; }
        if [[ -n $within ]] && ! python3 -c "import sys; sys.exit(0 if float('$seconds') < float('$within') else 1)"; then
          fail "$label: answered in ${seconds}s, not within the front door's ${within}s budget"
        fi
        python3 - "$expected" "$body" <<'PY' || fail "$label: unexpected answer"
import json, sys
expected = [p for p in sys.argv[1].split(",") if p]
body = json.loads(sys.argv[2])
parts = {"product", "inventory", "reviews"}
ok = (body.get("id") == "1" and body.get("missing") == expected
      and set(body.get("parts", {})) == parts - set(expected)
      and body.get("degraded") == bool(expected)
      and all(body["parts"][p].get("id") == "1" for p in body.get("parts", {})))
sys.exit(0 if ok else 1)
PY
      }
      check_details "merged" ""

      # One trace id across the fan-out: the aggregator's request and part lines and every
      # service's request line carry the traceparent's trace id.
      trace_id=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
      curl -sS --max-time 10 -o /dev/null -H "traceparent: 00-$trace_id-00f067aa0ba902b7-01" "$entry/product-details/1" \
        || fail "traced call: curl failed"
      sleep 0.5
      parts=$(grep "\"trace_id\":\"$trace_id\"" "$work/run/aggregator.log" | grep -c '"message":"part"' || true)
      echo "traced call: the aggregator logged $parts part lines with trace $trace_id"
      [[ $parts == 3 ]] || fail "traced call: $parts aggregator part lines carry the trace id, expected 3"
      for service in product inventory reviews; do
        grep -q "\"trace_id\":\"$trace_id\"" "$work/run/$service.log" \
          || fail "traced call: $service did not continue the trace (no log line with $trace_id)"
      done

      # The resilience budget on loopback: a part that accepts the connection and never
      # answers (reviews stopped with SIGSTOP) gives the degraded 200 after the aggregator's
      # part deadline, within the front door's timeout (k8s/base/gateway.yaml).
      reviews_pid=$(cat "$work/run/reviews.pid")
      budget_ms=$(sed -n 's/^ *request: \([0-9]*\)ms$/\1/p' "$work/microservices/k8s/base/gateway.yaml" | head -n 1)
      part_ms=$(sed -n 's/^ *var partTimeoutMilliseconds = \([0-9]*\)$/\1/p' "$work/microservices/Sources/AggregatorService/App+build.swift" | head -n 1)
      echo "budget: the aggregator's part deadline ${part_ms:-?} ms, the front door's timeout ${budget_ms:-?} ms"
      if [[ -z $budget_ms ]]; then fail "budget: no request timeout in k8s/base/gateway.yaml"; budget_ms=2000; fi
      kill -STOP "$reviews_pid"
      check_details "degraded (reviews stalled)" "reviews" "$(python3 -c "print($budget_ms / 1000)")"
      kill -CONT "$reviews_pid"
      kill -TERM "$reviews_pid"
      for _ in $(seq 1 100); do  # at most ~20s
        curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$((offset + 8083))/health" || break
        sleep 0.2
      done
      check_details "degraded (reviews stopped)" "reviews"
    fi
    stop_run_local "$run_local_pid" "$work/run"
    run_local_pid=""
    for pidfile in "$work/run"/*.pid; do
      if [[ -f $pidfile ]]; then fail "end-to-end: run-local.sh left $(basename "$pidfile" .pid) behind"; fi
    done
    if curl -s --max-time 1 -o /dev/null "$entry/health"; then
      fail "end-to-end: the aggregator still answers after run-local.sh stopped"
    fi
  fi

  if [[ ${BUILD_REST_EVENTS:-0} == 1 && -d $work/microservices-events ]]; then
    step "building and testing the microservices-events project (REST + async events)"
    start=$SECONDS
    read -r -a traits <<<"$(traits_for microservices-events)"
    if (cd "$work/microservices-events" && timeout 2400 swift build --quiet --build-tests --scratch-path "$scratch-events" "${traits[@]}" \
      && timeout 600 swift test --skip-build --scratch-path "$scratch-events" "${traits[@]}"); then
      echo "microservices-events build and test: $(elapsed "$start")"
      SKIP_BUILD=1 SCRATCH_PATH=$scratch-events "$root/scripts/check-events-e2e.sh" "$work/microservices-events" \
        || fail "microservices-events: scripts/check-events-e2e.sh failed"
    else
      fail "microservices-events: build or tests failed"
    fi
  fi

fi

# --- 4. the gRPC + events + Istio project: build, test, events end to end ------------------
if [[ ${SKIP_E2E:-0} == 1 || ${SKIP_GRPC:-0} == 1 ]]; then
  echo "gRPC and events: skipped (SKIP_E2E=1 or SKIP_GRPC=1)"
elif [[ ! -d $work/mesh-istio-grpc-events ]]; then
  fail "gRPC and events: no mesh-istio-grpc-events project to build"
else
  project=$work/mesh-istio-grpc-events
  step "building and testing the gRPC + events + Istio project (build folder $grpc_scratch)"
  for contract in "$project"/Protos/*/v1/*.proto "$project"/Protos/eventing/delivery/v1/delivery.proto; do
    [[ -f $contract ]] || fail "gRPC: missing contract $contract"
  done
  start=$SECONDS
  read -r -a traits <<<"$(traits_for mesh-istio-grpc-events)"
  echo "traits: ${traits[*]:-default (OTLPExport: spans exported with swift-otel)}"
  if (cd "$project" && timeout 2400 swift build --quiet --build-tests --scratch-path "$grpc_scratch" "${traits[@]}"); then
    echo "build: $(elapsed "$start")"
    start=$SECONDS
    (cd "$project" && timeout 600 swift test --skip-build --scratch-path "$grpc_scratch" "${traits[@]}") || fail "gRPC project: swift test failed"
    echo "test: $(elapsed "$start")"
    if exports mesh-istio-grpc-events; then
      step "spans exported over OTLP (scripts/check-otlp.sh)"
      start=$SECONDS
      SKIP_BUILD=1 SCRATCH_PATH=$grpc_scratch WORK_DIR=$work/otlp-grpc PORT_OFFSET=$((offset + 2000)) \
        "$root/scripts/check-otlp.sh" "$project" || fail "gRPC project: scripts/check-otlp.sh failed"
      echo "OTLP export: $(elapsed "$start")"
    fi
    step "events end to end (scripts/check-events-e2e.sh)"
    start=$SECONDS
    SKIP_BUILD=1 SCRATCH_PATH=$grpc_scratch "$root/scripts/check-events-e2e.sh" "$project" \
      || fail "events end to end: scripts/check-events-e2e.sh failed"
    echo "events end to end: $(elapsed "$start")"
    step "PostgreSQL: roles, migrations, restart and read back with events (scripts/check-persistence.sh)"
    start=$SECONDS
    SCRATCH_PATH=$grpc_scratch PORT_OFFSET=$((offset - 7000)) "$root/scripts/check-persistence.sh" "$project" \
      || fail "gRPC project: scripts/check-persistence.sh failed"
    echo "persistence: $(elapsed "$start")"
    step "gRPC round robin over two instances, grpc.health.v1 Check (scripts/check-grpc-balance.sh)"
    start=$SECONDS
    SCRATCH_PATH=$grpc_scratch E2E_PORT_OFFSET=$((offset - 5000)) "$root/scripts/check-grpc-balance.sh" "$project" \
      || fail "gRPC balance and health: scripts/check-grpc-balance.sh failed"
    echo "gRPC balance and health: $(elapsed "$start")"
  else
    fail "gRPC project: swift build failed"
  fi
fi

# --- 5. the modular monolith: build, test, run; JSON logs with request id, /metrics --------
if [[ ${SKIP_E2E:-0} == 1 || ${SKIP_MONOLITH:-0} == 1 ]]; then
  echo "monolith: skipped (SKIP_E2E=1 or SKIP_MONOLITH=1)"
elif [[ ! -d $work/monolith ]]; then
  fail "monolith: no monolith project to build"
else
  step "building, testing and running the monolith project (build folder $monolith_scratch)"
  start=$SECONDS
  read -r -a traits <<<"$(traits_for monolith)"
  echo "traits: ${traits[*]:-default (OTLPExport: spans exported with swift-otel)}"
  if (cd "$work/monolith" && timeout 2400 swift build --quiet --build-tests --scratch-path "$monolith_scratch" "${traits[@]}" \
    && timeout 600 swift test --skip-build --scratch-path "$monolith_scratch" "${traits[@]}"); then
    echo "monolith build and test: $(elapsed "$start")"
    check_monolith_run "$monolith_scratch/debug/shop"
    step "PostgreSQL: the monolith's role, migrations, restart and read back, two instances (scripts/check-persistence.sh)"
    start=$SECONDS
    SCRATCH_PATH=$monolith_scratch PORT_OFFSET=$((offset - 7000)) "$root/scripts/check-persistence.sh" "$work/monolith" \
      || fail "monolith: scripts/check-persistence.sh failed"
    echo "persistence: $(elapsed "$start")"
  else
    fail "monolith: build or tests failed"
  fi
fi

echo
if ((${#failures[@]} > 0)); then
  echo "check-scaffolds: ${#failures[@]} failure(s):"
  printf '  %s\n' "${failures[@]}"
  exit 1
fi
echo "check-scaffolds: all checks passed"
