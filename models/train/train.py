"""Train, export and evaluate the demo DWI lesion ensemble. Run through train.sh (see README.md).

  /usr/bin/python3 models/train/train.py [--steps N] [--members M] [--out DIR]

Each member is trained from its own seed (weights init, crops, lesions), exported to ONNX opset 17
(input "image" [1, 2, D, H, W] with D, H, W multiples of 4; output "logits" [1, 1, D, H, W]), and
the ensemble is evaluated on held-out anatomy (the DWI columns i >= SPLIT_I, never cropped during
training) with fresh lesions: Dice on lesion cases, false-positive volume on empty cases.
model.json (the Quorum manifest) and eval.json are written beside the ONNX files.
"""
import argparse
import os

import numpy as np
import torch
import torch.nn.functional as F

import data
from recipe import BATCH, EVAL_SEED, PATCH, dice, optimise, train_ensemble
from unet import UNet3D

VOXEL_ML = 1.5 ** 3 / 1000.0


def train_member(seed: int, steps: int, anatomies: list) -> UNet3D:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    dwi, t1 = anatomies

    def loss_of(model: UNet3D) -> torch.Tensor:
        xs, ys = [], []
        for b in range(BATCH):
            # Three quarters of the batch from the real DWI (training columns only), a quarter from
            # the T1-derived pseudo-DWI, so both real acquisition texture and more anatomy are seen.
            if b % 4 != 3:
                x, y = data.sample_patch(dwi, rng, PATCH, (0, data.SPLIT_I))
            else:
                x, y = data.sample_patch(t1, rng, PATCH, (0, t1.s0.shape[0]))
            for axis in (1, 2, 3):
                if rng.random() < 0.5:
                    x, y = np.flip(x, axis), np.flip(y, axis)
            x = x + rng.normal(0, rng.uniform(0, 0.1), x.shape).astype(np.float32)
            xs.append(np.ascontiguousarray(x))
            ys.append(np.ascontiguousarray(y))
        x = torch.from_numpy(np.stack(xs))
        y = torch.from_numpy(np.stack(ys))
        logits = model(x)
        p = torch.sigmoid(logits)
        dice = 1 - (2 * (p * y).sum() + 1) / (p.sum() + y.sum() + 1)
        return F.binary_cross_entropy_with_logits(logits, y) + dice

    return optimise(UNet3D(in_channels=2), seed, steps, loss_of, log_every=25)


def evaluate(models: list, dwi: data.Anatomy, n_lesion: int = 40, n_empty: int = 20) -> dict:
    """Held-out slab i in [SPLIT_I, SPLIT_I + 60) of the real DWI, the full j and k extent."""
    rng = np.random.default_rng(EVAL_SEED)
    start, shape = (data.SPLIT_I, 0, 0), (60, dwi.s0.shape[1], dwi.s0.shape[2])
    rows = {"ensemble": {"dice": [], "fp_ml": [], "vol_err_ml": [], "ref_ml": []}}
    for m in range(len(models)):
        rows[f"member{m}"] = {"dice": [], "fp_ml": [], "vol_err_ml": [], "ref_ml": []}
    with torch.no_grad():
        for case in range(n_lesion + n_empty):
            n = int(rng.choice([1, 1, 2, 3])) if case < n_lesion else 0
            # Rician noise makes the empty cases distinct scans of the same held-out anatomy.
            x, y = data.make_case(dwi, rng, start, shape, n, noise=float(rng.uniform(0, 50)))
            ref = y[0] > 0.5
            probs = [torch.sigmoid(m(torch.from_numpy(x)[None]))[0, 0].numpy() for m in models]
            for key, p in [("ensemble", np.mean(probs, axis=0))] + [
                    (f"member{i}", q) for i, q in enumerate(probs)]:
                pred = p > 0.5
                if n > 0 and ref.any():
                    rows[key]["dice"].append(dice(pred, ref))
                    rows[key]["vol_err_ml"].append(float((pred.sum() - ref.sum()) * VOXEL_ML))
                    rows[key]["ref_ml"].append(float(ref.sum() * VOXEL_ML))
                elif n == 0:
                    rows[key]["fp_ml"].append(float(pred.sum() * VOXEL_ML))
    summary = {}
    for key, r in rows.items():
        big = [d for d, v in zip(r["dice"], r["ref_ml"]) if v >= 1.0]
        summary[key] = {
            "lesion_cases": len(r["dice"]),
            "dice_mean": round(float(np.mean(r["dice"])), 4),
            "lesion_cases_ge_1ml": len(big),
            "dice_mean_ge_1ml": round(float(np.mean(big)), 4) if big else None,
            "dice_median": round(float(np.median(r["dice"])), 4),
            "volume_error_ml_mean": round(float(np.mean(r["vol_err_ml"])), 4),
            "empty_cases": len(r["fp_ml"]),
            "fp_ml_mean": round(float(np.mean(r["fp_ml"])), 4),
            "fp_ml_max": round(float(np.max(r["fp_ml"])), 4),
            "empty_cases_with_any_fp": int(sum(v > 0 for v in r["fp_ml"])),
        }
    return summary


def manifest(members: list) -> dict:
    return {
        "schemaVersion": 1,
        "id": "quorum-demo-dwi-lesion",
        "name": "Demo DWI lesion model (synthetic lesions)",
        "version": "0.1.0",
        "license": "Apache-2.0",
        "intendedUse": ("demo model, not for clinical use. Trained only on synthetic hyperintense "
                        "DWI lesions pasted into two real brains; shows Quorum's local inference, "
                        "probability and uncertainty maps."),
        "modality": "MR-DWI",
        "channels": [
            {"id": "dwi_b1000"},
            {"id": "adc", "ifMissing": "computeFromB0",
             "clampMm2PerS": [0, data.ADC_MAX]},
        ],
        "targetSpacingMm": [1.5, 1.5, 1.5],
        "normalisation": {"kind": "zscore", "foreground": "otsu", "maskChannel": 0},
        "patchSize": [64, 64, 32],
        "overlap": 0.5,
        "ttaFlipAxes": [0],
        "output": {"activation": "sigmoid", "labels": ["lesion"]},
        "io": {"input": "image", "output": "logits"},
        "members": members,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--members", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(data.ROOT, "models", "demo-dwi-lesion"))
    args = ap.parse_args()
    anatomies = [data.dwi_anatomy(), data.t1_anatomy()]
    train_ensemble(args, 1000, 2, lambda seed, steps: train_member(seed, steps, anatomies),
                   lambda models: evaluate(models, anatomies[0]), manifest)


if __name__ == "__main__":
    main()
