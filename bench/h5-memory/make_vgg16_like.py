#!/usr/bin/env python3
"""A synthetic VGG16 weight file in the layout Keras publishes (Keras 2 .h5: layer_names /
weight_names, fixed-length byte strings), random float32 values, for load-memory measurements:

    python bench/h5-memory/make_vgg16_like.py /tmp/vgg16_like.h5 [--notop]

138,357,544 parameters (553 MB; the real vgg16_weights_tf_dim_ordering_tf_kernels.h5 is 528 MiB).
Nothing is downloaded; the file is not meant to be committed.
"""
import sys

import h5py
import numpy as np

CONVS = [("block1", [64, 64]), ("block2", [128, 128]), ("block3", [256, 256, 256]), ("block4", [512, 512, 512]), ("block5", [512, 512, 512])]


def layers(top):
    yield "input_1", []
    c = 3
    for block, filters in CONVS:
        for i, f in enumerate(filters, 1):
            yield f"{block}_conv{i}", [("kernel", (3, 3, c, f)), ("bias", (f,))]
            c = f
        yield f"{block}_pool", []
    if top:
        yield "flatten", []
        yield "fc1", [("kernel", (25088, 4096)), ("bias", (4096,))]
        yield "fc2", [("kernel", (4096, 4096)), ("bias", (4096,))]
        yield "predictions", [("kernel", (4096, 1000)), ("bias", (1000,))]


def main(path, top=True):
    rng = np.random.default_rng(0)
    with h5py.File(path, "w") as f:
        names = []
        for name, weights in layers(top):
            names.append(name.encode())
            g = f.create_group(name)
            weight_names = [f"{name}/{w}:0".encode() for w, _ in weights]
            g.attrs["weight_names"] = np.array(weight_names, dtype="S") if weight_names else np.array([])
            for (w, shape), wn in zip(weights, weight_names):
                g.create_dataset(wn.decode(), data=rng.standard_normal(shape, dtype=np.float32) * 0.01)
        f.attrs["layer_names"] = np.array(names, dtype="S")
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.0.8"


if __name__ == "__main__":
    main(sys.argv[1], top="--notop" not in sys.argv)
