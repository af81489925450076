#!/usr/bin/env bash
# Run a command against a local PostgreSQL 15: start the cluster if needed, make sure a role and
# database exist, export DATABASE_URL, run the command. Fails loudly if PostgreSQL cannot start.
set -euo pipefail
PG_DB="${PG_DB:-fractal_goals}"
PG_USER="${PG_USER:-fractal}"
PG_PASSWORD="${PG_PASSWORD:-fractal}"
PG_PORT="${PG_PORT:-5432}"

if ! pg_lsclusters -h 2>/dev/null | awk '{print $4}' | grep -q online; then
  if [ "$(id -u)" = "0" ]; then
    pg_ctlcluster 15 main start || { echo "PostgreSQL 15 could not be started." >&2; exit 1; }
  else
    echo "PostgreSQL is not running and this user cannot start it (needs root)." >&2
    exit 1
  fi
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || { echo "PostgreSQL did not become ready." >&2; exit 1; }

as_postgres() { if [ "$(id -u)" = "0" ]; then su postgres -c "$1"; else bash -c "$1"; fi; }
as_postgres "psql -p $PG_PORT -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$PG_USER'\"" | grep -q 1 \
  || as_postgres "psql -p $PG_PORT -c \"CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'\""
as_postgres "psql -p $PG_PORT -tAc \"SELECT 1 FROM pg_database WHERE datname='$PG_DB'\"" | grep -q 1 \
  || as_postgres "createdb -p $PG_PORT -O $PG_USER $PG_DB"

export DATABASE_URL="postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
export ENV="${ENV:-testing}"
exec "$@"
