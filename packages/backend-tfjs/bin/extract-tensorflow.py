# Copies out of a TensorFlow wheel (or an installed `tensorflow` package directory) what
# @tensorflow/tfjs-node's native binding needs: the TensorFlow C library and the C API headers.
#
#   python extract-tensorflow.py <tensorflow_cpu-*.whl | .../site-packages/tensorflow> <dest>
#
# <dest>/lib gets libtensorflow_cc.so.2 and libtensorflow_framework.so.2 (the first exports the
# TF_/TFE_ C API tfjs-node calls); <dest>/include gets the headers the binding includes and every
# header they include in turn (a few dozen kB instead of the wheel's 290 MB include tree).
# Run by layerwise-tfjs-node; stdlib only.
import os
import re
import shutil
import sys
import zipfile

LIBS = ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"]
# What tfjs-node 4.x's binding/*.cc and *.h include from TensorFlow.
ROOTS = [
    "tensorflow/c/c_api.h",
    "tensorflow/c/eager/c_api.h",
    "tensorflow/c/tf_datatype.h",
    "tensorflow/c/tf_status.h",
    "tensorflow/c/tf_tensor.h",
    "tensorflow/core/platform/ctstring_internal.h",
]
INCLUDE = re.compile(rb'#include\s+"([^"]+)"')


def main(src, dest):
    if os.path.isdir(src):
        exists = lambda p: os.path.isfile(os.path.join(src, p))
        read = lambda p: open(os.path.join(src, p), "rb").read()
        copy = lambda p, to: shutil.copyfile(os.path.join(src, p), to)
    else:
        z = zipfile.ZipFile(src)
        names = set(z.namelist())
        exists = lambda p: "tensorflow/" + p in names
        read = lambda p: z.read("tensorflow/" + p)

        def copy(p, to):
            with z.open("tensorflow/" + p) as f, open(to, "wb") as out:
                shutil.copyfileobj(f, out, 1 << 20)

    missing = [lib for lib in LIBS if not exists(lib)]
    if missing:
        sys.exit(f"{src}: no {', '.join(missing)} in it (is it a tensorflow / tensorflow-cpu wheel for Linux?)")
    os.makedirs(os.path.join(dest, "lib"), exist_ok=True)
    for lib in LIBS:
        copy(lib, os.path.join(dest, "lib", lib))

    seen, todo = set(), list(ROOTS)
    while todo:
        h = todo.pop()
        if h in seen:
            continue
        seen.add(h)
        path = "include/" + h
        if not exists(path):
            sys.exit(f"{src}: header {h} not found (this TensorFlow's C API headers differ from what tfjs-node expects)")
        to = os.path.join(dest, "include", h)
        os.makedirs(os.path.dirname(to), exist_ok=True)
        copy(path, to)
        todo.extend(m.decode() for m in INCLUDE.findall(read(path)))
    print(f"extracted {len(LIBS)} libraries and {len(seen)} headers into {dest}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: extract-tensorflow.py <wheel or tensorflow dir> <dest>")
    main(sys.argv[1], sys.argv[2])
