"""The peer of bench/flow.mjs: torchvision's ImageFolder + DataLoader on the same folder,
decoding and resizing JPEGs into float32 batches (ToTensor: CHW, / 255).

    python torchvision_flow.py ROOT --size 60x90 --batch 32 --workers 2 --epochs 2 \
        [--interpolation nearest|bilinear]

Prints one JSON line: images/s per epoch (the first includes starting the workers).
Needs torch + torchvision (see packages/data/README.md, "Benchmark").
"""
import argparse
import json
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
p.add_argument("--epochs", type=int, default=2)
p.add_argument("--interpolation", default="nearest")
a = p.parse_args()
h, w = (int(v) for v in a.size.split("x"))

interp = {"nearest": InterpolationMode.NEAREST, "bilinear": InterpolationMode.BILINEAR}[a.interpolation]
steps = [transforms.Resize((h, w), interpolation=interp)] if (h, w) != (240, 360) else []
tf = transforms.Compose(steps + [transforms.ToTensor()])

t0 = time.perf_counter()
ds = datasets.ImageFolder(a.root, transform=tf)
list_s = time.perf_counter() - t0
dl = DataLoader(ds, batch_size=a.batch, shuffle=True, num_workers=a.workers, persistent_workers=a.workers > 0)
epochs = []
shape = None
for e in range(a.epochs):
    t = time.perf_counter()
    n = 0
    for x, y in dl:
        n += x.shape[0]
        shape = list(x.shape)
    epochs.append(n / (time.perf_counter() - t))
print(json.dumps({
    "peer": f"torchvision {torchvision.__version__} ImageFolder + DataLoader(num_workers={a.workers})",
    "torch": torch.__version__,
    "images": len(ds),
    "size": [h, w],
    "interpolation": a.interpolation,
    "batch_shape": shape,
    "list_s": list_s,
    "images_per_s_by_epoch": epochs,
    "images_per_s": max(epochs[1:] or epochs),
}))
