#!/usr/bin/env bash
# Everything a fresh machine needs: the npm workspace, and (when apt is available) Debian's
# full Fashion-MNIST, which the full-data tests and `npm run mlp` use when present.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d /usr/share/datasets/fashion-mnist ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  # Optional: without it the tests that need the full dataset are skipped, and the CLI uses
  # the embedded 5,000-image sample.
  ($SUDO apt-get install -y dataset-fashion-mnist >/dev/null 2>&1 ||
    ($SUDO apt-get update >/dev/null 2>&1 && $SUDO apt-get install -y dataset-fashion-mnist >/dev/null 2>&1)) ||
    echo "setup: could not install dataset-fashion-mnist (optional); continuing" >&2
fi
npm ci --no-audit --no-fund
