"""Train, export and evaluate the multi-class demo CT model (infarct core and penumbra, issue 14).
Run through train_multiclass.sh (see README.md).

  /usr/bin/python3 models/train/train_multiclass.py [--steps N] [--members M] [--out DIR]

The network (unet.py, three output channels) sees one CT channel normalised as the manifest says
and outputs logits over [background, Core, Penumbra]; Quorum applies the softmax. It is trained
only on procedural phantoms (ct_phantom.py), never on a real CT, and evaluated on held-out phantoms
(seed 999): per-class Dice of the argmax.
"""
import argparse
import os

import numpy as np
import torch
import torch.nn.functional as F

import ct_phantom as ph
from recipe import BATCH, EVAL_SEED, PATCH, dice, train_ensemble, optimise
from unet import UNet3D

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
HEADS = 12  # lesion-free heads per member; every crop gets a fresh infarct and fresh noise
VOXEL_ML = ph.VOXEL_MM ** 3 / 1000.0


def sample_crop(head: ph.Head, rng: np.random.Generator) -> tuple:
    """A PATCH^3 crop: three in four hold an infarct (centred near the crop, not in it)."""
    shape = head.hu.shape
    lesion = rng.random() < 0.75
    centre = head.lesion_centre(rng)
    jitter = rng.integers(-PATCH // 3, PATCH // 3 + 1, 3) if lesion else rng.integers(-PATCH, PATCH + 1, 3)
    start = np.clip(centre.astype(int) - PATCH // 2 + jitter, 0, np.array(shape) - PATCH)
    sl = tuple(slice(s, s + PATCH) for s in start)
    hu, par = head.hu[sl], head.parenchyma[sl]
    if lesion:
        core, outer = ph.lesion_fields((PATCH,) * 3, tuple(start), centre, rng)
        hu, label = ph.infarct(hu, par, core, outer, rng)
    else:
        label = np.zeros(hu.shape, np.int64)
    x = ph.normalise(ph.add_noise(hu, rng))[None]
    for axis in (1, 2, 3):  # flips: the phantom has no preferred side
        if rng.random() < 0.5:
            x, label = np.flip(x, axis), np.flip(label, axis - 1)
    return np.ascontiguousarray(x), np.ascontiguousarray(label)


def train_member(seed: int, steps: int) -> UNet3D:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    heads = [ph.make_head(rng) for _ in range(HEADS)]

    def loss_of(model: UNet3D) -> torch.Tensor:
        batch = [sample_crop(heads[int(rng.integers(HEADS))], rng) for _ in range(BATCH)]
        x = torch.from_numpy(np.stack([b[0] for b in batch]))
        y = torch.from_numpy(np.stack([b[1] for b in batch]))
        logits = model(x)
        p = torch.softmax(logits, 1)
        onehot = F.one_hot(y, len(ph.CLASSES)).permute(0, 4, 1, 2, 3).float()
        # Soft Dice over the foreground classes (each class pooled over the batch), plus CE.
        inter = (p * onehot).sum((0, 2, 3, 4))[1:]
        denom = (p + onehot).sum((0, 2, 3, 4))[1:]
        dice = 1 - ((2 * inter + 1) / (denom + 1)).mean()
        return F.cross_entropy(logits, y) + dice

    return optimise(UNet3D(in_channels=1, out_channels=len(ph.CLASSES)), seed, steps, loss_of, log_every=50)


def evaluate(models: list, n_lesion: int = 16, n_empty: int = 4) -> dict:
    """Held-out phantoms (their own seed), the whole volume at once, argmax of the mean softmax."""
    rng = np.random.default_rng(EVAL_SEED)
    per_class = {name: [] for name in ph.CLASSES[1:]}
    fp_ml = []
    with torch.no_grad():
        for case in range(n_lesion + n_empty):
            x, label = ph.make_case(rng, lesion=case < n_lesion)
            p = np.mean([torch.softmax(m(torch.from_numpy(x)[None]), 1)[0].numpy() for m in models], 0)
            pred = p.argmax(0)
            if case < n_lesion:
                for c, name in enumerate(ph.CLASSES[1:], start=1):
                    per_class[name].append(dice(pred == c, label == c))
            else:
                fp_ml.append(float((pred > 0).sum() * VOXEL_ML))
    return {
        "lesion_cases": n_lesion,
        "dice_mean": {k: round(float(np.mean(v)), 4) for k, v in per_class.items()},
        "dice_min": {k: round(float(np.min(v)), 4) for k, v in per_class.items()},
        "empty_cases": n_empty,
        "fp_ml_mean": round(float(np.mean(fp_ml)), 4),
    }


def manifest(members: list) -> dict:
    return {
        "schemaVersion": 1,
        "id": "quorum-demo-ct-core-penumbra",
        "name": "Demo CT infarct core and penumbra model (synthetic phantoms)",
        "version": "0.1.0",
        "license": "Apache-2.0",
        "intendedUse": ("demo model, not for clinical use. Trained only on procedural head CT "
                        "phantoms with synthetic infarct core and penumbra (HU drops); shows "
                        "Quorum's multi-class inference, per-class maps and saving as a rater."),
        "modality": "CT",
        "channels": [{"id": "ct"}],
        "targetSpacingMm": [ph.VOXEL_MM] * 3,
        "normalisation": {"kind": "ct", "clip": list(ph.CLIP), "mean": ph.MEAN, "std": ph.STD},
        "patchSize": [64, 64, 64],
        "overlap": 0.5,
        "ttaFlipAxes": [],
        "output": {"activation": "softmax", "labels": ph.CLASSES},
        "io": {"input": "image", "output": "logits"},
        "members": members,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--members", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "demo-ct-core-penumbra"))
    args = ap.parse_args()
    train_ensemble(args, 2000, 1, train_member, evaluate, manifest)


if __name__ == "__main__":
    main()
