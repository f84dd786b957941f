#!/usr/bin/env python3
"""Keras' side of the zoo load bench (packages/applications/bench/zoo-memory.mjs): build
VGG16(weights=None) and load_weights(FILE) (Keras' legacy .h5 layout, by layer name), in a
fresh process. Prints one JSON line: seconds to build + load, and the peak resident memory.

    python bench/peers/zoo_keras_load.py /tmp/vgg16_like.h5
"""
import json
import resource
import sys
import time

import keras

start = time.perf_counter()
model = keras.applications.VGG16(weights=None)
model.load_weights(sys.argv[1])
seconds = time.perf_counter() - start
print(json.dumps({"keras": keras.__version__, "load_seconds": seconds, "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
