"""Fashion-MNIST loader shared by the peer benchmarks (numpy + gzip only).

Default location is Debian's `fashion-mnist` package
(/usr/share/datasets/fashion-mnist); override with $FASHION_MNIST_DIR.
"""

import gzip
import os
from pathlib import Path

import numpy as np

DEFAULT_DIR = "/usr/share/datasets/fashion-mnist"


def _read(path, header):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def load(data_dir=None):
    """Returns (x_train, y_train, x_test, y_test): x float32 [N, 784] in [0, 1], y int64 [N]."""
    d = Path(data_dir or os.environ.get("FASHION_MNIST_DIR") or DEFAULT_DIR)
    out = []
    for split in ("train", "t10k"):
        x = _read(d / f"{split}-images-idx3-ubyte.gz", 16).reshape(-1, 784)
        y = _read(d / f"{split}-labels-idx1-ubyte.gz", 8).astype(np.int64)
        assert x.shape[0] == y.shape[0]
        out += [(x.astype(np.float32) / np.float32(255.0)), y]
    return tuple(out)
