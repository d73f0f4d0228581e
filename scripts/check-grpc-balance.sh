#!/usr/bin/env bash
# Loopback check of a generated gRPC project's load balancing and health service, with the
# binaries an earlier `swift build` left (no build here).
#
#   scripts/check-grpc-balance.sh PROJECT_DIR
#
# PROJECT_DIR is a project scaffolded with gRPC and an aggregation layer (e.g. the
# mesh-istio-grpc-events variant). The script
#  1. starts two instances of the last service on different ports (PORT and GRPC_PORT),
#     data in memory, and the aggregator with that service's target set to the static list
#     `ipv4:127.0.0.1:A,127.0.0.1:B` (the other services are not started: their parts come
#     back missing, which the aggregator answers as degraded);
#  2. makes several GET /<first>-details/1 requests and checks from the two instances' JSON
#     log lines that both served GetItem calls (round robin over the two endpoints);
#  3. calls grpc.health.v1.Health/Check over HTTP/2 with curl (a hand-made gRPC frame, no
#     grpcurl): SERVING for "" and for the service's own name, NOT_FOUND (grpc-status 5)
#     for an unknown name;
#  4. stops what it started (also on failure or Ctrl-C).
#
# Environment:
#   SCRATCH_PATH     the project's SwiftPM build folder (default: PROJECT_DIR/.build)
#   E2E_PORT_OFFSET  added to the project's ports 8080... (default: 5000, below the ephemeral range)
#   REQUESTS         how many requests (default: 12)
#   KEEP_WORK=1      keep the logs
set -euo pipefail

