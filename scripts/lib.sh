# shellcheck shell=bash
# Helpers shared by scripts/check-scaffolds.sh and scripts/check-events-e2e.sh; sourced,
# never run. The caller sets `set -euo pipefail` and an array `failures=()`.

# Records a failure and goes on (the script exits 1 at the end when any was recorded).
fail() { echo "FAIL: $*" >&2; failures+=("$*"); }

# A section heading in the log.
step() { echo; echo "== $*"; }

# Seconds since START_SECONDS (a value of $SECONDS), as "12s".
elapsed() { # START_SECONDS
  echo "$((SECONDS - $1))s"
}

# Waits until a generated project's scripts/run-local.sh (pid PID, output in OUT_FILE)
# reports "is running"; returns 1 when it exits first or LIMIT_SECONDS pass.
wait_for_run_local() { # PID OUT_FILE LIMIT_SECONDS
  local pid=$1 out=$2 deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    if grep -q "is running" "$out"; then return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# Stops run-local.sh (it stops every service it started on SIGTERM), kills it after 20s,
# then kills any service it left behind, by the pid files in RUN_DIR.
stop_run_local() { # PID RUN_DIR
  local pid=$1 run_dir=$2 deadline=$((SECONDS + 20)) pidfile
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "run-local.sh did not stop within 20s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  for pidfile in "$run_dir"/*.pid; do
    if [[ -f $pidfile ]]; then kill -KILL "$(cat "$pidfile")" 2>/dev/null || true; fi
  done
  wait "$pid" 2>/dev/null || true
}
