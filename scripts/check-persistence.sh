#!/usr/bin/env bash
# Checks that a generated project keeps its data in PostgreSQL, on loopback only.
#
#   scripts/check-persistence.sh PROJECT_DIR
#
# PROJECT_DIR is a scaffolded project already built (with its tests) in SCRATCH_PATH. The
# script
#  1. starts a throwaway PostgreSQL on localhost (TLS with a CA made here, SCRAM passwords;
#     scripts/lib-postgres.sh) and runs the project's deploy/postgres/init-roles.sh with a
#     random password per role; checks that no role is a superuser, each role connects to
#     its own database and is refused by every other one;
#  2. runs the project's tests with TEST_DATABASE_URL (its own role, sslmode=verify-full
#     with the CA): the migrator and repository tests against the real server;
#  3. checks that a service started in production mode without DATABASE_URL exits with
#     status 78 and says why; with CHECK_UNTRUSTED_CA=1 also that sslmode=verify-full
#     against the system CA bundle (which does not hold this CA) does not start (about a
#     minute: postgres-nio's pool retries before it gives up);
#  4. starts the project on its databases (microservices: scripts/run-local.sh with one
#     <SERVICE>_DATABASE_URL per service; the monolith: its binary with DATABASE_URL), every
#     URL with sslmode=verify-full; creates an item (with events: through the aggregation
#     layer, and waits until every consumer applied the event), stops everything, starts it
#     again and reads the item back (with events: every service's part of it);
#  5. (REST and monolith) starts a second instance of the first service on the same
#     database and checks that each instance reads what the other one wrote;
#  6. (as root) checks that sslmode=verify-full without sslrootcert (the READMEs' default:
#     the runtime image's CA bundle, /etc/ssl/certs/ca-certificates.crt) starts the first
#     service and connects over TLS when that bundle holds the CA: the system bundle plus
#     this run's CA, bind-mounted over it in a private mount namespace of the service's own
#     (the machine's bundle is not touched);
#  7. stops everything and deletes the cluster (also on failure or Ctrl-C).
#
# Environment:
#   SCRATCH_PATH     the project's SwiftPM build folder (default: PROJECT_DIR/.build)
#   PORT_OFFSET      added to the project's ports 8080... (default: 3000; keep every port
#                    below the kernel's ephemeral range, 32768 and up on Linux, where an
#                    outgoing connection may hold it)
#   PG_PORT          PostgreSQL's port (default: 26432)
#   CHECK_UNTRUSTED_CA=1  also step 3's certificate check
#   KEEP_WORK=1      keep the logs and the cluster directory
set -euo pipefail

