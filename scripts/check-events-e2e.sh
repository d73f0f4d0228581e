#!/usr/bin/env bash
# End-to-end check of a generated project with async events (transactional outbox on
# PostgreSQL, relay, idempotent consumers), on loopback only.
#
#   scripts/check-events-e2e.sh PROJECT_DIR
#
# PROJECT_DIR is a project scaffolded with messaging async_events and an aggregation layer
# (REST or gRPC), e.g. from Tests/Fixtures/scaffold/mesh-istio-grpc-events.json. The script
#  1. finds PostgreSQL's initdb/pg_ctl (installs Debian's postgresql when missing and run as
#     root; as root the server runs as the postgres user), creates a throwaway cluster in a
#     temporary directory, listening on 127.0.0.1 only, and one database per service
#     and role per service (the project's deploy/postgres/init-roles.sh);
#  2. builds the project (unless SKIP_BUILD=1), runs its PostgreSQL tests
#     (PostgresEventStoreTests, `swift test` with TEST_DATABASE_URL on this cluster: claims
#     and leases, no transaction during a delivery, backoff, dead letters, retention; unless
#     SKIP_DB_TESTS=1) and starts it with scripts/run-local.sh, every service on its own
#     database, with RELAY_DELIVER_TWICE=1 (the relay delivers every event twice) and short
#     relay timeouts and backoffs;
#  3. places an item (POST /<first service> on the aggregator) with a known traceparent and
#     checks: 201; every consumer received the event twice (relay log) and applied it once
#     (exactly one processed_events row and one activity row per consumer); the outbox rows
#     are all delivered; the consumers' metrics count one applied and at least one
#     duplicate; the consumers' log lines carry the request's trace id; the details of the
#     new item merge every service (the consumers created their part);
#  4. stops one consumer (SIGSTOP: it accepts connections and never answers, the worst
#     case) and places two more items: the other consumers must receive them within
#     HEALTHY_LIMIT seconds (default 5), while the stopped one's outbox rows back off
#     (attempts > 0, last_error set, not dead); resumes it (SIGCONT) and checks it catches
#     up, every outbox row delivered;
#  5. checks that one GET /<first>-details/1 logs one trace id across the fan-out;
#  6. stops everything and deletes the cluster (also on failure or Ctrl-C).
#
# Environment:
#   SCRATCH_PATH     the project's SwiftPM build folder (default: PROJECT_DIR/.build)
#   SKIP_BUILD=1     run what an earlier `swift build` left in SCRATCH_PATH
#   E2E_PORT_OFFSET  added to the project's ports 8080... (default: 20000)
#   PG_PORT          PostgreSQL's port on 127.0.0.1 (default: 25432)
#   KEEP_WORK=1      keep the logs and the cluster directory
#   SKIP_DB_TESTS=1  do not run the project's PostgreSQL tests
set -euo pipefail

