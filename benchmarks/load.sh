#!/usr/bin/env bash
# Load benchmark: serve the app with gunicorn (production settings) on 127.0.0.1 and drive its main
# pages with wrk for a bounded time each; report requests/s and p50/p99 latency per page.
#   benchmarks/load.sh [SECONDS_PER_PAGE] [CONNECTIONS]
# Uses its own database (realcities_load), seeded with the demo content. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNECTIONS=${2:-8}
PORT=${LOAD_PORT:-8765}
PY=.venv/bin/python
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/realcities_load
export REDIS_URL=redis://127.0.0.1:6379/12
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

$PY scripts/create_db.py
$PY manage.py migrate --noinput -v0
DJANGO_DEBUG=true $PY manage.py seed_demo --password demo >/dev/null

export DJANGO_DEBUG=false DJANGO_SECRET_KEY=load-benchmark-secret-key-not-used-anywhere-else-0123456789
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false
$PY manage.py collectstatic --noinput -v0
SESSION=$($PY manage.py shell -v0 -c "
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
import time
from cities.models import User
u = User.objects.get(email='lead@riverton.example')
s = SessionStore()
s[SESSION_KEY] = str(u.pk); s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'
s[HASH_SESSION_KEY] = u.get_session_auth_hash()
s['_session_started_at'] = int(time.time()); s['_session_last_seen_at'] = int(time.time())
s.create(); print(s.session_key)")

.venv/bin/gunicorn realcities.wsgi --bind 127.0.0.1:$PORT --workers 2 --threads 2 --log-level warning &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/library/" && break; sleep 0.2; done

PAGES=(
  "/library/"
  "/c/riverton-mi/"
  "/c/riverton-mi/members/"
  "/c/riverton-mi/conversations/"
  "/c/riverton-mi/relationships/"
  "/c/riverton-mi/data/"
)
printf "%-36s %10s %9s %9s %s\n" "page" "req/s" "p50" "p99" "non-2xx"
for path in "${PAGES[@]}"; do
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Cookie: sessionid=$SESSION" "http://127.0.0.1:$PORT$path")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  bad=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  printf "%-36s %10s %9s %9s %s\n" "$path" "$rps" "$p50" "$p99" "${bad:-0}"
done
echo "($(date -u +%Y-%m-%d), $(nproc) cores, gunicorn 2 workers x 2 threads, wrk $CONNECTIONS connections, ${DURATION}s per page)"
