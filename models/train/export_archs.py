"""Small networks of the real exported architectures, for Quorum's pipeline-equality tests (issue 14).

- nnU-Net PlainConvUNet style: 3D, strided-conv downsampling (the first stage anisotropic, 1x2x2),
  Conv-InstanceNorm-LeakyReLU blocks, ConvTranspose upsampling with kernel = stride, deep-supervision
  heads that are dropped on export; outputs logits; nnU-Net axis order ([C, z, y, x]), crop to the
  non-zero box, z-score over non-zero voxels.
- MONAI BasicUNet style: MONAI's axis order ([C, x, y, z] after reorientation to RAS), TwoConv
  blocks, max-pool down, ConvTranspose 2x2x2 up ("deconv"), a final 1x1x1 conv and a softmax inside
  the graph (probabilities out); ScaleIntensity-style rescale to [0, 1].

Random weights from a fixed seed: the point is architecture and pipeline equality, not accuracy.
Usage: /usr/bin/python3 models/train/export_archs.py OUT_DIR (Debian's python3-torch, python3-onnx,
python3-nibabel). Writes OUT_DIR/{nnunet-style,monai-style}/{model.json,model.onnx} and, for the
demo DWI, OUT_DIR/<name>.reference.f32: the lesion probability on the case grid (i fastest, float32)
from a Python re-implementation of the pipeline the manifest describes (one window covers the
resampled volume, so no sliding window is involved).
"""
import hashlib
import json
import os
import sys

import nibabel as nib
import numpy as np
import torch
import torch.nn.functional as F

from archs import BasicUNet, PlainConvUNet  # noqa: E402  (models/train is on sys.path as the script folder)

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
torch.manual_seed(0)
torch.set_num_threads(1)


def demo_dwi():
    img = nib.load(os.path.join(ROOT, "demo", "dwi", "dwi.nii.gz"))
    bvals = [float(b) for b in open(os.path.join(ROOT, "demo", "dwi", "dwi.bval")).read().split()]
    data = img.get_fdata(dtype=np.float32)
    high = [i for i, b in enumerate(bvals) if round(b) == round(max(bvals))]
    b1000 = np.mean([data[..., i] for i in high], axis=0).astype(np.float32)  # [i, j, k]
    return img, b1000


def resize(a, shape):
    """Trilinear, align_corners=False: the convention of src-shared/inference/resample.ts."""
    if tuple(a.shape) == tuple(shape):
        return a.astype(np.float64)
    t = torch.from_numpy(np.ascontiguousarray(a, dtype=np.float64))[None, None]
    return F.interpolate(t, size=tuple(int(s) for s in shape), mode="trilinear", align_corners=False)[0, 0].numpy()


def export(model, shape, folder, manifest):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    model.eval()
    torch.onnx.export(model, torch.zeros(shape), path, opset_version=17, input_names=["image"], output_names=["out"],
                      dynamic_axes={"image": {0: "n", 2: "d", 3: "h", 4: "w"}, "out": {0: "n", 2: "d", 3: "h", 4: "w"}})
    sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
    manifest["members"] = [{"file": "model.onnx", "sha256": sha}]
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)


def common(name, **kw):
    return {"schemaVersion": 1, "id": name, "name": name, "version": "0.1", "license": "Apache-2.0",
            "intendedUse": "Pipeline-equality tests only; random weights.", "modality": "MR-DWI",
            "channels": [{"id": "dwi_b1000"}], "overlap": 0.5, "ttaFlipAxes": [], **kw}


def nnunet_style(out):
    img, b1000 = demo_dwi()
    sp = [float(z) for z in img.header.get_zooms()[:3]]
    nz = np.argwhere(b1000 != 0)
    lo, hi = nz.min(0), nz.max(0) + 1
    crop = b1000[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]]
    target_dims = [32, 32, 8]  # (i, j, k); divisible by the strides' products 4, 4, 2
    target = [crop.shape[a] * sp[a] / target_dims[a] for a in range(3)]
    x = resize(crop.transpose(2, 1, 0), target_dims[::-1])  # [k, j, i]
    m = x != 0
    x = np.where(m, (x - x[m].mean()) / max(x[m].std(), 1e-8), 0)
    net = PlainConvUNet()
    with torch.no_grad():
        net.deep_supervision = False
        logits = net(torch.from_numpy(x.astype(np.float32))[None, None]).double()
    p = torch.softmax(logits, 1)[0, 1].numpy()
    back = resize(p, crop.shape[::-1]).transpose(2, 1, 0)  # [i, j, k] of the crop
    full = np.zeros(b1000.shape)
    full[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]] = back
    export(net, [1, 1] + target_dims[::-1], os.path.join(out, "nnunet-style"), common(
        "nnunet-style", targetSpacingMm=target, patchSize=target_dims, cropToNonzero=True,
        normalisation={"kind": "zscore", "foreground": "nonzero"}, ensembleAverage="logits",
        output={"activation": "softmax", "labels": ["background", "lesion"]}))
    full.astype(np.float32).ravel(order="F").tofile(os.path.join(out, "nnunet-style.reference.f32"))


def monai_style(out):
    img, b1000 = demo_dwi()
    ornt = nib.orientations.io_orientation(img.affine)
    ras = nib.orientations.apply_orientation(b1000, ornt)  # [x, y, z], as Orientationd(axcodes="RAS")
    # ornt[a] = (RAS axis, flip) of file axis a: the spacing of each RAS axis.
    sp = [0.0, 0.0, 0.0]
    for a in range(3):
        sp[int(ornt[a, 0])] = float(img.header.get_zooms()[a])
    target_dims = [40, 40, 20]  # (x, y, z), divisible by 4
    target = [ras.shape[a] * sp[a] / target_dims[a] for a in range(3)]
    x = resize(ras, target_dims)
    x = (x - x.min()) / (x.max() - x.min())
    net = BasicUNet()
    with torch.no_grad():
        p = net(torch.from_numpy(x.astype(np.float32))[None, None]).double()[0, 1].numpy()
    back = resize(p, ras.shape)
    inverse = nib.orientations.ornt_transform(nib.orientations.axcodes2ornt("RAS"), ornt)
    full = nib.orientations.apply_orientation(back, inverse)
    export(net, [1, 1] + target_dims, os.path.join(out, "monai-style"), common(
        "monai-style", targetSpacingMm=target, patchSize=target_dims, axisOrder="monai",
        normalisation={"kind": "rescale"},
        output={"activation": "softmax", "labels": ["background", "lesion"], "values": "probabilities"}))
    full.astype(np.float32).ravel(order="F").tofile(os.path.join(out, "monai-style.reference.f32"))


if __name__ == "__main__":
    out = sys.argv[1]
    nnunet_style(out)
    monai_style(out)
