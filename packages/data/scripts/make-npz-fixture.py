"""Writes the small numpy-made fixtures under packages/data/test/fixtures/.

They pin the reader to files numpy itself writes (ZIP64 local headers, header padding,
every dtype the reader supports), so the tests need no Python. Run once, commit the output:

    .venv-peers/bin/python packages/data/scripts/make-npz-fixture.py

test/numpy.test.ts and test/numpy-write.test.ts repeat the values below; change both together.
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
# What np.save writes, byte for byte, for encodeNpy to match (test/numpy-write.test.ts).
saved = {
    "saved-f4.npy": np.array([[0.5, -1.5, 2.25], [1e-3, 3.0, -0.0]], dtype="<f4"),
    "saved-i4.npy": np.array([-2, 0, 7], dtype="<i4"),
    "saved-u1.npy": np.arange(8, dtype="u1").reshape(2, 2, 2),
    "saved-b1.npy": np.array([True, False, True, True]),
    "saved-scalar.npy": np.array(3.5, dtype="<f4"),
    "saved-long-dim.npy": np.zeros((123456, 0), dtype="<f4"),
    "saved-f8.npy": np.array([0.5, -2.0], dtype="<f8"),
}
for name, a in saved.items():
    np.save(os.path.join(OUT, name), a)

# A CIFAR "python version" batch as Python 3 pickles it with protocol 2 (bytes keys are
# written through _codecs.encode): what the restricted pickle reader must accept.
import pickle  # noqa: E402

batch = {
    b"batch_label": b"training batch 1 of 5",
    b"labels": [3, 9, 0, 7],
    b"data": ((np.arange(4 * 3072) * 7) % 256).astype("u1").reshape(4, 3072),
    b"filenames": [b"a.png", b"b.png", b"c.png", b"d.png"],
}
with open(os.path.join(OUT, "cifar-py-batch.pkl"), "wb") as f:
    pickle.dump(batch, f, protocol=2)

print("wrote", sorted(os.listdir(OUT)))
