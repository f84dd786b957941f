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
# tfjs-node (the TensorFlow.js native kernels), so the shared suites run on them too. Its own
# install downloads libtensorflow, which fails offline (npm drops the optional dependency);
# built instead from the tensorflow-cpu wheel, cached across runs (~1 min once per machine,
# seconds after). Exit 3 = cannot be built here (no wheel reachable, no compiler): said loudly,
# and the tfjs-node runs are skipped. LAYERWISE_TFJS_NODE=0 skips it.
if [ "${LAYERWISE_TFJS_NODE:-1}" != "0" ]; then
  status=0
  bash scripts/tfjs-node-from-wheel.sh || status=$?
  if [ "$status" -eq 3 ]; then
    echo "setup: tfjs-node is NOT available on this machine: the shared suites run on onnx, tfjs-wasm and tfjs-cpu only" >&2
  elif [ "$status" -ne 0 ]; then
    exit "$status"
  fi
fi
