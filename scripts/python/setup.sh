#!/usr/bin/env bash
# Sets up the Python used by the fixture scripts and the peer benchmarks, from pinned
# requirements, in one venv: .venv-peers at the repository root (or $LAYERWISE_PYTHON_VENV).
# The benches and fixture scripts find it through scripts/python/python.mjs.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${LAYERWISE_PYTHON_VENV:-$root/.venv-peers}"
py="${PYTHON:-python3}"
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet -r "$root/scripts/python/requirements.txt"
# tf_keras (Keras 2 / tf.keras: legacy .h5 files, Keras 2 optimizers) without its deps,
# which would pull the full `tensorflow` package beside tensorflow-cpu.
"$venv/bin/pip" install --quiet --no-deps tf_keras==2.21.0
"$venv/bin/python" -c "import torch, torchvision, keras, tensorflow, tf_keras, h5py, onnx; print('python peers ready:', torch.__version__, torchvision.__version__, keras.__version__, tensorflow.__version__)"
echo "$venv/bin/python"
