"""Writes the image fixtures under packages/data/test/fixtures/images/ and what Keras/PIL
make of them, so the tests compare loadImg with keras.utils.load_img without Python:

    .venv-peers/bin/python packages/data/scripts/make-image-fixtures.py

Needs numpy, Pillow and Keras (pip install pillow keras). The two photographs come from
scikit-image's data folder (Debian: apt-get install python3-skimage): rocket.jpg (SpaceX,
public domain) and chelsea.png (Stefan van der Walt, CC0). See fixtures/images/LICENSE.

Outputs:
  images/*.{jpg,png,bmp,gif,webp,tif,ppm,pgm}  the inputs (small, written by PIL)
  images/pil-reference.json   per case: file, options, shape and SHA-256 of Keras' array
  (ALL_ARRAYS=/tmp/all.npz also writes every case's uint8 array there, for investigating
  a difference; not committed)
"""
import hashlib
import io
import json
import os
import shutil

import numpy as np
from PIL import Image

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
from keras.utils import img_to_array, load_img  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "fixtures", "images")
SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"
os.makedirs(OUT, exist_ok=True)

for name in ("rocket.jpg", "chelsea.png"):
    src = os.path.join(SKIMAGE, name)
    if os.path.exists(src):
        shutil.copyfile(src, os.path.join(OUT, name))

chelsea = Image.open(os.path.join(OUT, "chelsea.png")).convert("RGB")
small = chelsea.resize((96, 64), Image.BILINEAR)  # 96 wide, 64 high

# Every format the loader reads, written by PIL.
small.save(os.path.join(OUT, "small.png"))
small.save(os.path.join(OUT, "small.jpg"), quality=90)
small.save(os.path.join(OUT, "small.bmp"))  # 24-bit
small.save(os.path.join(OUT, "small.gif"))  # palette, PIL quantises
small.save(os.path.join(OUT, "small.webp"), lossless=True)
small.save(os.path.join(OUT, "small-lossy.webp"), quality=80)
small.save(os.path.join(OUT, "small.tif"))
small.save(os.path.join(OUT, "small.ppm"))
small.convert("L").save(os.path.join(OUT, "small-gray.pgm"))
small.convert("L").save(os.path.join(OUT, "small-gray.png"))
small.convert("L").save(os.path.join(OUT, "small-gray.bmp"))  # 8-bit palette BMP
small.convert("1").save(os.path.join(OUT, "small-1bit.bmp"))
small.convert("P", palette=Image.ADAPTIVE, colors=16).save(os.path.join(OUT, "small-palette.png"))
small.convert("P", palette=Image.ADAPTIVE, colors=200).save(os.path.join(OUT, "small-palette.bmp"))
small.convert("1").save(os.path.join(OUT, "small-1bit.png"))
small.convert("P", palette=Image.ADAPTIVE, colors=4).save(os.path.join(OUT, "small-2bit-palette.png"), bits=2)
small.convert("P", palette=Image.ADAPTIVE, colors=64).save(os.path.join(OUT, "small-palette-trns.png"), transparency=3)
rgba = small.convert("RGBA")
alpha = np.tile(np.linspace(0, 255, 96, dtype=np.uint8), (64, 1))
alpha[:8, :] = 0
rgba.putalpha(Image.fromarray(alpha))
rgba.save(os.path.join(OUT, "small-rgba.png"))
rgba.save(os.path.join(OUT, "small-rgba.bmp"))  # 32-bit BGRA, Pillow reads it back as RGB

# EXIF orientation 6 ("rotate 90 CW to view"): the stored pixels are the upright image
# rotated 90 degrees counter-clockwise.
upright = small
stored = upright.transpose(Image.ROTATE_90)
exif = Image.Exif()
exif[0x0112] = 6
stored.save(os.path.join(OUT, "exif-orientation-6.jpg"), quality=95, exif=exif.tobytes())
from PIL import ImageOps  # noqa: E402

cases = []


def case(name, file, **kw):
    img = load_img(os.path.join(OUT, file), **kw)
    arr = img_to_array(img).astype(np.uint8)
    cases.append((name, file, kw, arr))


