#!/usr/bin/env bash
# Refresh the Spanish catalogue after wrapping new strings: the same makemessages run that
# tests/cities/test_spanish.py repeats (it fails when this would find something new).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py makemessages -l es --ignore=.venv --ignore=tests --ignore=static --ignore=node_modules \
  --ignore=media --ignore=staticfiles --ignore=run --no-obsolete
