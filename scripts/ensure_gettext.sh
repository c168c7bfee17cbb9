#!/usr/bin/env bash
# The Spanish pages need their message catalogues compiled (locale/*/LC_MESSAGES/django.mo), and
# Django's compilemessages and makemessages call GNU gettext (msgfmt, xgettext): install Debian's
# 'gettext' package when it is missing, the way ensure_chromium.sh installs Chromium.
set -euo pipefail
if command -v msgfmt >/dev/null 2>&1 && command -v xgettext >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "GNU gettext is missing: install Debian's 'gettext' package (sudo apt-get install gettext)." >&2
  exit 1
fi
echo "Installing GNU gettext from Debian…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq gettext >/dev/null
