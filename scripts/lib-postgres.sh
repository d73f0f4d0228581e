# shellcheck shell=bash
# A throwaway PostgreSQL for the checks of generated projects; sourced, never run.
#
#   pg_find_or_install WORK  sets pg_bin (installs Debian's postgresql when missing, as root)
#   pg_start WORK PORT     finds PostgreSQL (installs Debian's postgresql when missing and
#                          run as root), creates a cluster in WORK/pgdata listening on
#                          localhost:PORT only, with TLS (a CA and server certificate made
#                          here: WORK/tls/ca.crt, for localhost) and password (SCRAM)
#                          authentication over TCP; the superuser is postgres, its password
#                          in $pg_superuser_password. Sets pg_bin and psql_bin.
#   pg_stop                stops it (safe to call twice, and when it never started)
#   pg_psql DB [ARGS...]   psql as the superuser over TCP
#
# The caller sets `set -euo pipefail`. As root the server runs as the postgres user.

pg_started=0
pg_superuser_password=${pg_superuser_password:-superuser-$RANDOM$RANDOM}

pg_as_owner() { # CMD...
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then echo "$dir"; fi
  done | sort -V | tail -n 1
}

# Sets pg_bin to the newest PostgreSQL's bin directory; installs Debian's postgresql first
# when none is found and run as root (stopping the cluster the package may start: the checks
# bring their own). WORK receives apt's log.
pg_find_or_install() { # WORK
  pg_bin=$(pg_find_bin)
  if [[ -z $pg_bin ]]; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
      echo "installing Debian's postgresql..."
      local start=$SECONDS
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y --no-install-recommends postgresql >"$1/apt.log" 2>&1 \
        || { apt-get update >>"$1/apt.log" 2>&1 && apt-get install -y --no-install-recommends postgresql >>"$1/apt.log" 2>&1; } \
        || { tail -n 20 "$1/apt.log" >&2; echo "could not install postgresql" >&2; return 1; }
      echo "installed in $((SECONDS - start))s"
      if command -v pg_lsclusters >/dev/null; then
        pg_lsclusters --no-header | awk '$4 == "online" { print $1, $2 }' | while read -r version cluster; do
          pg_ctlcluster "$version" "$cluster" stop || true
        done
      fi
      pg_bin=$(pg_find_bin)
    fi
    [[ -n $pg_bin ]] || { echo "PostgreSQL (initdb, pg_ctl) not found; install postgresql" >&2; return 1; }
  fi
}

pg_start() { # WORK PORT
  pg_work=$1
  pg_port=$2
  pg_find_or_install "$pg_work"
  psql_bin=$pg_bin/psql
  if (exec 3<>"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null; then
    echo "something already listens on 127.0.0.1:$pg_port" >&2
    return 1
  fi
  if [[ $(id -u) == 0 ]]; then chown postgres: "$pg_work"; fi
  pg_as_owner mkdir -p "$pg_work/pgdata" "$pg_work/socket" "$pg_work/tls"
  # TLS: a CA, and a server certificate it signs for localhost (the name clients verify).
  (
    cd "$pg_work/tls" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=check CA" \
      -keyout ca.key -out ca.crt >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr >/dev/null 2>&1
    printf 'subjectAltName=DNS:localhost\n' >san.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
      -extfile san.ext -out server.crt >/dev/null 2>&1
  )
  if [[ $(id -u) == 0 ]]; then chown -R postgres: "$pg_work/tls"; fi
  chmod 600 "$pg_work/tls/server.key"
  chmod 644 "$pg_work/tls/ca.crt"
  printf '%s\n' "$pg_superuser_password" >"$pg_work/superuser-password"
  if [[ $(id -u) == 0 ]]; then chown postgres: "$pg_work/superuser-password"; fi
  pg_as_owner "$pg_bin/initdb" -D "$pg_work/pgdata" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile="$pg_work/superuser-password" -E UTF8 --no-instructions >"$pg_work/initdb.log" 2>&1 \
    || { cat "$pg_work/initdb.log" >&2; return 1; }
  # Loopback only, socket in the work directory, small and fast (the data is thrown away).
  pg_as_owner "$pg_bin/pg_ctl" -D "$pg_work/pgdata" -l "$pg_work/postgres.log" -w -t 60 \
    -o "-c listen_addresses=localhost -p $pg_port -k $pg_work/socket -c fsync=off -c full_page_writes=off -c ssl=on -c ssl_cert_file=$pg_work/tls/server.crt -c ssl_key_file=$pg_work/tls/server.key" \
    start >/dev/null || { cat "$pg_work/postgres.log" >&2; return 1; }
  pg_started=1
}

pg_stop() {
  if [[ ${pg_started:-0} == 1 ]]; then
    pg_as_owner "$pg_bin/pg_ctl" -D "$pg_work/pgdata" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    pg_started=0
  fi
}

pg_psql() { # DATABASE [PSQL ARGS...]
  local database=$1
  shift
  PGPASSWORD=$pg_superuser_password "$psql_bin" -h localhost -p "$pg_port" -U postgres -d "$database" \
    -v ON_ERROR_STOP=1 --no-psqlrc "$@"
}
