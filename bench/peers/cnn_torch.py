#!/usr/bin/env python3
"""PyTorch CPU peer for the Keras tutorial's 2.1 CNN on Fashion-MNIST.

Conv2D(32, 3x3 valid) relu -> MaxPooling2D 2x2 -> Flatten -> Dense(10) softmax, glorot-uniform
kernels, zero biases, categorical crossentropy, Adagrad with Keras 3's defaults (lr 0.001,
initial accumulator 0.1, epsilon 1e-7), batch 64, reshuffled every epoch. Channels-last data
permuted once to NCHW; in-memory index slicing (no DataLoader). Prints ONE JSON line.

    python cnn_torch.py --epochs 5 --threads 1
"""
import argparse, json, os, statistics, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np
import torch
from torch import nn
from fashion_mnist import load


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-dir", default=None)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    x_train, y_train, x_test, y_test = load(args.data_dir)
    x = torch.tensor(x_train.reshape(-1, 1, 28, 28))
    y = torch.tensor(y_train.astype(np.int64))
    xt = torch.tensor(x_test.reshape(-1, 1, 28, 28))
    yt = torch.tensor(y_test.astype(np.int64))

    conv = nn.Conv2d(1, 32, 3)
    dense = nn.Linear(13 * 13 * 32, 10)
    for layer in (conv, dense):
        nn.init.xavier_uniform_(layer.weight)
        nn.init.zeros_(layer.bias)
    # Keras flattens channels-last: permute NCHW -> NHWC before flattening so Dense sees the same order.
    model = nn.Sequential(conv, nn.ReLU(), nn.MaxPool2d(2))
    params = list(conv.parameters()) + list(dense.parameters())
    opt = torch.optim.Adagrad(params, lr=0.001, initial_accumulator_value=0.1, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()

    def forward(xb):
        return dense(model(xb).permute(0, 2, 3, 1).reshape(xb.shape[0], -1))

    n = x.shape[0]
    steps = (n + args.batch_size - 1) // args.batch_size
    epoch_seconds, losses = [], []
    for _ in range(args.epochs):
        perm = torch.randperm(n)
        t0 = time.perf_counter()
        total = 0.0
        for s in range(steps):
            idx = perm[s * args.batch_size:(s + 1) * args.batch_size]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(forward(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * idx.shape[0]
        epoch_seconds.append(time.perf_counter() - t0)
        losses.append(total / n)
    with torch.no_grad():
        acc = (forward(xt).argmax(1) == yt).float().mean().item()
    med = statistics.median(epoch_seconds)
    print(json.dumps({"peer": "pytorch", "network": "cnn_2.1", "version": torch.__version__, "threads": args.threads,
                      "epochs": args.epochs, "batch_size": args.batch_size, "steps_per_epoch": steps,
                      "epoch_seconds": epoch_seconds, "median_epoch_s": med, "step_ms": med / steps * 1000,
                      "test_acc": acc, "train_loss": losses}))


if __name__ == "__main__":
    main()
