"""Writes the small numpy-made fixtures under packages/data/test/fixtures/.

They pin the reader to files numpy itself writes (ZIP64 local headers, header padding,
every dtype the reader supports), so the tests need no Python. Run once, commit the output:

    /work/pyenv/bin/python packages/data/scripts/make-npz-fixture.py

test/numpy.test.ts repeats the values below; change both together.
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures")
os.makedirs(OUT, exist_ok=True)

arrays = {
    "u1": np.arange(6, dtype="u1").reshape(2, 3),
    "f4": np.array([[0.5, -1.5], [2.25, 1e-3]], dtype="<f4"),
    "i4": np.array([-2, 0, 7], dtype="<i4"),
    "f8": np.array([1 / 3, -2.5], dtype="<f8"),
    "i8": np.array([0, 9, 3], dtype="<i8"),
    "b1": np.array([True, False, True]),
    "u2": np.array([65535, 1], dtype="<u2"),
    "scalar": np.array(3.5, dtype="<f4"),
    "be_i4": np.array([1, -2, 300], dtype=">i4"),
    "empty": np.zeros((0, 3), dtype="<f4"),
}
np.savez(os.path.join(OUT, "arrays.npz"), **arrays)
np.savez_compressed(os.path.join(OUT, "arrays-compressed.npz"), **arrays)

# Format version 2.0 (4-byte header length), normally only used for huge headers.
with open(os.path.join(OUT, "v2.npy"), "wb") as f:
    np.lib.format.write_array(f, arrays["f4"], version=(2, 0))

# A tiny stand-in for Keras' mnist.npz: same keys and dtypes.
def images(n, offset):
    return ((np.arange(n * 28 * 28) + offset) % 256).astype("u1").reshape(n, 28, 28)

np.savez_compressed(
    os.path.join(OUT, "mnist-tiny.npz"),
    x_train=images(5, 0),
    y_train=np.array([5, 0, 4, 1, 9], dtype="u1"),
    x_test=images(2, 7),
    y_test=np.array([7, 2], dtype="u1"),
)
print("wrote", sorted(os.listdir(OUT)))