usage() { echo "usage: scripts/check-grpc-balance.sh PROJECT_DIR" >&2; exit 2; }
[[ $# == 1 && -d $1 ]] || usage
project=$(cd "$1" && pwd)
scratch=${SCRATCH_PATH:-$project/.build}
offset=${E2E_PORT_OFFSET:-5000}
requests=${REQUESTS:-12}
bin=$scratch/debug
[[ -x $bin/aggregator ]] || { echo "check-grpc-balance: no $bin/aggregator (build the project first)" >&2; exit 2; }

failures=()
# fail, step
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The services in the project's order (the aggregator's parts, which also numbers the
# ports), from `static let parts = ["product", "inventory", ...]`.
parts=$(grep -o 'static let parts = \[.*\]' "$project/Sources/AggregatorService/App+build.swift" || true)
read -r -a services <<<"$(echo "${parts#*=}" | tr -d '[]",')"
((${#services[@]} > 0)) || { echo "check-grpc-balance: no aggregator parts in $project" >&2; exit 2; }
first=${services[0]}
service=${services[${#services[@]} - 1]}
# Its local ports, as the project numbers them (8081..., 9081...), plus the offset.
index=${#services[@]}
http_a=$((offset + 8080 + index)) grpc_a=$((offset + 9080 + index))
http_b=$((http_a + 100)) grpc_b=$((grpc_a + 100))
entry=$((offset + 8080))
package=${service//-/_}
type=$(echo "$service" | awk -F- '{for (i = 1; i <= NF; i++) printf "%s", toupper(substr($i, 1, 1)) substr($i, 2)}')
binary=$service

work=$(mktemp -d "${TMPDIR:-/tmp}/check-grpc-balance.XXXXXX")
pids=()
cleanup() {
  local status=$? pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if ((status != 0)) || ((${#failures[@]} > 0)); then
    for log in "$work"/*.log; do echo "--- $log (last 10 lines)"; tail -n 10 "$log"; done >&2
  fi
  if [[ ${KEEP_WORK:-0} == 1 ]]; then echo "check-grpc-balance: logs kept in $work"; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_healthy() { # NAME PORT PID
  local deadline=$((SECONDS + 30))
  until curl -fsS --max-time 2 "http://127.0.0.1:$2/health" >/dev/null 2>&1; do
    kill -0 "$3" 2>/dev/null || { echo "check-grpc-balance: $1 exited" >&2; tail -n 20 "$work/$1.log" >&2; exit 1; }
    ((SECONDS < deadline)) || { echo "check-grpc-balance: $1 did not answer /health on $2" >&2; exit 1; }
    sleep 0.2
  done
}

step "two instances of $service (gRPC $grpc_a and $grpc_b), the aggregator on $entry with ipv4:127.0.0.1:$grpc_a,127.0.0.1:$grpc_b"
for instance in a b; do
  http_var=http_$instance grpc_var=grpc_$instance
  # Development mode: these instances keep their data in memory (no database here).
  APP_ENV=development HOST=127.0.0.1 PORT=${!http_var} GRPC_PORT=${!grpc_var} "$bin/$binary" >"$work/$service-$instance.log" 2>&1 &
  pids+=($!)
  wait_healthy "$service-$instance" "${!http_var}" "$!"
done
target_var=$(echo "$package" | tr '[:lower:]' '[:upper:]')_GRPC_TARGET
env HOST=127.0.0.1 PORT=$entry "$target_var=ipv4:127.0.0.1:$grpc_a,127.0.0.1:$grpc_b" "$bin/aggregator" >"$work/aggregator.log" 2>&1 &
pids+=($!)
wait_healthy aggregator "$entry" "$!"

step "$requests requests to GET /$first-details/1"
for ((i = 0; i < requests; i++)); do
  code=$(curl -s -o "$work/answer.json" -w '%{http_code}' --max-time 5 "http://127.0.0.1:$entry/$first-details/1")
  [[ $code == 200 ]] || fail "GET /$first-details/1 answered $code"
done
grep -q "\"$service\"" "$work/answer.json" || fail "the answer has no $service part: $(cat "$work/answer.json")"
served_a=$(grep '"message":"rpc"' "$work/$service-a.log" | grep -c "${type}Service/GetItem" || true)
served_b=$(grep '"message":"rpc"' "$work/$service-b.log" | grep -c "${type}Service/GetItem" || true)
echo "GetItem calls served: $service-a $served_a, $service-b $served_b (of $requests)"
((served_a > 0 && served_b > 0)) || fail "round robin: both instances should serve calls (a: $served_a, b: $served_b)"
((served_a + served_b == requests)) || fail "every request should reach $service once (a + b = $((served_a + served_b)), expected $requests)"
grep '"message":"rpc"' "$work/$service-b.log" | grep "${type}Service/GetItem" | head -n 1

# A gRPC request frame: no compression, 4-byte big-endian length, then a
# HealthCheckRequest whose field 1 (service, a string) is NAME (absent when empty).
health_check() { # GRPC_PORT NAME -> prints the response body as hex, curl's verbose output in $work/curl.err
  local name=$2 message=""
  if [[ -n $name ]]; then message=$(printf '\\x0a\\x%02x%s' "${#name}" "$name"); fi
  local length=$(( ${#name} == 0 ? 0 : ${#name} + 2 ))
  # shellcheck disable=SC2059
  printf "\\x00\\x00\\x00\\x00\\x$(printf %02x "$length")$message" >"$work/request.bin"
  curl -sv --http2-prior-knowledge --max-time 5 -H 'content-type: application/grpc' -H 'te: trailers' \
    --data-binary @"$work/request.bin" "http://127.0.0.1:$1/grpc.health.v1.Health/Check" 2>"$work/curl.err" \
    | od -An -tx1 | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'
}

step "grpc.health.v1.Health/Check on $service-a (port $grpc_a), by curl over HTTP/2"
# SERVING: a 2-byte HealthCheckResponse, field 1 (status, varint) = 1.
for name in "" "$package.v1.${type}Service"; do
  body=$(health_check "$grpc_a" "$name")
  echo "Check(\"$name\") -> $body"
  [[ $body == "00 00 00 00 02 08 01" ]] || fail "Check(\"$name\") should answer SERVING (00 00 00 00 02 08 01), got '$body'"
  grep -qi "grpc-status: 0" "$work/curl.err" || fail "Check(\"$name\") should end with grpc-status 0"
done
body=$(health_check "$grpc_a" "no.such.v1.Service")
status=$(grep -io "grpc-status: [0-9]*" "$work/curl.err" | head -n 1 || true)
echo "Check(\"no.such.v1.Service\") -> '$body', $status"
[[ -z $body && ${status,,} == "grpc-status: 5" ]] || fail "Check of an unknown name should be NOT_FOUND (grpc-status 5), got '$body', '$status'"

if ((${#failures[@]} > 0)); then
  echo "check-grpc-balance: ${#failures[@]} failure(s):"
  printf '  %s\n' "${failures[@]}"
  exit 1
fi
echo "check-grpc-balance: round robin over two instances and grpc.health.v1 Check work"