usage() { echo "usage: scripts/check-persistence.sh PROJECT_DIR" >&2; exit 2; }
[[ $# == 1 && -d $1 ]] || usage
project=$(cd "$1" && pwd)
roles_script=$project/deploy/postgres/init-roles.sh
[[ -x $roles_script ]] || { echo "check-persistence: $project has no deploy/postgres/init-roles.sh" >&2; exit 2; }
scratch=${SCRATCH_PATH:-$project/.build}
offset=${PORT_OFFSET:-3000}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

failures=()
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
# shellcheck source=scripts/lib-postgres.sh
source "$root/scripts/lib-postgres.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/check-persistence.XXXXXX")
chmod 755 "$work"
pids=()
run_local_pids=()
cleanup() {
  local status=$?
  local pid
  for pid in "${run_local_pids[@]}"; do stop_run_local "$pid" "$work/run-$pid"; done
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  pg_stop
  if [[ ${KEEP_WORK:-0} == 1 ]]; then echo "check-persistence: logs kept in $work"; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bin=$(cd "$project" && swift build --scratch-path "$scratch" --show-bin-path)

# --- 1. PostgreSQL, one role per database --------------------------------------------------
step "PostgreSQL on localhost:${PG_PORT:-26432} (TLS, SCRAM), roles from deploy/postgres/init-roles.sh"
pg_start "$work" "${PG_PORT:-26432}"
ca=$work/tls/ca.crt
# create_owner DATABASE "${PREFIX_DB_PASSWORD:?...}" -> DATABASE PREFIX
mapfile -t owners < <(sed -n 's/^create_owner \([a-z0-9_]*\) "\${\([A-Z0-9_]*\)_DB_PASSWORD.*/\1 \2/p' "$roles_script")
((${#owners[@]} >= 1)) || { echo "check-persistence: no create_owner lines in $roles_script" >&2; exit 1; }
declare -A password url_of
for owner in "${owners[@]}"; do
  read -r database prefix <<<"$owner"
  password[$prefix]=$(openssl rand -hex 12)
  export "${prefix}_DB_PASSWORD=${password[$prefix]}"
  url_of[$prefix]="postgres://$database:${password[$prefix]}@localhost:$pg_port/$database?sslmode=verify-full&sslrootcert=$ca"
done
PATH=$pg_bin:$PATH PGHOST=localhost PGPORT=$pg_port PGUSER=postgres PGPASSWORD=$pg_superuser_password "$roles_script"
superusers=$(pg_psql postgres -tAc "SELECT count(*) FROM pg_roles WHERE rolsuper AND rolname <> 'postgres'")
[[ $superusers == 0 ]] || fail "roles: $superusers application role(s) are superusers"
for owner in "${owners[@]}"; do
  read -r database prefix <<<"$owner"
  ssl=$(PGPASSWORD=${password[$prefix]} "$psql_bin" "host=localhost port=$pg_port user=$database dbname=$database sslmode=verify-full sslrootcert=$ca" \
    -tAc "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()" 2>&1) || ssl="failed: $ssl"
  [[ $ssl == t ]] || fail "roles: $database cannot connect to its own database over TLS ($ssl)"
  for other in "${owners[@]}"; do
    read -r other_database _ <<<"$other"
    [[ $other_database == "$database" ]] && continue
    if out=$(PGPASSWORD=${password[$prefix]} "$psql_bin" "host=localhost port=$pg_port user=$database dbname=$other_database sslmode=require" -tAc "SELECT 1" 2>&1); then
      fail "roles: $database may connect to $other_database"
    elif ! grep -q "permission denied for database" <<<"$out"; then
      fail "roles: $database to $other_database failed for another reason: $out"
    fi
  done
done
echo "roles: ${#owners[@]}, none a superuser; each reaches its own database over TLS (verify-full) and no other"

read -r first_database first_prefix <<<"${owners[0]}"

# --- 2. the project's tests on the real server ---------------------------------------------
step "the project's tests with TEST_DATABASE_URL (role $first_database, verify-full)"
start=$SECONDS
# PostgresEventStoreTests create databases of their own (scripts/check-events-e2e.sh runs
# them as a superuser); here every test runs as the service's role.
if (cd "$project" && TEST_DATABASE_URL=${url_of[$first_prefix]} timeout 600 swift test --skip-build --scratch-path "$scratch" \
  --skip PostgresEventStoreTests) >"$work/test.log" 2>&1; then
  ran=$(grep -cE '^✔ Test (replicasShareTheDatabase|appliesEachVersionOnce|replicasStartingTogetherMigrateOnce|aFailingMigrationLeavesNothingBehind)\(\)' "$work/test.log" || true)
  skipped=$(grep -cE '^➜ .*skipped|skipped' "$work/test.log" || true)
  echo "tests passed in $(elapsed "$start"): $(grep -E '^✔ Test run with' "$work/test.log" | tail -n 1); database tests passed: $ran"
  # The three migrator tests everywhere, and the repositories' where they are PostgreSQL
  # repositories (with events the items live in the event store, tested by check-events-e2e).
  want=3
  if grep -q 'func replicasShareTheDatabase' -r "$project/Tests"; then want=$((3 + $(grep -l 'func replicasShareTheDatabase' -r "$project/Tests" | wc -l))); fi
  ((ran >= want)) || fail "tests: $ran of the $want database tests ran against PostgreSQL (skipped lines: $skipped)"
else
  tail -n 40 "$work/test.log" >&2
  fail "tests: swift test with TEST_DATABASE_URL failed"
fi

# --- how to start what --------------------------------------------------------------------
if [[ -x $project/scripts/run-local.sh ]]; then
  kind=microservices
  # database_url_var=PREFIX_DATABASE_URL ... start NAME $((offset + PORT))
  mapfile -t starts < <(awk '/^database_url_var=/ { sub(/database_url_var=/, ""); sub(/_DATABASE_URL$/, ""); prefix = $0 }
    /^start [a-z]/ && prefix != "" { match($0, /offset \+ [0-9]+/); print prefix, $2, substr($0, RSTART + 9, RLENGTH - 9); prefix = "" }' "$project/scripts/run-local.sh")
  read -r _ first_service first_port <<<"${starts[0]}"
  first_binary=$first_service
  # shellcheck disable=SC2016
  aggregator_port=$(sed -n 's/^start aggregator \$((offset + \([0-9]*\))).*/\1/p' "$project/scripts/run-local.sh")
  events=0
  if [[ -d $project/Sources/Eventing ]]; then events=1; fi
else
  kind=monolith
  first_binary=$(sed -n 's/.*\.executable(name: "\([^"]*\)".*/\1/p' "$project/Package.swift" | head -n 1)
  first_port=8080
  first_service=$(sed -n 's/^curl http:\/\/127.0.0.1:8080\/\([a-z0-9-]*\)\/1$/\1/p' "$project/README.md" | head -n 1)
  aggregator_port=""
  events=0
fi
echo "project: $kind, first service $first_service (binary $first_binary), events: $events"

# --- 3. refusing to start -----------------------------------------------------------------
step "production without a database, and a certificate nobody vouches for"
status=0
env -u DATABASE_URL -u APP_ENV HOST=127.0.0.1 PORT=$((offset + 7000)) timeout 20 "$bin/$first_binary" >"$work/refuse.log" 2>&1 || status=$?
if [[ $status == 78 ]] && grep -q "DATABASE_URL is not set" "$work/refuse.log"; then
  echo "no DATABASE_URL in production: exit 78, \"$(head -c 120 "$work/refuse.log")...\""
else
  fail "no DATABASE_URL in production: exit $status, not 78 with a message ($(head -c 300 "$work/refuse.log"))"
fi
if [[ ${CHECK_UNTRUSTED_CA:-0} == 1 ]]; then
  status=0
  system_ca_url=${url_of[$first_prefix]/sslrootcert=$ca/sslrootcert=/etc/ssl/certs/ca-certificates.crt}
  if [[ ! -f /etc/ssl/certs/ca-certificates.crt ]]; then system_ca_url=${url_of[$first_prefix]%%&sslrootcert=*}; fi
  start=$SECONDS
  DATABASE_URL=$system_ca_url HOST=127.0.0.1 PORT=$((offset + 7001)) timeout 120 "$bin/$first_binary" >"$work/bad-ca.log" 2>&1 || status=$?
  if [[ $status == 69 ]] && grep -q CERTIFICATE_VERIFY_FAILED "$work/bad-ca.log"; then
    echo "verify-full with the system CA bundle against this CA: CERTIFICATE_VERIFY_FAILED, exit 69 after $(elapsed "$start")"
  else
    fail "verify-full with a CA that did not sign the server's certificate: exit $status (want 69, CERTIFICATE_VERIFY_FAILED)"
  fi
fi

# --- starting and stopping ---------------------------------------------------------------
start_project() { # NAME PORT_OFFSET [ONLY]  -> pid in started_pid
  local name=$1 port_offset=$2 only=${3:-}
  if [[ $kind == microservices ]]; then
    local out=$work/$name.out
    local start_env=()
    local entry
    for entry in "${starts[@]}"; do
      local prefix
      read -r prefix _ _ <<<"$entry"
      start_env+=("${prefix}_DATABASE_URL=${url_of[$prefix]}")
    done
    (cd "$project" && env "${start_env[@]}" ONLY="$only" PORT_OFFSET="$port_offset" SCRATCH_PATH="$scratch" \
      RUN_DIR="$work/run-$name" HEALTH_TIMEOUT=60 SKIP_BUILD=1 scripts/run-local.sh) >"$out" 2>&1 &
    started_pid=$!
    if ! wait_for_run_local "$started_pid" "$out" 120; then
      cat "$out" >&2
      tail -n 20 "$work/run-$name"/*.log >&2 || true
      fail "$name: the project did not start"
      return 1
    fi
    mv "$work/run-$name" "$work/run-$started_pid"
    run_local_pids+=("$started_pid")
  else
    DATABASE_URL=${url_of[$first_prefix]} HOST=127.0.0.1 PORT=$((port_offset + first_port)) "$bin/$first_binary" >"$work/$name.log" 2>&1 &
    started_pid=$!
    pids+=("$started_pid")
    local deadline=$((SECONDS + 60))
    until curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$((port_offset + first_port))/health"; do
      if ((SECONDS >= deadline)) || ! kill -0 "$started_pid" 2>/dev/null; then
        cat "$work/$name.log" >&2
        fail "$name: the monolith did not answer /health"
        return 1
      fi
      sleep 0.2
    done
  fi
}

stop_project() { # PID
  local pid=$1 kept=() p
  if [[ $kind == microservices ]]; then
    stop_run_local "$pid" "$work/run-$pid"
    for p in "${run_local_pids[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
    run_local_pids=("${kept[@]}")
  else
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for p in "${pids[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
    pids=("${kept[@]}")
  fi
}

http() { # METHOD URL [BODY] -> "CODE BODY"
  local code
  if [[ $1 == POST ]]; then
    code=$(curl -sS --max-time 10 -o "$work/http.out" -w '%{http_code}' -X POST -H 'content-type: application/json' -d "$3" "$2") || code=000
  else
    code=$(curl -sS --max-time 10 -o "$work/http.out" -w '%{http_code}' "$2") || code=000
  fi
  echo "$code $(cat "$work/http.out" 2>/dev/null)"
}

item_id=kept-$RANDOM
if [[ $events == 1 && -n $aggregator_port ]]; then
  write_url=http://127.0.0.1:$((offset + aggregator_port))/$first_service
  read_url=http://127.0.0.1:$((offset + aggregator_port))/$first_service-details/$item_id
else
  write_url=http://127.0.0.1:$((offset + first_port))/$first_service
  read_url=$write_url/$item_id
fi

# Reads the item back; with events every service's part must be there (the consumers
# created theirs from the event), without errors.
read_back() { # WHAT [quiet]: quiet records no failure (for polling)
  local answer
  answer=$(http GET "$read_url")
  if [[ $events == 1 ]]; then
    python3 - "$answer" "$item_id" <<'PY'
import json, sys
code, _, body = sys.argv[1].partition(" ")
item = sys.argv[2]
try:
    data = json.loads(body)
except ValueError:
    sys.exit(1)
ok = code == "200" and not data.get("errors") and item in body and "persisted" in body
sys.exit(0 if ok else 1)
PY
  else
    [[ $answer == "200 "* && $answer == *"$item_id"* && $answer == *persisted* ]]
  fi || { [[ ${2:-} == quiet ]] || fail "$1: $read_url answered $answer"; return 1; }
  echo "$1: $read_url -> ${answer:0:160}"
}

# --- 4. create, restart everything, read back ----------------------------------------------
step "create an item, restart everything, read it back ($kind)"
start_project first "$offset"
first_pid=$started_pid
answer=$(http POST "$write_url" "{\"id\": \"$item_id\", \"name\": \"persisted $first_service\"}")
[[ $answer == 201* ]] || fail "create: POST $write_url answered $answer"
echo "created: POST $write_url -> ${answer:0:120}"
if [[ $events == 1 ]]; then
  deadline=$((SECONDS + 30))
  until read_back "before the restart" quiet; do
    if ((SECONDS >= deadline)); then read_back "before the restart" || true; break; fi
    sleep 0.5
  done
else
  read_back "before the restart" || true
fi
migrated_before=$(cat "$work"/run-"$first_pid"/*.log "$work"/first.log 2>/dev/null | grep -c '"message":"migrated"' || true)
stop_project "$first_pid"
start_project again "$offset"
again_pid=$started_pid
read_back "after the restart" || true
migrated_after=$(cat "$work"/run-"$again_pid"/*.log "$work"/again.log 2>/dev/null | grep -c '"message":"migrated"' || true)
echo "migrations applied: $migrated_before on the first start, $migrated_after on the second"
((migrated_before >= 1)) || fail "migrations: the first start logged no migration"
((migrated_after == 0)) || fail "migrations: the second start applied $migrated_after migration(s) again"

# --- 5. two instances, one database -----------------------------------------------------------
if [[ $events == 0 ]]; then
  step "a second instance of $first_service on the same database"
  start_project second $((offset + 100)) "$first_service"
  second_pid=$started_pid
  a=http://127.0.0.1:$((offset + first_port))/$first_service
  b=http://127.0.0.1:$((offset + 100 + first_port))/$first_service
  answer=$(http GET "$b/$item_id")
  [[ $answer == "200 "*"$item_id"* ]] || fail "two instances: B does not read what A wrote ($answer)"
  answer=$(http POST "$b" "{\"id\": \"$item_id-b\", \"name\": \"persisted by B\"}")
  [[ $answer == 201* ]] || fail "two instances: POST to B answered $answer"
  answer=$(http GET "$a/$item_id-b")
  [[ $answer == "200 "*"persisted by B"* ]] || fail "two instances: A does not read what B wrote ($answer)"
  answer=$(http POST "$a" "{\"id\": \"$item_id-b\", \"name\": \"again\"}")
  [[ $answer == 409* ]] || fail "two instances: A accepted an id B had taken ($answer)"
  echo "two instances: each reads the other's writes; an id taken on one is refused by the other (409)"
  stop_project "$second_pid"
fi
stop_project "$again_pid"

# --- 6. the runtime image's CA bundle (after step 4: this start migrates nothing) ------------
step "verify-full through the CA bundle, no sslrootcert"
if [[ $(id -u) == 0 && -f /etc/ssl/certs/ca-certificates.crt ]] && command -v unshare >/dev/null; then
  cat /etc/ssl/certs/ca-certificates.crt "$ca" >"$work/bundle.crt"
  bundle_port=$((offset + 7002))
  # Exec'd by unshare: the service's pid is $!, and the mount lasts as long as it does.
  # shellcheck disable=SC2016
  DATABASE_URL=${url_of[$first_prefix]%%&sslrootcert=*} HOST=127.0.0.1 PORT=$bundle_port \
    unshare --mount sh -c 'mount --bind "$1" /etc/ssl/certs/ca-certificates.crt && exec "$2"' sh "$work/bundle.crt" "$bin/$first_binary" \
    >"$work/bundle.log" 2>&1 &
  bundle_pid=$!
  pids+=("$bundle_pid")
  deadline=$((SECONDS + 60))
  until curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$bundle_port/health"; do
    if ((SECONDS >= deadline)) || ! kill -0 "$bundle_pid" 2>/dev/null; then break; fi
    sleep 0.2
  done
  tls=$(pg_psql postgres -tAc "SELECT count(*) FILTER (WHERE s.ssl) || '/' || count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.usename = '$first_database'")
  tls_on=${tls%%/*} tls_all=${tls##*/}
  if curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$bundle_port/health" \
    && [[ $tls_on =~ ^[0-9]+$ && $tls_all =~ ^[0-9]+$ ]] && ((tls_all > 0 && tls_on == tls_all)); then
    echo "verify-full through the CA bundle (no sslrootcert), the bundle holding this CA: started, /health answers, $tls of its connections TLS"
  else
    tail -n 20 "$work/bundle.log" >&2
    fail "verify-full through the CA bundle holding this CA: the service did not start or did not use TLS (connections TLS/all: $tls)"
  fi
  kill -TERM "$bundle_pid" 2>/dev/null || true
  wait "$bundle_pid" 2>/dev/null || true
else
  echo "verify-full through the CA bundle: not checked (needs root and unshare for a private mount namespace)"
fi

echo
if ((${#failures[@]} > 0)); then
  echo "check-persistence: ${#failures[@]} failure(s):"
  printf '  %s\n' "${failures[@]}"
  exit 1
fi
echo "check-persistence: all checks passed"
