"""What both demo recipes (train.py, train_multiclass.py) do the same way: the optimiser and its
cosine learning-rate schedule, the training loop, the ONNX export, and the ensemble's main (one
member per seed, then eval.json and model.json beside the ONNX files).
"""
import hashlib
import json
import math
import os
import time
from typing import Callable

import numpy as np
import torch

from unet import UNet3D, count_parameters

PATCH = 32
BATCH = 4
EVAL_SEED = 999
LR = 3e-3


def optimise(model: UNet3D, seed: int, steps: int, loss_of: Callable, log_every: int) -> UNet3D:
    """Adam with a cosine schedule from LR to 0; `loss_of(model)` draws a batch and returns its loss."""
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    t0 = time.time()
    for step in range(steps):
        lr = LR * 0.5 * (1 + math.cos(math.pi * step / steps))
        for group in opt.param_groups:
            group["lr"] = lr
        loss = loss_of(model)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % log_every == 0 or step == steps - 1:
            print(f"seed {seed} step {step}/{steps} loss {loss.item():.4f} "
                  f"lr {lr:.5f} {time.time() - t0:.0f}s", flush=True)
    return model.eval()


def export(model: UNet3D, path: str, in_channels: int) -> str:
    """ONNX opset 17 with free spatial axes, checked free of ConvTranspose; returns its sha256."""
    dummy = torch.zeros(1, in_channels, PATCH, PATCH, PATCH)
    torch.onnx.export(
        model, dummy, path, opset_version=17, input_names=["image"], output_names=["logits"],
        dynamic_axes={"image": {2: "d", 3: "h", 4: "w"}, "logits": {2: "d", 3: "h", 4: "w"}},
        do_constant_folding=True)
    import onnx

    ops = sorted({n.op_type for n in onnx.load(path).graph.node})
    assert "ConvTranspose" not in ops, ops
    print(f"exported {path}: ops {ops}", flush=True)
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def dice(pred: np.ndarray, ref: np.ndarray) -> float:
    denom = pred.sum() + ref.sum()
    return 1.0 if denom == 0 else float(2 * (pred & ref).sum() / denom)


def train_ensemble(args, first_seed: int, in_channels: int, train_member: Callable,
                   evaluate: Callable, manifest: Callable) -> None:
    """Members seeded first_seed, first_seed + 1, …; exported, evaluated together, described."""
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    models, members = [], []
    for m in range(args.members):
        seed = first_seed + m
        model = train_member(seed, args.steps)
        name = f"member-{m}.onnx"
        members.append({"file": name, "sha256": export(model, os.path.join(args.out, name), in_channels),
                        "seed": seed})
        models.append(model)
    summary = evaluate(models)
    summary["training"] = {"steps": args.steps, "batch": BATCH, "patch": PATCH,
                           "parameters": count_parameters(models[0]),
                           "seconds": round(time.time() - t0)}
    for name, value in (("eval.json", summary), ("model.json", manifest(members))):
        with open(os.path.join(args.out, name), "w") as f:
            json.dump(value, f, indent=2)
            f.write("\n")
    print(json.dumps(summary, indent=2), flush=True)
