#!/usr/bin/env bash
# Installs what cdw's demo and tests need when it is missing, from Debian's
# packages: PostgreSQL server binaries, Chromium (dashboard browser tests)
# and Noto CJK fonts (Chinese notes on the dashboards). Idempotent and quiet
# when everything is present.
set -euo pipefail

have_postgres() {
  command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ] && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
have_chromium() {
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1
}
have_cjk_fonts() {
  dpkg -s fonts-noto-cjk >/dev/null 2>&1
}

missing=()
have_postgres || missing+=(postgresql)
have_chromium || missing+=(chromium)
have_cjk_fonts || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "setup: need ${missing[*]} but am not root and have no sudo; install them and re-run" >&2
    exit 1
  fi
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
