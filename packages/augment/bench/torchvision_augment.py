"""torchvision peer of bench/augment.mjs: the tutorial's augmentation on the same images.

RandomAffine(degrees=30, translate=(0.3, 0.3), scale=(0.7, 1.3), bilinear) + RandomHorizontalFlip
+ RandomVerticalFlip from torchvision.transforms.v2 on float32 CHW tensors, batches of 32.

usage: python torchvision_augment.py IMAGES.f32 N H W C [seconds]
prints JSON: images/s per mode
  batched     one call on the [32, C, H, W] batch, torch.set_num_threads(2)
              (v2 draws ONE set of parameters per call: the whole batch gets the same transform)
  per_image   a call per image (per-image randomness, as Keras), torch.set_num_threads(2)
  dataloader  per image in a DataLoader (2 worker processes, 1 torch thread each), batch 32
"""
import json
import sys
import time

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from torchvision.transforms import v2
from torchvision.transforms import InterpolationMode

path, n, h, w, c = sys.argv[1], *map(int, sys.argv[2:6])
seconds = float(sys.argv[6]) if len(sys.argv) > 6 else 2.0
x = torch.from_numpy(np.fromfile(path, dtype=np.float32).reshape(n, h, w, c)).permute(0, 3, 1, 2).contiguous()

def make():
    return v2.Compose([
        v2.RandomAffine(degrees=30, translate=(0.3, 0.3), scale=(0.7, 1.3), interpolation=InterpolationMode.BILINEAR),
        v2.RandomHorizontalFlip(),
        v2.RandomVerticalFlip(),
    ])

BATCH = 32

def timed(run_epoch):
    run_epoch()  # warm-up
    done, t0 = 0, time.perf_counter()
    while True:
        done += run_epoch()
        el = time.perf_counter() - t0
        if el >= seconds:
            return done / el

def batched():
    torch.set_num_threads(2)
    t = make()
    def epoch():
        for b in range(0, n, BATCH):
            out = t(x[b:b + BATCH])
        return n
    return timed(epoch)

def per_image():
    torch.set_num_threads(2)
    t = make()
    def epoch():
        for b in range(0, n, BATCH):
            out = torch.stack([t(x[i]) for i in range(b, min(n, b + BATCH))])
        return n
    return timed(epoch)

class Images(Dataset):
    def __init__(self):
        self.t = make()
    def __len__(self):
        return n
    def __getitem__(self, i):
        return self.t(x[i])

def _init(_):
    torch.set_num_threads(1)

def dataloader():
    torch.set_num_threads(1)
    dl = DataLoader(Images(), batch_size=BATCH, shuffle=True, num_workers=2, persistent_workers=True, worker_init_fn=_init, prefetch_factor=4)
    def epoch():
        k = 0
        for b in dl:
            k += b.shape[0]
        return k
    return timed(epoch)

res = {'torch': torch.__version__, 'torchvision': __import__('torchvision').__version__, 'images_per_s': {}}
for name, fn in (('batched', batched), ('per_image', per_image), ('dataloader', dataloader)):
    res['images_per_s'][name] = fn()
print(json.dumps(res))