# The real photos: full decode, resizes down and up with every filter, grayscale, crops.
for file in ("rocket.jpg", "chelsea.png"):
    stem = file.split(".")[0]
    case(f"{stem}-full", file)
    case(f"{stem}-gray-full", file, color_mode="grayscale")
    for interp in ("nearest", "bilinear", "bicubic", "lanczos", "box", "hamming"):
        case(f"{stem}-{interp}-60x90", file, target_size=(60, 90), interpolation=interp)
        case(f"{stem}-{interp}-up-500x700", file, target_size=(500, 700), interpolation=interp)
    case(f"{stem}-nearest-224x224", file, target_size=(224, 224))
    case(f"{stem}-nearest-up-601x899", file, target_size=(601, 899))
    case(f"{stem}-nearest-odd-97x131", file, target_size=(97, 131))
    case(f"{stem}-bilinear-odd-97x131", file, target_size=(97, 131), interpolation="bilinear")
    case(f"{stem}-gray-nearest-60x90", file, target_size=(60, 90), color_mode="grayscale")
    case(f"{stem}-gray-bilinear-60x90", file, target_size=(60, 90), color_mode="grayscale", interpolation="bilinear")
    case(f"{stem}-keep-nearest-224x224", file, target_size=(224, 224), keep_aspect_ratio=True)
    case(f"{stem}-keep-bilinear-100x60", file, target_size=(100, 60), keep_aspect_ratio=True, interpolation="bilinear")
    case(f"{stem}-rgba-full", file, color_mode="rgba")

for file in ("small.png", "small.jpg", "small.bmp", "small.gif", "small.webp", "small-lossy.webp", "small.tif",
             "small.ppm", "small-gray.pgm", "small-gray.png", "small-gray.bmp", "small-1bit.bmp",
             "small-palette.png", "small-palette.bmp", "small-rgba.png", "small-rgba.bmp",
             "small-1bit.png", "small-2bit-palette.png", "small-palette-trns.png"):
    stem = file.replace(".", "-")
    case(f"{stem}-rgb", file)
    case(f"{stem}-gray", file, color_mode="grayscale")
    case(f"{stem}-rgba", file, color_mode="rgba")
case("small-rgba-png-rgba-bilinear-40x50", "small-rgba.png", color_mode="rgba", target_size=(40, 50), interpolation="bilinear")
case("small-rgba-png-rgba-bicubic-up-100x150", "small-rgba.png", color_mode="rgba", target_size=(100, 150), interpolation="bicubic")
case("small-gray-png-gray-lanczos-33x47", "small-gray.png", color_mode="grayscale", target_size=(33, 47), interpolation="lanczos")
case("exif-raw", "exif-orientation-6.jpg")  # Keras ignores the tag

# What the upright image looks like after decoding (PIL's exif_transpose), for autoOrient.
upright_pixels = np.asarray(ImageOps.exif_transpose(Image.open(os.path.join(OUT, "exif-orientation-6.jpg"))).convert("RGB"))

reference = {}
all_arrays = {}
for name, file, kw, arr in cases:
    options = {}
    if "target_size" in kw:
        options["targetSize"] = list(kw["target_size"])
    if "color_mode" in kw:
        options["colorMode"] = kw["color_mode"]
    if "interpolation" in kw:
        options["interpolation"] = kw["interpolation"]
    if "keep_aspect_ratio" in kw:
        options["keepAspectRatio"] = kw["keep_aspect_ratio"]
    reference[name] = {
        "file": file,
        "options": options,
        "shape": list(arr.shape),
        "sha256": hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest(),
    }
    all_arrays[name.replace("-", "_")] = arr
reference["exif-upright"] = {
    "file": "exif-orientation-6.jpg",
    "options": {},
    "shape": list(upright_pixels.shape),
    "sha256": hashlib.sha256(np.ascontiguousarray(upright_pixels).tobytes()).hexdigest(),
}
all_arrays["exif_upright"] = upright_pixels

import PIL  # noqa: E402
import keras  # noqa: E402

with open(os.path.join(OUT, "pil-reference.json"), "w") as f:
    json.dump({"pillow": PIL.__version__, "keras": keras.__version__, "cases": reference}, f, indent=1)
if os.environ.get("ALL_ARRAYS"):  # every case, for investigating differences (not committed)
    np.savez_compressed(os.environ["ALL_ARRAYS"], **all_arrays)
print("wrote", len(reference), "cases;", sorted(os.listdir(OUT)))
