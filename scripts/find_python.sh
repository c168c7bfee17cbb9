#!/usr/bin/env bash
# Prints the path of a Python 3.12 or newer: on PATH first, then in pyenv's versions.
set -euo pipefail
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
for candidate in python3.13 python3.12 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && ok "$(command -v "$candidate")"; then
    command -v "$candidate"; exit 0
  fi
done
roots=()
command -v pyenv >/dev/null 2>&1 && roots+=("$(pyenv root)/versions")
roots+=("$HOME/.pyenv/versions" "/root/.pyenv/versions" "/usr/local/bin")
for root in "${roots[@]}"; do
  for exe in "$root"/3.13*/bin/python3 "$root"/3.12*/bin/python3; do
    if [ -x "$exe" ] && ok "$exe"; then echo "$exe"; exit 0; fi
  done
done
echo "No Python 3.12+ found: install one (pyenv install 3.12) and try again." >&2
exit 1
