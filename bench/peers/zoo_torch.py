#!/usr/bin/env python3
"""The PyTorch peer of the zoo inference bench (packages/applications/bench/zoo.mjs).

torchvision's VGG16, ResNet50 and InceptionV3 (the architectures of keras.applications'
models; random weights: inference time does not depend on the values), eval mode, no_grad,
float32 NCHW inputs. A long-lived process so the Node side can alternate its rounds with
ours under the same machine load; one request per line on stdin, one JSON line back:

    ready                         -> {"torch": "2.x", "threads": N}
    <model> <batch> <seconds>     -> {"images_per_s": …, "runs": …}
    quit

    python bench/peers/zoo_torch.py --threads 2
"""
import argparse
import json
import sys
import time

import torch
import torchvision

SIZES = {"vgg16": 224, "resnet50": 224, "inception_v3": 299}


def build(name):
    if name == "inception_v3":
        # transform_input=False: Keras' InceptionV3 takes preprocess_input's [-1, 1] directly.
        model = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=False, transform_input=False)
    else:
        model = getattr(torchvision.models, name)(weights=None)
    return model.eval()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    models = {}
    print(json.dumps({"torch": torch.__version__, "torchvision": torchvision.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        name, batch, seconds = words[0], int(words[1]), float(words[2])
        if name not in models:
            models[name] = build(name)
        model = models[name]
        size = SIZES[name]
        x = torch.rand(batch, 3, size, size) * 2 - 1
        with torch.inference_mode():
            model(x)  # warm-up
            runs, start = 0, time.perf_counter()
            while runs < 2 or time.perf_counter() - start < seconds:
                model(x)
                runs += 1
            elapsed = time.perf_counter() - start
        print(json.dumps({"images_per_s": runs * batch / elapsed, "runs": runs}), flush=True)


if __name__ == "__main__":
    main()
