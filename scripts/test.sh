#!/usr/bin/env bash
# The README's test command: installs what the tests need, then runs them all.
#  - Debian's Chromium for the browser tests (never a browser download);
#  - PostgreSQL answering on 127.0.0.1:5432 for the server-mode tests (started if it is not);
#  - the npm dependencies from the lock file (which also builds the project).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
fi

npm ci --no-audit --no-fund
npm test
