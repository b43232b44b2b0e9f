#!/usr/bin/env python3
"""PyTorch oracle for the Lamina "seed model"; writes a golden fixture for the Java tests.

Run from the repository root (needs the Debian package python3-torch):

    /usr/bin/python3 processor/src/test/python/seed_model_oracle.py

It writes processor/src/test/resources/oracle/seed_model.txt (an optional first argument
overrides the output path).

Model (Keras semantics, channels-last at the boundary):
    input (N,28,28,1) -> Conv2D(32,3x3,VALID) -> BatchNorm(0.99,1e-3, training) -> ReLU
    -> MaxPool 2x2 -> Conv2D(64,3x3,VALID) -> BatchNorm(training) -> ReLU -> MaxPool 2x2
    -> Flatten in NHWC order (N,1600) -> Dense(10) + softmax
    loss = sparse categorical cross-entropy, mean over the batch.

The model is built from explicit torch.nn.functional ops on NCHW tensors. Parameters are
leaf tensors held in Keras layout (conv kernel (kh,kw,in,out), dense kernel (in,units))
and are permuted inside the forward pass, so autograd gradients come out in Keras layout.
Everything is computed in float64. Inputs and initial parameters are first rounded to
float32, so a float32 implementation that loads the fixture sees exactly the values the
oracle used.

Fixture format (plain text): '#' lines are comments; every other line is
    name d0,d1,...: v0 v1 v2 ...
with values in row-major (C) order of the stated Keras-layout shape; a scalar has empty
dims ("loss : 2.3"). Entries: input, labels, the 14 parameters (initial values),
output (training-mode softmax), loss, grad.<param> for the 10 trainable parameters,
after.bnK.moving_mean / after.bnK.moving_variance (Keras update rule, biased batch
variance), and inference_output (BN using the initial moving statistics).

Self-checks (asserts): NHWC flatten order, central finite differences for a few
parameter elements, and the moving-statistics update against torch's own running buffers.
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

N = 4
MOMENTUM = 0.99
EPS = 1e-3
SEED = 1234
# Significant digits written: input/parameters are float32-exact, so 9 digits round-trip
# them exactly; computed float64 results are written with 17 digits (exact round-trip).
DIGITS_F32 = 9
DIGITS_F64 = 17

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
DEFAULT_OUT = os.path.join(REPO_ROOT, "processor", "src", "test", "resources", "oracle", "seed_model.txt")

PARAM_NAMES = [
    "conv1.kernel", "conv1.bias",
    "bn1.gamma", "bn1.beta", "bn1.moving_mean", "bn1.moving_variance",
    "conv2.kernel", "conv2.bias",
    "bn2.gamma", "bn2.beta", "bn2.moving_mean", "bn2.moving_variance",
    "out.kernel", "out.bias",
]
TRAINABLE = [n for n in PARAM_NAMES if "moving" not in n]


def make_fixture_values():
    """Deterministic inputs, labels and Keras-layout parameters (float32-exact, as float64)."""
    rs = np.random.RandomState(SEED)

    def u(lo, hi, shape):
        return rs.uniform(lo, hi, size=shape).astype(np.float32).astype(np.float64)

    x = u(0.0, 1.0, (N, 28, 28, 1))
    # a blank margin, as MNIST digits have: equal inputs give equal values in whole pool windows, so the test also
    # covers ties (PyTorch, like Keras and Lamina, gives a window's gradient to its first maximum)
    x[:, :7, :, :] = 0.0
    x[:, :, :6, :] = 0.0
    labels = rs.randint(0, 10, size=(N,)).astype(np.int64)
    p = {}
    p["conv1.kernel"] = u(-0.3, 0.3, (3, 3, 1, 32))
    p["conv1.bias"] = u(-0.1, 0.1, (32,))
    p["bn1.gamma"] = u(0.5, 1.5, (32,))
    p["bn1.beta"] = u(-0.2, 0.2, (32,))
    p["bn1.moving_mean"] = u(-0.1, 0.1, (32,))
    p["bn1.moving_variance"] = u(0.5, 1.5, (32,))
    p["conv2.kernel"] = u(-0.3, 0.3, (3, 3, 32, 64))
    p["conv2.bias"] = u(-0.1, 0.1, (64,))
    p["bn2.gamma"] = u(0.5, 1.5, (64,))
    p["bn2.beta"] = u(-0.2, 0.2, (64,))
    p["bn2.moving_mean"] = u(-0.1, 0.1, (64,))
    p["bn2.moving_variance"] = u(0.5, 1.5, (64,))
    lim = float(np.sqrt(6.0 / (1600 + 10)))  # glorot-uniform for the dense kernel
    p["out.kernel"] = u(-lim, lim, (1600, 10))
    p["out.bias"] = u(-0.1, 0.1, (10,))
    return x, labels, p


def forward(x_nhwc, p, training, taps=None):
    """Forward pass. x_nhwc: (N,28,28,1) float64 tensor; p: dict of Keras-layout tensors.

    Returns logits (N,10). If taps is a dict, it receives intermediate tensors.
    """
    x = x_nhwc.permute(0, 3, 1, 2)  # NHWC -> NCHW

    def conv(h, k, b):
        return F.conv2d(h, k.permute(3, 2, 0, 1), b, stride=1, padding=0)  # (kh,kw,in,out)->(out,in,kh,kw)

    def bn(h, name):
        g, be = p[name + ".gamma"], p[name + ".beta"]
        if training:
            if taps is not None:
                taps[name + ".pre"] = h
            # running stats are not passed: batch statistics, biased variance
            return F.batch_norm(h, None, None, g, be, training=True, momentum=0.0, eps=EPS)
        mm, mv = p[name + ".moving_mean"], p[name + ".moving_variance"]
        return F.batch_norm(h, mm.clone(), mv.clone(), g, be, training=False, eps=EPS)

    h = conv(x, p["conv1.kernel"], p["conv1.bias"])
    h = F.max_pool2d(F.relu(bn(h, "bn1")), kernel_size=2, stride=2)
    h = conv(h, p["conv2.kernel"], p["conv2.bias"])
    h = F.max_pool2d(F.relu(bn(h, "bn2")), kernel_size=2, stride=2)  # (N,64,5,5)
    flat = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)  # Keras flatten order: (H, W, C)
    if taps is not None:
        taps["pool2"] = h
        taps["flat"] = flat
    return flat @ p["out.kernel"] + p["out.bias"]  # Keras dense kernel (in, units)


def loss_fn(logits, labels):
    return F.cross_entropy(logits, labels, reduction="mean")  # == mean(-log softmax[label])


def fmt(values, digits):
    return " ".join("%.*g" % (digits, float(v)) for v in np.asarray(values).reshape(-1))


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    torch.manual_seed(SEED)
    x_np, labels_np, p_np = make_fixture_values()

    x = torch.tensor(x_np, dtype=torch.float64)
    labels = torch.tensor(labels_np)
    p = {n: torch.tensor(v, dtype=torch.float64, requires_grad=(n in TRAINABLE)) for n, v in p_np.items()}

    # ---- training-mode forward + backward
    taps = {}
    logits = forward(x, p, training=True, taps=taps)
    probs = torch.softmax(logits, dim=1)
    loss = loss_fn(logits, labels)
    loss.backward()
    grads = {n: p[n].grad.detach().numpy().copy() for n in TRAINABLE}
    for n in TRAINABLE:
        assert grads[n].shape == p_np[n].shape, n

    # ---- self-check: flatten order is NHWC (H, W, C row-major)
    pool2 = taps["pool2"].detach().numpy()  # NCHW (N,64,5,5)
    flat = taps["flat"].detach().numpy()
    assert flat.shape == (N, 1600)
    for (n_, c, hh, ww) in [(0, 0, 0, 1), (1, 5, 2, 3), (3, 63, 4, 4), (2, 17, 1, 0)]:
        assert flat[n_, (hh * 5 + ww) * 64 + c] == pool2[n_, c, hh, ww]
    assert np.array_equal(flat, np.transpose(pool2, (0, 2, 3, 1)).reshape(N, -1))

    # ---- self-check: central finite differences in float64
    def loss_at(name, idx, delta):
        q = {k: v.detach().clone() for k, v in p.items()}
        q[name][idx] += delta
        with torch.no_grad():
            return loss_fn(forward(x, q, training=True), labels).item()

    h = 1e-6
    for name, idx in [("conv1.kernel", (1, 2, 0, 7)), ("conv2.kernel", (0, 1, 3, 11)),
                      ("bn1.gamma", (4,)), ("out.kernel", (123, 6))]:
        fd = (loss_at(name, idx, h) - loss_at(name, idx, -h)) / (2 * h)
        ag = float(grads[name][idx])
        assert abs(fd - ag) <= 1e-6 * max(1.0, abs(ag)) + 1e-9, (name, idx, fd, ag)
        print("finite-difference check %s%s: autograd=%.12g fd=%.12g" % (name, idx, ag, fd))

    # ---- moving statistics after one training step (Keras rule, biased batch variance)
    after = {}
    for bn_name in ("bn1", "bn2"):
        pre = taps[bn_name + ".pre"].detach()
        bmean = pre.mean(dim=(0, 2, 3))
        bvar = pre.var(dim=(0, 2, 3), unbiased=False)
        mm = p[bn_name + ".moving_mean"].detach()
        mv = p[bn_name + ".moving_variance"].detach()
        after[bn_name + ".moving_mean"] = (mm * MOMENTUM + bmean * (1 - MOMENTUM)).numpy()
        after[bn_name + ".moving_variance"] = (mv * MOMENTUM + bvar * (1 - MOMENTUM)).numpy()
        # cross-check against torch's buffers (torch running_var uses the unbiased variance)
        rm, rv = mm.clone(), mv.clone()
        F.batch_norm(pre, rm, rv, None, None, training=True, momentum=1 - MOMENTUM, eps=EPS)
        cnt = pre.numel() / pre.shape[1]
        assert np.allclose(rm.numpy(), after[bn_name + ".moving_mean"], rtol=1e-12, atol=1e-15)
        bessel_fixed = (rv - mv * MOMENTUM) * (cnt - 1) / cnt + mv * MOMENTUM
        assert np.allclose(bessel_fixed.numpy(), after[bn_name + ".moving_variance"], rtol=1e-12, atol=1e-15)

    # ---- inference-mode forward with the ORIGINAL moving statistics
    with torch.no_grad():
        inf_logits = forward(x, p, training=False)
        inf_probs = torch.softmax(inf_logits, dim=1).numpy()
        # cross-check BN inference formula explicitly for layer 1
        k1 = p["conv1.kernel"].permute(3, 2, 0, 1)
        c1 = F.conv2d(x.permute(0, 3, 1, 2), k1, p["conv1.bias"])
        sh = (1, -1, 1, 1)
        manual = (p["bn1.gamma"].view(sh) * (c1 - p["bn1.moving_mean"].view(sh))
                  / torch.sqrt(p["bn1.moving_variance"].view(sh) + EPS) + p["bn1.beta"].view(sh))
        fbn = F.batch_norm(c1, p["bn1.moving_mean"].clone(), p["bn1.moving_variance"].clone(),
                           p["bn1.gamma"], p["bn1.beta"], training=False, eps=EPS)
        assert torch.allclose(manual, fbn, rtol=1e-12, atol=1e-14)

    probs_np = probs.detach().numpy()
    assert np.allclose(probs_np.sum(axis=1), 1.0) and np.allclose(inf_probs.sum(axis=1), 1.0)
    loss_v = loss.item()
    assert abs(loss_v - float(np.mean(-np.log(probs_np[np.arange(N), labels_np])))) < 1e-12

    # ---- write fixture
    lines = [
        "# Lamina seed-model golden fixture. GENERATED - do not edit by hand.",
        "# Made by processor/src/test/python/seed_model_oracle.py (run: /usr/bin/python3 processor/src/test/python/seed_model_oracle.py)",
        "# torch %s, numpy %s, float64 computation, seed %d, N=%d, BN momentum %g eps %g" % (
            torch.__version__, np.__version__, SEED, N, MOMENTUM, EPS),
        "# Format: 'name d0,d1,...: v0 v1 ...' row-major in Keras layout; scalar: 'name : v'.",
        "# input NHWC; conv kernel (kh,kw,in,out); dense kernel (in,units); flatten order (H,W,C).",
        "# input and parameters are float32-exact; computed values are float64 (17 significant digits).",
        "# output/loss/grad.*: training-mode BN (batch stats, biased variance); after.*: moving stats",
        "#   after one training forward, moving*0.99 + batch*0.01 (biased variance);",
        "# inference_output: BN with the initial moving statistics.",
        "# Note: grad.conv*.bias are mathematically 0 (BN removes the bias); stored values are roundoff.",
    ]

    def put(name, arr, digits):
        arr = np.asarray(arr)
        dims = ",".join(str(d) for d in arr.shape)
        lines.append("%s %s: %s" % (name, dims, fmt(arr, digits)))

    put("input", x_np, DIGITS_F32)
    lines.append("labels %d: %s" % (N, " ".join(str(int(v)) for v in labels_np)))
    for n in PARAM_NAMES:
        put(n, p_np[n], DIGITS_F32)
    put("output", probs_np, DIGITS_F64)
    lines.append("loss : %.*g" % (DIGITS_F64, loss_v))
    for n in TRAINABLE:
        put("grad." + n, grads[n], DIGITS_F64)
    for bn_name in ("bn1", "bn2"):
        put("after.%s.moving_mean" % bn_name, after[bn_name + ".moving_mean"], DIGITS_F64)
        put("after.%s.moving_variance" % bn_name, after[bn_name + ".moving_variance"], DIGITS_F64)
    put("inference_output", inf_probs, DIGITS_F64)

    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("loss = %.17g" % loss_v)
    print("wrote %s (%d bytes)" % (out_path, os.path.getsize(out_path)))


if __name__ == "__main__":
    main()
