"""PyTorch CUDA timing of the demo model's architecture: the reference floor for Quorum's WebGPU path.

Run on a GPU machine (see README.md): python3 bench/gpu/torch_cuda.py [--out results.json]
Same network as models/train/unet.py (8/16/32, Resize + Conv, no ConvTranspose), fp32, TF32 off, batch 1,
random weights (timing does not depend on them). Shapes: the demo patch (1, 2, 32, 64, 64), a 128^3
patch, and the demo DWI's whole sliding window (12 windows x 2 TTA x 3 members = 72 runs).
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "models", "train"))
from unet import UNet3D, count_parameters  # noqa: E402


def time_forward(model, shape, reps, device="cuda"):
    """Median and min ms of model(x) for a random x of `shape`, after 5 warm-ups; CUDA events on the GPU,
    the wall clock on the CPU (bench.py's dry run)."""
    x = torch.randn(*shape, device=device)
    cuda = device == "cuda"
    with torch.no_grad():
        for _ in range(5 if cuda else 1):
            model(x)
        if cuda:
            torch.cuda.synchronize()
        times = []
        for _ in range(reps):
            if cuda:
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                model(x)
                end.record()
                torch.cuda.synchronize()
                times.append(start.elapsed_time(end))
            else:
                t0 = time.perf_counter()
                model(x)
                times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"shape": list(shape), "median_ms": times[len(times) // 2], "min_ms": times[0], "reps": reps}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    if not torch.cuda.is_available():
        print("CUDA is not available to this PyTorch; nothing to measure", file=sys.stderr)
        sys.exit(2)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(0)
    model = UNet3D(in_channels=2).cuda().eval()
    res = {
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "parameters": count_parameters(model),
        "patches": [time_forward(model, s, 50) for s in [(1, 2, 32, 64, 64), (1, 2, 128, 128, 128)]],
    }
    # Whole demo sliding window: 72 forward passes of the demo patch, host<->device copies included,
    # as a browser pipeline would do them.
    x = torch.randn(1, 2, 32, 64, 64)
    with torch.no_grad():
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        for _ in range(72):
            model(x.cuda()).cpu()
        torch.cuda.synchronize()
    res["demo_sliding_window_72_runs_ms"] = (time.perf_counter() - t0) * 1000
    text = json.dumps(res, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
