#!/usr/bin/env bash
# The load test against gunicorn on PostgreSQL at 1, 2 and 4 workers, on 127.0.0.1 only, bounded
# in time and requests. Run through scripts/with_postgres.sh with a database of its own:
#   PG_DB=fractal_load bash scripts/with_postgres.sh bash scripts/loadtest_gunicorn.sh
# Writes load-<workers>.json and load-<workers>.txt into OUT (default /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-/tmp}"
PORT="${LOAD_PORT:-8791}"
USERS="${LOAD_USERS:-8}"
DURATION="${LOAD_DURATION:-20}"
THREADS="${GUNICORN_THREADS:-4}"
: "${DATABASE_URL:?run through scripts/with_postgres.sh}"
export ENV=production SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=127.0.0.1,localhost
SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(60))')"
export SECRET_KEY
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py shell -c "
from django.contrib.auth import get_user_model
from goals.models import Goal
from ops.datagen import generate_fractal
user, _ = get_user_model().objects.get_or_create(username='load')
user.set_password('load-pass-2026!')
user.save()
if not Goal.objects.filter(owner=user, parent__isnull=True).exists():
    generate_fractal(user, goals=500, sessions=300, instances_per_session=5, values_per_instance=3, shape='log')
"
for workers in 1 2 4; do
  .venv/bin/gunicorn goals_project.wsgi:application --bind "127.0.0.1:$PORT" --workers "$workers" \
    --threads "$THREADS" --timeout 30 --error-logfile "$OUT/gunicorn-$workers.log" >/dev/null 2>&1 &
  server=$!
  sleep 4
  .venv/bin/python scripts/loadtest.py --base "http://127.0.0.1:$PORT" --username load \
    --password 'load-pass-2026!' --users "$USERS" --duration "$DURATION" --max-requests 20000 \
    --output "$OUT/load-$workers.json" | tee "$OUT/load-$workers.txt" || echo "load test at $workers workers failed"
  kill "$server"
  wait "$server" || true
done
