#!/usr/bin/env bash
# What the browser tests need, installed only when missing:
#   - Debian's chromium (Playwright drives /usr/bin/chromium; no browser download),
#   - a Chinese font (fonts-wqy-microhei, 5 MB) so screenshots show characters, not boxes,
#   - axe-core from the npm registry into .cache/axe (injected into pages from that local copy).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  missing+=(fonts-wqy-microhei)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

AXE_VERSION="${AXE_VERSION:-4.14.1}"
if [ ! -f .cache/axe/node_modules/axe-core/axe.min.js ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is missing (needed once to fetch axe-core for the accessibility tests): apt-get install -y npm" >&2
    exit 1
  fi
  mkdir -p .cache/axe
  npm install --prefix .cache/axe --no-audit --no-fund --silent "axe-core@${AXE_VERSION}" >/dev/null
fi
