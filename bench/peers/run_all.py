#!/usr/bin/env python3
"""Run every peer benchmark once and save the JSON lines to results-<date>.json.

    python bench/peers/run_all.py [--epochs 10] [--out FILE]

Runs: torch threads=1; torch threads=2 with BLAS pools limited to 1 via
threadpoolctl; torch threads=2; keras (1.1 MLP); keras --batchnorm (1.6).
Each run is a fresh process; runs are sequential.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

RUNS = [
    ("torch_t1", ["mlp_torch.py", "--threads", "1"]),
    ("torch_t2_blas1", ["mlp_torch.py", "--threads", "2", "--blas-threads", "1"]),
    ("torch_t2", ["mlp_torch.py", "--threads", "2"]),
    ("keras", ["mlp_keras.py"]),
    ("keras_batchnorm", ["mlp_keras.py", "--batchnorm"]),
]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--out", default=None)
    ap.add_argument("--only", nargs="*", choices=[r[0] for r in RUNS])
    args = ap.parse_args()
    date = datetime.date.today().isoformat()
    out = args.out or os.path.join(HERE, f"results-{date}.json")
    record = {
        "date": date,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "epochs": args.epochs,
        "runs": {},
    }
    for name, argv in RUNS:
        if args.only and name not in args.only:
            continue
        load_before = os.getloadavg()
        t0 = time.time()
        proc = subprocess.run([sys.executable, os.path.join(HERE, argv[0]), *argv[1:],
                               "--epochs", str(args.epochs)],
                              capture_output=True, text=True, check=True)
        line = [l for l in proc.stdout.splitlines() if l.startswith("{")][-1]
        res = json.loads(line)
        res["wall_s"] = time.time() - t0
        res["loadavg_before"] = load_before
        res["loadavg_after"] = os.getloadavg()
        record["runs"][name] = res
        print(f"{name}: median {res['median_epoch_s']:.3f} s/epoch "
              f"(min {res['min_epoch_s']:.3f}), "
              f"{res['step_ms']:.3f} ms/step, test_acc {res['test_acc']:.4f}", file=sys.stderr)
    # Keep earlier attempts of the same day (timings on a shared machine vary).
    if os.path.exists(out):
        with open(out) as f:
            prev = json.load(f)
        record["previous_attempts"] = prev.pop("previous_attempts", []) + [prev]
    with open(out, "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    print(out)


if __name__ == "__main__":
    main()
