"""Writes test/fixtures/tree/ (a small folder of class subfolders with tricky names) and
test/fixtures/keras-directory.json: what Keras' flow_from_directory makes of it (class
order, class_indices, filenames, classes, validation-split subsets, the first batches).
The tests compare DirectoryIterator with it without Python:

    .venv-peers/bin/python packages/data/scripts/make-directory-fixture.py

Needs numpy, Pillow and Keras (with its TensorFlow backend).
"""
import hashlib
import json
import os
import shutil

import numpy as np
from PIL import Image

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from keras.src.legacy.preprocessing.image import ImageDataGenerator  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "test", "fixtures")
TREE = os.path.join(FIXTURES, "tree")
shutil.rmtree(TREE, ignore_errors=True)

rng = np.random.default_rng(1)


def image(path, fmt="PNG"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(rng.integers(0, 256, size=(6, 5, 3), dtype=np.uint8)).save(path, format=fmt)


# Classes: upper/lower case, digits (sorted as text: "10" < "2"), a space, accents, an
# emoji (beyond U+FFFF), a private-use character (U+E000, which code-unit order would put
# after the emoji), an empty class, a file at the top level (not a class).
layout = {
    "Zebra": ["z1.png", "Z0.png", "z10.png", "z2.png"],
    "apple": [
        "B.png", "a.PNG", "a.jpg", "img10.png", "img2.png", "x.jpeg", "photo.JPG", "y.tif", "v.tiff",
        "z.bmp", "w.ppm", ".hidden.png", "imgpng", "notes.txt", "sub/k.png", "sub/deeper/j.png",
        "sub-2/m.png", "Sub/n.png", "sub 3/o.png", "s\u00fcb/p.png",
    ],
    "10": ["one.png", "two.png", "three.png"],
    "2": ["b.png", "a.png"],
    "b c": ["\u00fc.png", "u.png", "\u4e2d.png", "\U0001F600.png", "\ue000.png", "_.png", "-.png", "~.png"],
    "\u00c4pfel": ["a.png", "b.png", "c.png", "d.png", "e.png", "f.png", "g.png"],
    "\U0001F600cls": ["a.png"],
    "\ue000cls": ["a.png"],
    "empty": [],
}
FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "tif": "TIFF", "tiff": "TIFF", "bmp": "BMP", "ppm": "PPM"}
for cls, files in layout.items():
    os.makedirs(os.path.join(TREE, cls), exist_ok=True)
    for f in files:
        path = os.path.join(TREE, cls, f)
        ext = f.rsplit(".", 1)[-1].lower() if "." in f else "png"
        if f == "notes.txt":
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as fh:
                fh.write("not an image\n")
        else:
            image(path, FORMATS.get(ext, "PNG"))
with open(os.path.join(TREE, "README.txt"), "w") as fh:
    fh.write("a file beside the class folders: not a class\n")

TARGET = (6, 5)


def describe(it, batches=1):
    out = {
        "class_indices": it.class_indices,
        "filenames": it.filenames,
        "classes": [int(c) for c in it.classes],
        "samples": it.samples,
        "length": len(it),
        "batches": [],
    }
    for i in range(min(batches, len(it))):
        b = it[i]
        x, y = (b, None) if not isinstance(b, tuple) else b
        out["batches"].append({
            "x_shape": list(x.shape),
            "x_dtype": str(x.dtype),
            "x_sha256": hashlib.sha256(np.ascontiguousarray(x).tobytes()).hexdigest(),
            "y": None if y is None else np.asarray(y).tolist(),
            "y_dtype": None if y is None else str(np.asarray(y).dtype),
            "y_shape": None if y is None else list(np.asarray(y).shape),
        })
    return out


result = {}
gen = ImageDataGenerator()
for mode in ("categorical", "binary", "sparse", "input", None):
    it = gen.flow_from_directory(TREE, target_size=TARGET, class_mode=mode, shuffle=False, batch_size=8)
    result[f"class_mode={mode}"] = describe(it, batches=2)
rescaled = ImageDataGenerator(rescale=1.0 / 255).flow_from_directory(TREE, target_size=(4, 3), shuffle=False, batch_size=5, color_mode="grayscale")
result["rescale_gray_4x3"] = describe(rescaled, batches=1)
split = ImageDataGenerator(validation_split=0.3)
for subset in ("training", "validation"):
    it = split.flow_from_directory(TREE, target_size=TARGET, shuffle=False, subset=subset, batch_size=4, class_mode="sparse")
    result[f"subset={subset}"] = describe(it, batches=1)
chosen = gen.flow_from_directory(TREE, target_size=TARGET, shuffle=False, classes=["2", "apple", "Zebra"], batch_size=4)
result["classes=[2,apple,Zebra]"] = describe(chosen, batches=1)

# keras.utils.image_dataset_from_directory: its listing, its seeded numpy shuffle of the
# file list, its validation split (the last fraction of the shuffled list), its batches.
from keras.utils import image_dataset_from_directory  # noqa: E402

datasets = {}
for name, kw in {
    "shuffle=False": dict(shuffle=False),
    "seed=7": dict(seed=7),
    "seed=7,training": dict(seed=7, validation_split=0.3, subset="training"),
    "seed=7,validation": dict(seed=7, validation_split=0.3, subset="validation"),
    "classes=[apple,2],binary,shuffle=False": dict(class_names=["apple", "2"], label_mode="binary", shuffle=False),
}.items():
    ds = image_dataset_from_directory(TREE, image_size=TARGET, batch_size=4, **kw)
    first = next(iter(ds))
    datasets[name] = {
        "class_names": ds.class_names,
        "file_paths": [os.path.relpath(p, TREE) for p in ds.file_paths],
        "first_batch_y": np.asarray(first[1]).tolist(),
        "first_batch_y_dtype": str(np.asarray(first[1]).dtype),
        "first_batch_y_shape": list(np.asarray(first[1]).shape),
    }
result["image_dataset_from_directory"] = datasets

# numpy's legacy RandomState(seed).shuffle, which image_dataset_from_directory uses.
result["numpy_shuffles"] = {}
for seed in (0, 1, 7, 42, 123456):
    for n in (2, 5, 45, 1000):
        a = list(range(n))
        np.random.RandomState(seed).shuffle(a)
        result["numpy_shuffles"][f"{seed}/{n}"] = a

import keras  # noqa: E402

with open(os.path.join(FIXTURES, "keras-directory.json"), "w", encoding="utf-8") as fh:
    json.dump({"keras": keras.__version__, "target_size": list(TARGET), "cases": result}, fh, indent=1, ensure_ascii=False)
print("wrote", TREE, "and keras-directory.json")
