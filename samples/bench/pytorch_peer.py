#!/usr/bin/python3
"""PyTorch peer of Lamina's seed-CNN benchmark (dev.lamina.samples.Benchmark).

Model (same as /work/shared/bench/peers/pytorch_seed_cnn.py, Keras defaults copied):
  Conv2D(32,3x3)+BN+ReLU+MaxPool2 -> Conv2D(64,3x3)+BN+ReLU+MaxPool2 -> Flatten -> Linear(1600,10)
  xavier-uniform kernels, zero biases, BN eps 1e-3 / momentum 0.01 (torch) = 0.99 (Keras),
  cross_entropy, Adam(lr 1e-3, eps 1e-7), torch.set_num_threads(2).

Every result is printed as one line `RESULT <key> <value>`; side-by-side.sh parses those lines.

Run:  /usr/bin/python3 samples/bench/pytorch_peer.py                 # throughput, latency, sgemm
      /usr/bin/python3 samples/bench/pytorch_peer.py --quick         # short smoke run
      /usr/bin/python3 samples/bench/pytorch_peer.py --data /usr/share/datasets/fashion-mnist [--epochs N]
"""
import argparse
import gzip
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

TRAIN_FLOP_PER_IMAGE = 14.26e6  # forward + backward, see /work/shared/bench/peers/flops.py
DATA_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
              "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def result(key, value):
    print(f"RESULT {key} {value:.6g}", flush=True)


# ---------------------------------------------------------------- model

