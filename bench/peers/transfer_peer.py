#!/usr/bin/env python3
"""PyTorch and Keras peers for the tutorial's transfer learning (4.4, 4.5) on an image folder.

    python transfer_peer.py --framework torch|keras --job features|finetune --data DIR --size 60x90

features: VGG16 without its top over DIR/train (rescale 1/255, batch 32, no shuffle), timed
          over one pass (after a warm-up batch).
finetune: VGG16 without its top, the first 15 Keras layers frozen (input, blocks 1-4; torchvision's
          features[:24]), Flatten -> Dense 256 relu -> Dropout 0.5 -> Dense 1 sigmoid, SGD lr 0.01,
          binary crossentropy; DIR/train augmented as the tutorial (width shift 0.3, rotation 30,
          zoom 0.3, both flips), shuffled, batch 32: one epoch timed after a warm-up step.
PyTorch reads with ImageFolder + DataLoader(num_workers=2) (augmentation on the workers);
Keras with ImageDataGenerator.flow_from_directory (tf_keras 2.x: Keras 3 has no ImageDataGenerator). Random weights (as Layerwise's bench: ImageNet
weights change nothing about the time). Prints ONE JSON line: seconds, images/s and peak RSS
(this process; for PyTorch the DataLoader workers' peak separately).
"""
import argparse
import json
import os
import resource
import sys
import time


def peak_rss_mb(who=resource.RUSAGE_SELF):
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_now():
    """CPU seconds of this process and its finished children (the DataLoader workers)."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


def torch_job(args, h, w):
    import torch
    from torch import nn
    from torchvision import datasets, models, transforms

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    vgg = models.vgg16(weights=None).features
    if args.job == "features":
        tf = transforms.Compose([transforms.Resize((h, w), interpolation=transforms.InterpolationMode.NEAREST), transforms.ToTensor()])
        data = datasets.ImageFolder(os.path.join(args.data, "train"), tf)
        loader = torch.utils.data.DataLoader(data, batch_size=32, shuffle=False, num_workers=args.workers)
        vgg.eval()
        n = 0
        with torch.no_grad():
            vgg(next(iter(loader))[0][:2])  # warm-up
            t, c = time.perf_counter(), cpu_now()
            for x, _ in loader:
                vgg(x)
                n += x.shape[0]
        return {"images": n, "seconds": time.perf_counter() - t, "cpu_seconds": cpu_now() - c}

    for p in vgg[:24].parameters():
        p.requires_grad = False
    fh, fw = h, w
    for _ in range(5):
        fh, fw = fh // 2, fw // 2
    head = nn.Sequential(nn.Flatten(), nn.Linear(512 * fh * fw, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 1))
    model = nn.Sequential(vgg, head)
    model.train()
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.01)
    loss_fn = nn.BCEWithLogitsLoss()
    tf = transforms.Compose([
        transforms.Resize((h, w), interpolation=transforms.InterpolationMode.NEAREST),
        transforms.RandomAffine(degrees=30, translate=(0.3, 0.0), scale=(0.7, 1.3)),
        transforms.RandomHorizontalFlip(),
        transforms.RandomVerticalFlip(),
        transforms.ToTensor(),
    ])
    data = datasets.ImageFolder(os.path.join(args.data, "train"), tf)
    loader = torch.utils.data.DataLoader(data, batch_size=32, shuffle=True, num_workers=args.workers)

    def step(x, y):
        opt.zero_grad()
        loss = loss_fn(model(x).squeeze(1), y.float())
        loss.backward()
        opt.step()
        return float(loss)

    x, y = next(iter(loader))
    step(x, y)  # warm-up
    t, c = time.perf_counter(), cpu_now()
    n = 0
    for x, y in loader:
        step(x, y)
        n += x.shape[0]
    seconds = time.perf_counter() - t
    del loader  # its workers exit: their CPU time and peak RSS become readable
    return {"images": n, "seconds": seconds, "cpu_seconds": cpu_now() - c, "workers_peak_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN)}


def keras_job(args, h, w):
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    # Keras 3 dropped ImageDataGenerator; tf_keras (Keras 2, the tutorial's API) still has it and
    # runs on the same TensorFlow, so this peer is the tutorial's program as written.
    import tf_keras as keras
    from tf_keras.applications import VGG16
    from tf_keras.preprocessing.image import ImageDataGenerator

    if args.job == "features":
        model = VGG16(include_top=False, weights=None, input_shape=(h, w, 3))
        gen = ImageDataGenerator(rescale=1.0 / 255).flow_from_directory(os.path.join(args.data, "train"), target_size=(h, w), batch_size=32, class_mode=None, shuffle=False)
        model.predict(gen[0][:2], verbose=0)  # warm-up
        t, c = time.perf_counter(), cpu_now()
        features = model.predict(gen, steps=len(gen), verbose=0)
        return {"images": int(features.shape[0]), "seconds": time.perf_counter() - t, "cpu_seconds": cpu_now() - c}

    base = VGG16(include_top=False, weights=None, input_tensor=keras.Input(shape=(h, w, 3)))
    for layer in base.layers[:15]:
        layer.trainable = False
    x = keras.layers.Flatten()(base.output)
    x = keras.layers.Dense(256, activation="relu")(x)
    x = keras.layers.Dropout(0.5)(x)
    model = keras.Model(base.input, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["acc"])
    gen = ImageDataGenerator(rescale=1.0 / 255, width_shift_range=0.3, rotation_range=30, zoom_range=0.3, horizontal_flip=True, vertical_flip=True)
    train = gen.flow_from_directory(os.path.join(args.data, "train"), target_size=(h, w), batch_size=32, class_mode="binary")
    xb, yb = train[0]
    model.train_on_batch(xb, yb)  # warm-up (traces the step)
    t, c = time.perf_counter(), cpu_now()
    model.fit(train, steps_per_epoch=len(train), epochs=1, verbose=0)
    return {"images": train.samples, "seconds": time.perf_counter() - t, "cpu_seconds": cpu_now() - c}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--framework", choices=["torch", "keras"], required=True)
    ap.add_argument("--job", choices=["features", "finetune"], required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--size", default="60x90")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    h, w = (int(v) for v in args.size.split("x"))
    out = (torch_job if args.framework == "torch" else keras_job)(args, h, w)
    out.update({"peer": "tf_keras" if args.framework == "keras" else args.framework, "job": args.job, "size": args.size, "peak_rss_mb": peak_rss_mb(), "threads": args.threads})
    out["images_per_s"] = out["images"] / out["seconds"]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
