"""Independent reference for src-shared/metrics/conventions/labels.ts: MetricsReloaded's multi-class
semantic segmentation results (per-label Dice, HD95 and NSD, and the mean over labels), with numpy
and scipy (Debian's python3-numpy and python3-scipy), written from MetricsReloaded's definitions
rather than from Quorum's code.

Reads <dir>/ref.u8 and <dir>/pred.u8 (uint8 label maps, i fastest) and <dir>/meta.json
({"dims": [ni, nj, nk], "spacing": [s0, s1, s2], "labels": [...], "tolerances": [...]}) and prints
JSON: per label {"dsc", "hd_perc", "nsd": [value per tolerance]}, and "mean" with the same keys.

Per label L (processes/mixed_measures_processes.py, MultiLabelPairwiseMeasures.per_label_dict):
BinaryPairwiseMeasures on pred == L against ref == L, i.e. (metrics/pairwise_measures.py):
- dsc = 2|P∩R| / (|P| + |R|); 1 when both are empty.
- border = mask minus its binary erosion by the 6-neighbourhood cross (outside the array is
  background); the distance of a border voxel of one mask to the other mask's border is
  scipy's exact EDT of the complement of that border, with the voxel spacing.
- hd_perc = max of the two directed 95th percentiles (numpy's linear interpolation); 0 when both
  are empty, NaN when one is.
- nsd(tau) = (#border-P within tau of border-R + #border-R within tau of border-P) /
  (#border-P + #border-R); 1 when both are empty, 0 when one is.
Mean over labels (processes/overall_process.py, ProcessEvaluation.label_aggregation, "average"):
np.ma.average of the per-label values with NaN masked; NaN when every label's value is NaN.
"""
import json
import os
import sys

import numpy as np
from scipy import ndimage


def load(directory, name, dims):
    flat = np.fromfile(os.path.join(directory, name), dtype=np.uint8)
    return flat.reshape(dims, order='F')  # i fastest


def border(mask):
    return mask & ~ndimage.binary_erosion(mask, structure=ndimage.generate_binary_structure(3, 1), border_value=0)


def directed(from_border, to_border, spacing):
    """Distances (mm) from each voxel of from_border to the nearest voxel of to_border."""
    return ndimage.distance_transform_edt(~to_border, sampling=spacing)[from_border]


def per_label(ref, pred, spacing, tolerances):
    n_ref, n_pred = int(ref.sum()), int(pred.sum())
    if n_ref == 0 and n_pred == 0:
        return {'dsc': 1.0, 'hd_perc': 0.0, 'nsd': [1.0 for t in tolerances]}
    dsc = 2.0 * int((ref & pred).sum()) / (n_ref + n_pred)
    if n_ref == 0 or n_pred == 0:
        return {'dsc': dsc, 'hd_perc': float('nan'), 'nsd': [0.0 for t in tolerances]}
    b_ref, b_pred = border(ref), border(pred)
    d_pr = directed(b_pred, b_ref, spacing)
    d_rp = directed(b_ref, b_pred, spacing)
    hd_perc = max(np.percentile(d_pr, 95), np.percentile(d_rp, 95))
    nsd = [(int((d_pr <= t).sum()) + int((d_rp <= t).sum())) / (d_pr.size + d_rp.size) for t in tolerances]
    return {'dsc': dsc, 'hd_perc': float(hd_perc), 'nsd': nsd}


def masked_average(values):
    x = np.asarray(values, dtype=np.float64)
    avg = np.ma.average(np.ma.masked_array(x, np.isnan(x)))
    return float('nan') if avg is np.ma.masked else float(avg)


def main(directory):
    with open(os.path.join(directory, 'meta.json')) as f:
        meta = json.load(f)
    dims, spacing, tolerances = meta['dims'], meta['spacing'], meta['tolerances']
    ref_map, pred_map = load(directory, 'ref.u8', dims), load(directory, 'pred.u8', dims)
    labels = {}
    for lab in meta['labels']:
        labels[str(lab)] = per_label(ref_map == lab, pred_map == lab, spacing, tolerances)
    rows = list(labels.values())
    mean = {
        'dsc': masked_average([r['dsc'] for r in rows]),
        'hd_perc': masked_average([r['hd_perc'] for r in rows]),
        'nsd': [masked_average([r['nsd'][k] for r in rows]) for k in range(len(tolerances))],
    }
    out = {'labels': labels, 'mean': mean}
    # JSON has no NaN: write it as the string "NaN", as the evaluate CLI does.
    text = json.dumps(out, allow_nan=True).replace('NaN', '"NaN"')
    print(text)


if __name__ == '__main__':
    main(sys.argv[1])
