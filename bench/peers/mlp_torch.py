#!/usr/bin/env python3
"""PyTorch CPU peer for the Layerwise MLP benchmark (Keras tutorial 1.1 MLP).

Dense(784->50) sigmoid -> Dense(50->20) sigmoid -> Dense(20->10) softmax,
glorot-uniform kernels, zero biases, categorical crossentropy (CrossEntropyLoss
on logits == NLL of log-softmax), plain SGD lr 0.01, batch 32, reshuffled
every epoch, x/255 float32, full Fashion-MNIST (60k train / 10k test).

Fastest honest setting: whole data set as in-memory tensors, index-slicing
over a per-epoch permutation (no DataLoader). Prints ONE JSON line.

    python mlp_torch.py --epochs 10 --threads 1
    python mlp_torch.py --epochs 10 --threads 2 --blas-threads 1
"""

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
import torch
from torch import nn

from fashion_mnist import load


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    ap.add_argument("--blas-threads", type=int, default=None,
                    help="limit BLAS pools via threadpoolctl (note: the pip torch wheel links MKL "
                         "statically; threadpoolctl then only sees numpy's OpenBLAS and torch's "
                         "libgomp, and torch's GEMMs follow torch.set_num_threads)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-dir", default=None)
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    limiter = None
    if args.blas_threads is not None:
        from threadpoolctl import threadpool_limits
        limiter = threadpool_limits(limits=args.blas_threads, user_api="blas")

    xtr, ytr, xte, yte = load(args.data_dir)
    xtr, ytr = torch.from_numpy(xtr), torch.from_numpy(ytr)
    xte, yte = torch.from_numpy(xte), torch.from_numpy(yte)

    model = nn.Sequential(
        nn.Linear(784, 50), nn.Sigmoid(),
        nn.Linear(50, 20), nn.Sigmoid(),
        nn.Linear(20, 10),  # softmax folded into CrossEntropyLoss
    )
    for m in model:
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=args.lr)

    n, bs = xtr.shape[0], args.batch_size
    steps = (n + bs - 1) // bs
    epoch_seconds, train_loss = [], []
    for _ in range(args.epochs):
        model.train()
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        total = torch.zeros(())
        for i in range(0, n, bs):
            idx = perm[i:i + bs]
            xb, yb = xtr[idx], ytr[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.detach() * xb.shape[0]
        mean_loss = float(total) / n  # sync point, inside the timed region
        epoch_seconds.append(time.perf_counter() - t0)
        train_loss.append(mean_loss)

    model.eval()
    with torch.no_grad():
        test_acc = float((model(xte).argmax(1) == yte).float().mean())

    info = None
    try:
        from threadpoolctl import threadpool_info
        info = [{k: p.get(k) for k in ("user_api", "internal_api", "num_threads", "filepath")}
                for p in threadpool_info()]
    except Exception:
        pass
    if limiter is not None:
        limiter.restore_original_limits()

    med = statistics.median(epoch_seconds)
    print(json.dumps({
        "peer": "pytorch",
        "network": "mlp_1.1",
        "version": torch.__version__,
        "threads": args.threads,
        "blas_threads": args.blas_threads,
        "interop_threads": torch.get_num_interop_threads(),
        "epochs": args.epochs,
        "batch_size": bs,
        "steps_per_epoch": steps,
        "epoch_seconds": epoch_seconds,
        "median_epoch_s": med,
        "min_epoch_s": min(epoch_seconds),
        "step_ms": med / steps * 1000.0,
        "test_acc": test_acc,
        "train_loss": train_loss,
        "threadpools": info,
        "cpu_count": os.cpu_count(),
    }))


if __name__ == "__main__":
    main()
