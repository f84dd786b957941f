#!/usr/bin/env bash
# tfjs-node for this checkout, without its libtensorflow download: the TensorFlow C library and
# headers from the tensorflow-cpu wheel (pip), the binding compiled for this Node, everything
# cached in ~/.cache/layerwise/tfjs-node (or $LAYERWISE_TFJS_NODE_CACHE). The same command users
# run as `npx layerwise-tfjs-node` (packages/backend-tfjs/bin). A second run is a no-op; after
# `npm ci` it relinks from the cache in seconds.
#
# Exit status: 0 ready; 3 cannot be built here (no wheel reachable, no compiler), said loudly;
# 1 the build or its check failed. Options are passed through (--help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."
exec node packages/backend-tfjs/bin/layerwise-tfjs-node.mjs "$@"
