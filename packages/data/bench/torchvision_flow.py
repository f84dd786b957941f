"""The peer of bench/flow.mjs: torchvision's ImageFolder + DataLoader on the same folder,
decoding and resizing JPEGs into float32 batches (ToTensor: CHW, / 255).

    python torchvision_flow.py ROOT --size 60x90 --batch 32 --workers 2 [--interpolation nearest|bilinear]

Prints {"ready": …} once the loader is built, then runs one epoch per "epoch" line read on
stdin, printing one JSON line each: images, wall seconds, CPU seconds (this process and its
DataLoader worker processes, from /proc). "quit" ends it. Needs torch + torchvision (see
packages/data/README.md, "Benchmark").
"""
import argparse
import json
import os
import sys
import time

import torch
import torchvision
from torch.utils.data import DataLoader
from torchvision import datasets, transforms
from torchvision.transforms import InterpolationMode

p = argparse.ArgumentParser()
p.add_argument("root")
p.add_argument("--size", default="240x360")
p.add_argument("--batch", type=int, default=32)
p.add_argument("--workers", type=int, default=2)
p.add_argument("--interpolation", default="nearest")
a = p.parse_args()
h, w = (int(v) for v in a.size.split("x"))

interp = {"nearest": InterpolationMode.NEAREST, "bilinear": InterpolationMode.BILINEAR}[a.interpolation]
ds0 = datasets.ImageFolder(a.root)
first_size = ds0[0][0].size[::-1]  # (h, w) of the files
steps = [transforms.Resize((h, w), interpolation=interp)] if (h, w) != tuple(first_size) else []
tf = transforms.Compose(steps + [transforms.ToTensor()])
ds = datasets.ImageFolder(a.root, transform=tf)
dl = DataLoader(ds, batch_size=a.batch, shuffle=True, num_workers=a.workers, persistent_workers=a.workers > 0)
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
        except OSError:
            pass
    return total


def pids():
    it = getattr(dl, "_iterator", None)
    workers = getattr(it, "_workers", []) if it is not None else []
    return [os.getpid()] + [wk.pid for wk in workers]


print(json.dumps({"ready": True, "peer": f"torchvision {torchvision.__version__} ImageFolder + DataLoader(num_workers={a.workers})", "torch": torch.__version__, "images": len(ds), "resize": bool(steps)}), flush=True)
for line in sys.stdin:
    if line.strip() != "epoch":
        break
    before = cpu_seconds(pids())
    t = time.perf_counter()
    n = 0
    shape = None
    for x, y in dl:
        n += x.shape[0]
        shape = list(x.shape)
    wall = time.perf_counter() - t
    cpu = cpu_seconds(pids()) - before
    print(json.dumps({"images": n, "seconds": wall, "cpu_seconds": cpu, "batch_shape": shape}), flush=True)