usage() { echo "usage: scripts/check-events-e2e.sh PROJECT_DIR" >&2; exit 2; }
[[ $# == 1 && -d $1 ]] || usage
project=$(cd "$1" && pwd)
[[ -d $project/Sources/Eventing && -x $project/deploy/postgres/init-roles.sh && -x $project/scripts/run-local.sh ]] \
  || { echo "check-events-e2e: $project is not an events project (no Sources/Eventing, deploy/postgres/init-roles.sh or scripts/run-local.sh)" >&2; exit 2; }
scratch=${SCRATCH_PATH:-$project/.build}
offset=${E2E_PORT_OFFSET:-20000}
pg_port=${PG_PORT:-25432}
entry=http://127.0.0.1:$((offset + 8080))

failures=()
# fail, step, wait_for_run_local, stop_run_local
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# pg_find_or_install
# shellcheck source=scripts/lib-postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib-postgres.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/check-events-e2e.XXXXXX")
chmod 755 "$work"
pgdata=$work/pgdata
run_local_pid=""
pg_started=0
stopped_pid=""

# --- PostgreSQL --------------------------------------------------------------------------
as_db_owner() { # CMD... (as the postgres user when root: the server refuses to run as root)
  if [[ $(id -u) == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cleanup() {
  local status=$?
  if [[ -n $stopped_pid ]]; then kill -CONT "$stopped_pid" 2>/dev/null || true; fi
  if [[ -n $run_local_pid ]]; then stop_run_local "$run_local_pid" "$work/run"; fi
  if [[ $pg_started == 1 ]]; then
    as_db_owner "$pg_bin/pg_ctl" -D "$pgdata" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
  if [[ ${KEEP_WORK:-0} == 1 ]]; then
    echo "check-events-e2e: logs and cluster kept in $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "PostgreSQL on 127.0.0.1:$pg_port"
pg_find_or_install "$work"
psql_bin=$pg_bin/psql
if (exec 3<>"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null; then
  echo "check-events-e2e: something already listens on 127.0.0.1:$pg_port; set PG_PORT" >&2
  exit 1
fi
if [[ $(id -u) == 0 ]]; then chown postgres: "$work"; fi
as_db_owner mkdir -p "$pgdata" "$work/socket"
as_db_owner "$pg_bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --no-instructions >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log" >&2; exit 1; }
# Loopback only, socket in the work directory, small and fast (the data is thrown away).
as_db_owner "$pg_bin/pg_ctl" -D "$pgdata" -l "$work/postgres.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work/socket -c fsync=off -c full_page_writes=off" start >/dev/null \
  || { cat "$work/postgres.log" >&2; exit 1; }
pg_started=1
psql_at() { # DATABASE SQL -> one value
  "$psql_bin" -h 127.0.0.1 -p "$pg_port" -U postgres -d "$1" -tA -v ON_ERROR_STOP=1 -c "$2"
}
# One role per service, owning its database (the project's deploy/postgres/init-roles.sh).
mapfile -t databases < <(sed -n 's/^create_owner \([a-z0-9_]*\) .*/\1/p' "$project/deploy/postgres/init-roles.sh")
for db in "${databases[@]}"; do export "${db^^}_DB_PASSWORD=$db-e2e"; done
PATH=$pg_bin:$PATH PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=postgres "$project/deploy/postgres/init-roles.sh" >/dev/null
((${#databases[@]} >= 2)) || { echo "check-events-e2e: the project needs at least two services" >&2; exit 1; }
publisher_db=${databases[0]}
consumer_dbs=("${databases[@]:1}")
echo "databases: ${databases[*]} (publisher: $publisher_db)"

# --- build and run --------------------------------------------------------------------------
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  step "building $project (build folder $scratch)"
  start=$SECONDS
  (cd "$project" && timeout 2400 swift build --quiet --scratch-path "$scratch")
  echo "build: $((SECONDS - start))s"
fi

if [[ ${SKIP_DB_TESTS:-0} != 1 ]]; then
  step "the project's PostgreSQL tests (TEST_DATABASE_URL on this cluster)"
  start=$SECONDS
  test_url="postgres://postgres@127.0.0.1:$pg_port/postgres?sslmode=disable"
  if (cd "$project" && TEST_DATABASE_URL=$test_url timeout 2400 swift test --scratch-path "$scratch" \
    --filter PostgresEventStoreTests) >"$work/db-tests.log" 2>&1; then
    grep -E '(✔|✘|➜) (Test|Suite)' "$work/db-tests.log" | grep PostgresEventStore || true
    if grep -q 'skipped' "$work/db-tests.log" || ! grep -q '✔ Test ' "$work/db-tests.log"; then
      fail "PostgresEventStoreTests did not run (skipped or none found)"
    fi
    echo "PostgreSQL tests: $(grep -cE '✔ Test [a-zA-Z]+\(\) passed' "$work/db-tests.log") passed in $((SECONDS - start))s"
  else
    tail -n 60 "$work/db-tests.log" >&2
    fail "the project's PostgreSQL tests failed (swift test --filter PostgresEventStoreTests)"
  fi
fi

details_path=$(sed -n 's|.*try: curl http://127.0.0.1:[^/]*/\([a-z0-9-]*\)/1".*|\1|p' "$project/scripts/run-local.sh" | head -n 1)
[[ $details_path == *-details ]] || { echo "check-events-e2e: $project has no aggregation layer (no details route)" >&2; exit 1; }
publisher=${details_path%-details}

step "starting the system (ports $((offset + 8080))..., RELAY_DELIVER_TWICE=1)"
if curl -s --max-time 2 -o /dev/null "$entry/health"; then
  echo "check-events-e2e: something already answers on $entry; set E2E_PORT_OFFSET" >&2
  exit 1
fi
mkdir -p "$work/run"
database_env=()
for db in "${databases[@]}"; do
  database_env+=("${db^^}_DATABASE_URL=postgres://$db:$db-e2e@127.0.0.1:$pg_port/$db?sslmode=disable")
done
# Short timeouts and backoffs, so that a stopped consumer's rows back off and catch up
# within seconds.
(cd "$project" && exec env "${database_env[@]}" RELAY_DELIVER_TWICE=1 RELAY_INTERVAL_MS=200 \
  RELAY_DELIVERY_TIMEOUT_MS=1500 RELAY_LEASE_MS=10000 RELAY_BACKOFF_BASE_MS=200 RELAY_BACKOFF_CAP_MS=2000 \
  RELAY_STATS_INTERVAL_MS=1000 \
  PORT_OFFSET="$offset" SCRATCH_PATH="$scratch" RUN_DIR="$work/run" HEALTH_TIMEOUT=60 SKIP_BUILD=1 \
  scripts/run-local.sh) >"$work/run-local.out" 2>&1 &
run_local_pid=$!
up=0
if wait_for_run_local "$run_local_pid" "$work/run-local.out" 120; then up=1; fi
cat "$work/run-local.out"
if [[ $up != 1 ]]; then
  for log in "$work/run"/*.log; do echo "--- $log"; tail -n 20 "$log"; done >&2
  echo "check-events-e2e: the system did not come up" >&2
  exit 1
fi

# --- place an item, with the relay delivering every event twice -------------------------------
step "placing $publisher e2e-1 (one event for ${#consumer_dbs[@]} consumers, each delivered twice)"
trace_id=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
traceparent="00-$trace_id-00f067aa0ba902b7-01"
item=e2e-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
code=$(curl -sS --max-time 10 -o "$work/post.json" -w '%{http_code}' -X POST "$entry/$publisher" \
  -H 'content-type: application/json' -H "traceparent: $traceparent" -H 'x-request-id: e2e-place' \
  -d "{\"id\": \"$item\", \"name\": \"e2e $publisher\"}") || code=curl-failed
echo "POST /$publisher: HTTP $code $(cat "$work/post.json" 2>/dev/null)"
[[ $code == 201 ]] || fail "placing $item: HTTP $code, expected 201"

# Every consumer applied it (bounded wait), and the relay sent both deliveries.
deadline=$((SECONDS + 30))
while ((SECONDS < deadline)); do
  done_count=0
  for db in "${consumer_dbs[@]}"; do
    n=$(psql_at "$db" "SELECT count(*) FROM activity WHERE subject = '$item'" 2>/dev/null || echo 0)
    [[ $n -ge 1 ]] && done_count=$((done_count + 1))
  done
  again=$(grep -c "event delivered again" "$work/run/$publisher.log" || true)
  if ((done_count == ${#consumer_dbs[@]} && again >= ${#consumer_dbs[@]})); then break; fi
  sleep 0.3
done
delivered=$(grep -c '"message":"event delivered"' "$work/run/$publisher.log" || true)
again=$(grep -c "event delivered again" "$work/run/$publisher.log" || true)
echo "relay: $delivered first deliveries, $again second deliveries"
((delivered >= ${#consumer_dbs[@]} && again >= ${#consumer_dbs[@]})) \
  || fail "the relay did not deliver the event twice to every consumer ($delivered + $again)"

port_of() { # DATABASE -> the HTTP port of its service (services are numbered from 8081)
  local i
  for i in "${!databases[@]}"; do
    if [[ ${databases[$i]} == "$1" ]]; then echo $((offset + 8081 + i)); return; fi
  done
}
for db in "${consumer_dbs[@]}"; do
  activity=$(psql_at "$db" "SELECT count(*) FROM activity WHERE subject = '$item'")
  processed=$(psql_at "$db" "SELECT count(*) FROM processed_events p JOIN activity a USING (event_id) WHERE a.subject = '$item'")
  event_trace=$(psql_at "$db" "SELECT coalesce(traceparent, '') FROM activity WHERE subject = '$item' LIMIT 1")
  echo "$db: activity rows $activity, processed_events rows $processed, traceparent $event_trace"
  [[ $activity == 1 ]] || fail "$db applied the event $activity times, expected exactly 1"
  [[ $processed == 1 ]] || fail "$db recorded the event $processed times in processed_events, expected 1"
  [[ $event_trace == 00-$trace_id-* ]] || fail "$db: the event did not carry the request's trace ($event_trace)"
  metrics=$(curl -sS --max-time 5 "http://127.0.0.1:$(port_of "$db")/metrics" || true)
  applied=$(printf '%s\n' "$metrics" | sed -n 's/^events_received_total{.*result="applied".*} \([0-9.]*\)$/\1/p' | head -n 1)
  duplicate=$(printf '%s\n' "$metrics" | sed -n 's/^events_received_total{.*result="duplicate".*} \([0-9.]*\)$/\1/p' | head -n 1)
  echo "$db: metrics events_received_total applied=${applied:-none} duplicate=${duplicate:-none}"
  [[ ${applied:-0} == 1 ]] || fail "$db: events_received_total{result=applied} is ${applied:-missing}, expected 1"
  [[ ${duplicate:-0} -ge 1 ]] || fail "$db: no duplicate delivery counted (events_received_total{result=duplicate} ${duplicate:-missing})"
done
outbox=$(psql_at "$publisher_db" "SELECT count(*) || ' rows, ' || count(delivered_at) || ' delivered' FROM outbox WHERE payload->>'subject' = '$item'")
echo "$publisher_db outbox: $outbox"
[[ $outbox == "${#consumer_dbs[@]} rows, ${#consumer_dbs[@]} delivered" ]] \
  || fail "outbox of $publisher_db: $outbox, expected one delivered row per consumer"

for name in "${databases[@]}"; do
  log="$work/run/${name//_/-}.log"
  if grep -q "\"trace_id\":\"$trace_id\"" "$log"; then
    echo "${name//_/-}: logs the request's trace id"
  else
    fail "${name//_/-}: no log line with the request's trace id $trace_id"
  fi
done

body=$(curl -sS --max-time 10 "$entry/$details_path/$item" || true)
echo "GET /$details_path/$item: $body"
python3 - "$body" "${#databases[@]}" <<'PY' || fail "the details of $item do not merge every service"
import json, sys
body = json.loads(sys.argv[1])
sys.exit(0 if body.get("missing") == [] and len(body.get("parts", {})) == int(sys.argv[2]) else 1)
PY

# --- one consumer stopped: the others keep receiving ------------------------------------------
victim_db=${consumer_dbs[0]}
victim=${victim_db//_/-}
healthy_dbs=("${consumer_dbs[@]:1}")
step "stopping $victim (SIGSTOP): ${healthy_dbs[*]:-no other consumer} must keep receiving"
place() { # ITEM -> HTTP status of POST /<publisher>
  curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -X POST "$entry/$publisher" \
    -H 'content-type: application/json' -d "{\"id\": \"$1\", \"name\": \"e2e $publisher\"}" || echo curl-failed
}
applied_everywhere() { # ITEM DATABASE... -> 0 when every DATABASE applied ITEM
  local item=$1 db
  shift
  for db in "$@"; do
    [[ $(psql_at "$db" "SELECT count(*) FROM activity WHERE subject = '$item'" 2>/dev/null || echo 0) -ge 1 ]] || return 1
  done
}
now_ms() { date +%s%3N; }
stopped_pid=$(cat "$work/run/$victim.pid")
kill -STOP "$stopped_pid"
healthy_limit=${HEALTHY_LIMIT:-5}
outage_items=()
for n in 2 3; do
  item_n=e2e-$n-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
  outage_items+=("$item_n")
  start_ms=$(now_ms)
  code=$(place "$item_n")
  [[ $code == 201 ]] || fail "placing $item_n with $victim stopped: HTTP $code, expected 201"
  received=0
  while (($(now_ms) - start_ms < healthy_limit * 1000)); do
    if applied_everywhere "$item_n" "${healthy_dbs[@]}"; then received=1; break; fi
    sleep 0.1
  done
  took=$(($(now_ms) - start_ms))
  if [[ $received == 1 ]]; then
    echo "$item_n: applied by ${healthy_dbs[*]:-nobody else} ${took}ms after the POST, $victim stopped"
  else
    fail "$item_n: not applied by ${healthy_dbs[*]} within ${healthy_limit}s while $victim was stopped"
  fi
done
# The stopped consumer's rows: attempted (the delivery timed out), backing off, not dead.
deadline=$((SECONDS + 15))
backing_off=""
while ((SECONDS < deadline)); do
  backing_off=$(psql_at "$publisher_db" "SELECT count(*) FILTER (WHERE attempts > 0) || ' attempted, ' || count(*) FILTER (WHERE dead_at IS NOT NULL) || ' dead, ' || count(delivered_at) || ' delivered, max attempts ' || coalesce(max(attempts), 0) || ', last error: ' || coalesce(max(last_error), '-') FROM outbox WHERE destination = '$victim' AND payload->>'subject' IN ('${outage_items[0]}', '${outage_items[1]}')")
  [[ $backing_off == 0\ attempted* ]] || break
  sleep 0.3
done
echo "$victim's outage rows: $backing_off"
[[ $backing_off != 0\ attempted* ]] || fail "$victim's rows were never attempted while it was stopped ($backing_off)"
[[ $backing_off == *" 0 dead, 0 delivered"* ]] || fail "$victim's rows should back off, neither dead nor delivered: $backing_off"
metrics=$(curl -sS --max-time 5 "http://127.0.0.1:$(port_of "$publisher_db")/metrics" || true)
failed_metric=$(printf '%s\n' "$metrics" | sed -n "s/^outbox_deliveries_total{.*destination=\"$victim\".*result=\"failed\".*} \([0-9.]*\)$/\1/p;s/^outbox_deliveries_total{.*result=\"failed\".*destination=\"$victim\".*} \([0-9.]*\)$/\1/p" | head -n 1)
pending_metric=$(printf '%s\n' "$metrics" | grep -E "^outbox_rows\{" | grep "\"$victim\"" | grep '"pending"' | sed 's/.* //' | head -n 1)
echo "$publisher metrics: outbox_deliveries_total{destination=$victim,result=failed} ${failed_metric:-none}, outbox_rows{destination=$victim,state=pending} ${pending_metric:-none}"
[[ -n $failed_metric ]] || fail "$publisher: no outbox_deliveries_total{result=failed} for $victim in /metrics"
[[ -n $pending_metric ]] || fail "$publisher: no outbox_rows{state=pending} gauge for $victim in /metrics"

step "resuming $victim (SIGCONT): it must catch up"
kill -CONT "$stopped_pid"
stopped_pid=""
start_ms=$(now_ms)
caught_up=0
while (($(now_ms) - start_ms < 30000)); do
  if applied_everywhere "${outage_items[0]}" "$victim_db" && applied_everywhere "${outage_items[1]}" "$victim_db"; then caught_up=1; break; fi
  sleep 0.2
done
echo "$victim: caught up in $(($(now_ms) - start_ms))ms after SIGCONT"
[[ $caught_up == 1 ]] || fail "$victim did not apply ${outage_items[*]} within 30s of resuming"
deadline=$((SECONDS + 15))
while ((SECONDS < deadline)); do
  undelivered=$(psql_at "$publisher_db" "SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
  [[ $undelivered == 0 ]] && break
  sleep 0.3
done
echo "$publisher_db outbox: $undelivered rows not delivered, $(psql_at "$publisher_db" "SELECT count(*) FROM outbox WHERE dead_at IS NOT NULL") dead"
[[ $undelivered == 0 ]] || fail "$publisher_db: $undelivered outbox rows not delivered after $victim resumed"
for db in "${consumer_dbs[@]}"; do
  for item_n in "${outage_items[@]}"; do
    n=$(psql_at "$db" "SELECT count(*) FROM activity WHERE subject = '$item_n'")
    [[ $n == 1 ]] || fail "$db applied $item_n $n times, expected exactly 1"
  done
done

# --- one trace id across the aggregation layer's fan-out ---------------------------------------
step "one trace id across the fan-out of GET /$details_path/1"
fanout_trace=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
curl -sS --max-time 10 -o /dev/null -H "traceparent: 00-$fanout_trace-00f067aa0ba902b7-01" "$entry/$details_path/1" \
  || fail "GET /$details_path/1 failed"
sleep 0.5
parts=$(grep "\"trace_id\":\"$fanout_trace\"" "$work/run/aggregator.log" | grep -c '"message":"part"' || true)
echo "aggregator: $parts part lines with trace $fanout_trace"
((parts == ${#databases[@]})) || fail "the aggregator logged $parts part lines with the request's trace id, expected ${#databases[@]}"
grep "\"trace_id\":\"$fanout_trace\"" "$work/run/aggregator.log" | head -n 4
for name in "${databases[@]}"; do
  grep -q "\"trace_id\":\"$fanout_trace\"" "$work/run/${name//_/-}.log" \
    || fail "${name//_/-}: the fan-out call did not continue the trace $fanout_trace"
done

echo
if ((${#failures[@]} > 0)); then
  for log in "$work/run"/*.log; do echo "--- $log (last 15 lines)"; tail -n 15 "$log"; done >&2
  echo "check-events-e2e: ${#failures[@]} failure(s):"
  printf '  %s\n' "${failures[@]}"
  exit 1
fi
echo "check-events-e2e: all checks passed"
