#!/usr/bin/env bash
# Set up and run the whole test suite on a machine with only Python 3.11 and pip.
# PostgreSQL tests start their own server from the machine's binaries; the browser
# test drives Debian's chromium.  Both are installed here when missing and we are
# root (CI is); otherwise those tests skip loudly and say why.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check uv
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  need=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  command -v chromium >/dev/null || need+=(chromium chromium-driver)
  if [ ${#need[@]} -gt 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null) \
      || echo "warning: could not install ${need[*]}; their tests will skip" >&2
  fi
fi
UV="python3 -m uv"
$UV sync --frozen --all-extras -q
$UV run --frozen ruff check .
exec $UV run --frozen pytest -q "$@"
