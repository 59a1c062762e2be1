"""Fashion-MNIST for the sequence workloads W6/W7 of WORKLOADS.md, and the RESULT line, for the Python peers.

The IDX reading and scaling are those of ../shared/peers/python/peercommon.py (pixels / 255, float32, labels
int64); the reshaping into sequences happens once, before any timing.
"""
import gzip
import json
import os
import struct
import sys

import numpy as np

FMNIST_DIR = "/usr/share/datasets/fashion-mnist"  # Debian package dataset-fashion-mnist


def emit(result):
    """Last line of stdout: the machine-readable result, parsed by compare.sh."""
    sys.stdout.write("RESULT " + json.dumps(result, sort_keys=True) + "\n")
    sys.stdout.flush()


def _read_idx(path):
    if not os.path.exists(path):
        sys.exit(f"seqdata: {path} is missing; install it with `sudo apt-get install -y dataset-fashion-mnist`")
    with gzip.open(path, "rb") as fh:
        data = fh.read()
    magic = struct.unpack(">I", data[:4])[0]
    ndim = magic & 0xFF
    if magic >> 8 != 0x08:
        sys.exit(f"seqdata: {path}: magic {magic:#x} is not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fmnist_images():
    """(Xtr [60000,28,28] float32 in [0,1], ytr int64, Xte [10000,28,28], yte)."""
    p = lambda n: os.path.join(FMNIST_DIR, n)
    Xtr = _read_idx(p("train-images-idx3-ubyte.gz")).astype(np.float32) / 255
    ytr = _read_idx(p("train-labels-idx1-ubyte.gz")).astype(np.int64)
    Xte = _read_idx(p("t10k-images-idx3-ubyte.gz")).astype(np.float32) / 255
    yte = _read_idx(p("t10k-labels-idx1-ubyte.gz")).astype(np.int64)
    return Xtr, ytr, Xte, yte


def patches(X, size=7):
    """[n, 28, 28] -> [n, 16, 49]: the non-overlapping size x size patches in row-major order, each row-major."""
    n, h, w = X.shape
    g = h // size
    return np.ascontiguousarray(
        X.reshape(n, g, size, g, size).transpose(0, 1, 3, 2, 4).reshape(n, g * g, size * size))


def sequences(workload):
    """W6: each image the sequence of its 28 rows [n, 28, 28]; W7: its 16 patches [n, 16, 49]."""
    Xtr, ytr, Xte, yte = fmnist_images()
    if workload == "W7":
        Xtr, Xte = patches(Xtr), patches(Xte)
    return Xtr, ytr, Xte, yte