def build_model():
    m = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.BatchNorm2d(32, eps=1e-3, momentum=0.01), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.BatchNorm2d(64, eps=1e-3, momentum=0.01), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1600, 10))  # softmax is folded into cross_entropy
    for mod in m:
        if isinstance(mod, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(mod.weight)
            nn.init.zeros_(mod.bias)
    trainable = sum(p.numel() for p in m.parameters() if p.requires_grad)
    assert trainable == 35018, trainable
    return m


def make_opt(m, lr=1e-3):
    return torch.optim.Adam(m.parameters(), lr=lr, eps=1e-7)


def train_step(m, opt, xb, yb):
    opt.zero_grad(set_to_none=True)
    loss = F.cross_entropy(m(xb), yb)
    loss.backward()
    opt.step()
    return loss


# ---------------------------------------------------------------- timing helpers

def rate(fn, items_per_call, seconds, reps, warmup_s):
    """Median items/s over `reps` windows of ~`seconds` each, after `warmup_s` of warm-up."""
    t_end = time.perf_counter() + warmup_s
    fn()
    while time.perf_counter() < t_end:
        fn()
    rates = []
    for _ in range(reps):
        calls, t0 = 0, time.perf_counter()
        while True:
            fn()
            calls += 1
            dt = time.perf_counter() - t0
            if dt >= seconds:
                break
        rates.append(items_per_call * calls / dt)
    return statistics.median(rates), rates


def train_rate(bs, a):
    m = build_model()
    m.train()
    opt = make_opt(m)
    xb, yb = torch.rand(bs, 1, 28, 28), torch.randint(0, 10, (bs,))
    return rate(lambda: train_step(m, opt, xb, yb), bs, a.seconds, a.reps, a.warmup)


def infer_rate(bs, a):
    m = build_model()
    m.eval()
    xb = torch.rand(bs, 1, 28, 28)

    def fwd():
        with torch.no_grad():
            m(xb)
    return rate(fwd, bs, a.seconds, a.reps, a.warmup)


def latency_b1(a):
    m = build_model()
    m.eval()
    x = torch.rand(1, 1, 28, 28)
    with torch.no_grad():
        t_end = time.perf_counter() + a.warmup
        while time.perf_counter() < t_end:
            m(x)
        times = []
        for _ in range(a.latency_calls):
            t0 = time.perf_counter()
            m(x)
            times.append(time.perf_counter() - t0)
    times.sort()
    med = statistics.median(times)
    p99 = times[min(len(times) - 1, int(np.ceil(0.99 * len(times))) - 1)]
    return med * 1e3, p99 * 1e3


def gemm_gflops(n, reps):
    """torch.mm n^3 fp32 (goes to whatever libblas.so.3 is loaded) and the same GEMM through oneDNN."""
    a, b = torch.rand(n, n), torch.rand(n, n)
    flop = 2.0 * n ** 3

    def med_time(fn):
        fn()  # warm-up
        ts = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
        return statistics.median(ts)

    mm = flop / med_time(lambda: torch.mm(a, b)) / 1e9
    onednn = None
    if torch.backends.mkldnn.is_available():
        am, bm = a.to_mkldnn(), b.t().contiguous().to_mkldnn()  # linear computes a @ W^T
        onednn = flop / med_time(lambda: torch._C._nn.mkldnn_linear(am, bm, None)) / 1e9
    return mm, onednn


# ---------------------------------------------------------------- data

def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = int.from_bytes(raw[0:4], "big") & 0xFF
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(d, split):
    x = read_idx(os.path.join(d, f"{split}-images-idx3-ubyte.gz")).astype(np.float32) / 255.0
    y = read_idx(os.path.join(d, f"{split}-labels-idx1-ubyte.gz")).astype(np.int64)
    return torch.from_numpy(x).unsqueeze(1).contiguous(), torch.from_numpy(y)  # NCHW


@torch.no_grad()
def accuracy(m, x, y, bs=256):
    m.eval()
    correct = 0
    for i in range(0, len(x), bs):
        correct += (m(x[i:i + bs]).argmax(1) == y[i:i + bs]).sum().item()
    m.train()
    return correct / len(x)


def real_epochs(a):
    xtr_all, ytr_all = load(a.data, "train")
    xte, yte = load(a.data, "t10k")
    xtr, ytr = xtr_all[:54000], ytr_all[:54000]  # last 6,000 held out (Keras validation_split=0.1)
    m = build_model()
    opt = make_opt(m, a.lr)
    n, bs = len(xtr), 32
    steps = (n + bs - 1) // bs
    times = []
    for ep in range(1, a.epochs + 1):
        perm = torch.randperm(n)
        m.train()
        t0 = time.perf_counter()
        for s in range(steps):
            idx = perm[s * bs:(s + 1) * bs]
            train_step(m, opt, xtr[idx], ytr[idx])
        dt = time.perf_counter() - t0
        times.append(dt)
        print(f"epoch {ep}: {dt:.2f} s ({steps} steps, {1000 * dt / steps:.2f} ms/step, "
              f"{n / dt:.0f} img/s)", flush=True)
    acc = accuracy(m, xte, yte)
    print(f"test accuracy after {a.epochs} epoch(s): {acc:.4f}", flush=True)
    return statistics.median(times), acc


# ---------------------------------------------------------------- main

def blas_info():
    cfg = torch.__config__.show()
    info = "?"
    for tok in cfg.replace(",", " ").split():
        if tok.startswith("BLAS_INFO="):
            info = tok.split("=", 1)[1]
    with open("/proc/self/maps") as f:
        libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})
    mkldnn = "oneDNN" if torch.backends.mkldnn.is_available() else "no-oneDNN"
    return f"{info}({','.join(libs) or 'no libblas mapped'}) {mkldnn}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, help="time per measurement window (default 3, --quick 0.5)")
    ap.add_argument("--reps", type=int, help="repetitions per measurement, median reported (default 5, --quick 2)")
    ap.add_argument("--quick", action="store_true", help="short run for testing")
    ap.add_argument("--data", metavar="DIR", help="Fashion-MNIST folder (idx .gz files): also time real epochs")
    ap.add_argument("--epochs", type=int, default=1, help="real epochs with --data (default 1)")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--latency-calls", type=int, help="batch-1 calls timed (default 2000, --quick 300)")
    ap.add_argument("--gemm-n", type=int, default=2048)
    ap.add_argument("--no-gemm", action="store_true", help="skip the sgemm measurement")
    a = ap.parse_args()
    if a.seconds is None:
        a.seconds = 0.5 if a.quick else 3.0
    if a.reps is None:
        a.reps = 2 if a.quick else 5
    if a.latency_calls is None:
        a.latency_calls = 300 if a.quick else 2000
    a.warmup = min(1.0, a.seconds)
    if a.data is not None:
        missing = [f for f in DATA_FILES if not os.path.isfile(os.path.join(a.data, f))]
        if missing:
            sys.exit(f"ERROR: --data {a.data}: missing {', '.join(missing)} "
                     f"(apt-get install -y dataset-fashion-mnist -> /usr/share/datasets/fashion-mnist)")

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    print(f"INFO torch {torch.__version__} threads {torch.get_num_threads()} blas {blas_info()}", flush=True)
    print(f"# {a.seconds} s x {a.reps} reps per measurement (median), warm-up {a.warmup} s", flush=True)

    if a.data is not None:
        # the real epochs first, and the peak RSS right after them: the memory of training on that data
        ep_s, acc = real_epochs(a)
        result("epoch_seconds", ep_s)
        result("test_accuracy", acc)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        print(f"peak RSS after training on {a.data}: {rss:.0f} MiB", flush=True)
        result("peak_rss_mib", rss)

    for bs in (32, 256):
        med, rs = train_rate(bs, a)
        print(f"train fwd+bwd+Adam batch {bs}: {med:.0f} img/s ({1000 * bs / med:.2f} ms/step; "
              f"reps {[round(r) for r in rs]})", flush=True)
        result(f"train_img_s_b{bs}", med)
        if bs == 32:
            train32 = med

    med, rs = infer_rate(256, a)
    print(f"inference batch 256: {med:.0f} img/s (reps {[round(r) for r in rs]})", flush=True)
    result("infer_img_s_b256", med)

    lmed, lp99 = latency_b1(a)
    print(f"batch-1 inference latency over {a.latency_calls} calls: median {lmed:.3f} ms, p99 {lp99:.3f} ms",
          flush=True)
    result("latency_b1_median_ms", lmed)
    result("latency_b1_p99_ms", lp99)

    if not a.no_gemm:
        mm, onednn = gemm_gflops(a.gemm_n, a.reps)
        print(f"torch.mm {a.gemm_n}^3 fp32: {mm:.1f} GFLOP/s"
              + (f"; same GEMM via oneDNN: {onednn:.1f} GFLOP/s" if onednn else ""), flush=True)
        result("sgemm_gflops", mm)
        if onednn:
            result("sgemm_onednn_gflops", onednn)

    useful = train32 * TRAIN_FLOP_PER_IMAGE / 1e9
    print(f"useful training GFLOP/s at batch 32: {useful:.2f}", flush=True)
    result("useful_train_gflops", useful)

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"peak RSS: {rss:.0f} MiB", flush=True)
    result("peak_rss_mib" if a.data is None else "peak_rss_mib_all", rss)


if __name__ == "__main__":
    main()
