#!/usr/bin/env python3
"""Keras 3 (TensorFlow backend) peer for the Layerwise MLP benchmark.

Default network (Keras tutorial 1.1): Dense(50, input 784) sigmoid ->
Dense(20) sigmoid -> Dense(10) softmax, glorot-uniform kernels, zero biases,
categorical crossentropy, SGD lr 0.01, batch 32, shuffled each epoch, x/255.

--batchnorm runs the tutorial's 1.6 network instead: Dense(50, input 784) ->
BatchNormalization -> relu -> Dense(20) -> BatchNormalization -> relu ->
Dense(10) softmax, same loss/optimizer/batch.

model.fit(batch_size=32, epochs, verbose=0) with a per-epoch timing callback.
Keras defaults are kept (jit_compile='auto', which Keras 3 resolves to False
on a CPU-only machine; steps_per_execution=1). Prints ONE JSON line.

    python mlp_keras.py --epochs 10
    python mlp_keras.py --epochs 10 --batchnorm
"""

import argparse
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import json
import statistics
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batchnorm", action="store_true", help="tutorial 1.6 network (Dense-BN-relu)")
    ap.add_argument("--threads", type=int, default=0,
                    help="TF intra-op threads (0 = TF default: all cores)")
    ap.add_argument("--inter-threads", type=int, default=0, help="TF inter-op threads (0 = default)")
    ap.add_argument("--jit-compile", choices=["auto", "true", "false"], default="auto",
                    help="model.compile(jit_compile=...); 'auto' = Keras default (no XLA on CPU)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-dir", default=None)
    args = ap.parse_args()

    import tensorflow as tf
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    if args.inter_threads:
        tf.config.threading.set_inter_op_parallelism_threads(args.inter_threads)
    import keras
    from keras import layers

    from fashion_mnist import load

    keras.utils.set_random_seed(args.seed)
    xtr, ytr, xte, yte = load(args.data_dir)
    ytr1 = np.eye(10, dtype=np.float32)[ytr]
    yte1 = np.eye(10, dtype=np.float32)[yte]

    init = dict(kernel_initializer="glorot_uniform", bias_initializer="zeros")
    if args.batchnorm:
        network = "mlp_bn_1.6"
        model = keras.Sequential([
            keras.Input((784,)),
            layers.Dense(50, **init), layers.BatchNormalization(), layers.Activation("relu"),
            layers.Dense(20, **init), layers.BatchNormalization(), layers.Activation("relu"),
            layers.Dense(10, activation="softmax", **init),
        ])
    else:
        network = "mlp_1.1"
        model = keras.Sequential([
            keras.Input((784,)),
            layers.Dense(50, activation="sigmoid", **init),
            layers.Dense(20, activation="sigmoid", **init),
            layers.Dense(10, activation="softmax", **init),
        ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=args.lr),
                  loss="categorical_crossentropy", metrics=["accuracy"],
                  jit_compile={"auto": "auto", "true": True, "false": False}[args.jit_compile])

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._t0)

    timer = EpochTimer()
    hist = model.fit(xtr, ytr1, batch_size=args.batch_size, epochs=args.epochs,
                     shuffle=True, verbose=0, callbacks=[timer])
    _, test_acc = model.evaluate(xte, yte1, batch_size=1024, verbose=0)

    n = xtr.shape[0]
    steps = (n + args.batch_size - 1) // args.batch_size
    med = statistics.median(timer.seconds)
    print(json.dumps({
        "peer": "keras",
        "network": network,
        "version": keras.__version__,
        "tensorflow": tf.__version__,
        "backend": keras.backend.backend(),
        "jit_compile": bool(model.jit_compile),
        "threads": args.threads or "tf-default",
        "inter_threads": args.inter_threads or "tf-default",
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "steps_per_epoch": steps,
        "epoch_seconds": timer.seconds,
        "median_epoch_s": med,
        "min_epoch_s": min(timer.seconds),
        "step_ms": med / steps * 1000.0,
        "test_acc": float(test_acc),
        "train_loss": [float(v) for v in hist.history["loss"]],
        "train_acc": [float(v) for v in hist.history["accuracy"]],
        "cpu_count": os.cpu_count(),
    }))


if __name__ == "__main__":
    main()
