"""Independent reference for src-shared/calibration/softmax.ts: per-class and shared temperature
scaling of a softmax model, and the multi-class ECEs and Brier, with numpy and scipy (Debian's
python3-numpy and python3-scipy).

Reads <dir>/logits.f32 (little-endian float32, class-major: C arrays of N voxels), <dir>/targets.u8
(the reference class per voxel) and <dir>/classes.txt (C), minimises the multi-class NLL
sum_v [logsumexp_c(a_c z_vc) - a_{y_v} z_{v y_v}] over a = 1/T with scipy's trust-region Newton
(trust-exact, its own gradient and Hessian written here), and prints JSON: the per-class
temperatures, the shared temperature, and for the per-class fit the top-label ECE (JDTLosses: float32
probabilities, first argmax, torch.linspace(0, 0.9, 10) float32 lower edges, percent), the classwise
ECE (Kull et al.: positive-class ECE per class with bins [k/10, (k+1)/10), averaged over classes)
and the multi-class Brier (mean of sum_c (p_c - y_c)^2).
"""
import json
import sys

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp, softmax


def fit(z, y, groups):
    """z: (N, C) float64 logits, y: (N,) classes, groups: parameter index of each class."""
    n, c = z.shape
    k = groups.max() + 1
    onehot = np.eye(c)[y]
    member = np.eye(k)[groups]  # (C, K): class c belongs to parameter groups[c]

    def scaled(a):
        return z * (member @ a)

    def f(a):
        s = scaled(a)
        return logsumexp(s, axis=1).sum() - (onehot * s).sum()

    def grad(a):
        p = softmax(scaled(a), axis=1)
        return ((z * (p - onehot)) @ member).sum(axis=0)

    def hess(a):
        p = softmax(scaled(a), axis=1)
        zp = (z * p) @ member  # (N, K)
        diag = ((z * z * p) @ member).sum(axis=0)
        return np.diag(diag) - zp.T @ zp

    res = minimize(f, np.ones(k), jac=grad, hess=hess, method='trust-exact', options={'gtol': 1e-10})
    return 1 / res.x


def ece_from_bins(n, acc, conf):
    keep = n > 0
    return float(np.sum(n[keep] * np.abs(acc[keep] / n[keep] - conf[keep] / n[keep])) / n[keep].sum())


def top_label_edges():
    end = np.float32(0.9)
    step = np.float32(end / np.float32(9))
    return np.array([np.float32(step * np.float32(k)) if k < 5 else np.float32(end - np.float32(step * np.float32(9 - k))) for k in range(10)],
                    dtype=np.float32)


def metrics(p, y):
    n, c = p.shape
    p32 = p.astype(np.float32)
    label = np.argmax(p32, axis=1)
    conf = p32[np.arange(n), label]
    b = np.searchsorted(top_label_edges(), conf, side='right') - 1
    top = ece_from_bins(np.bincount(b, minlength=10).astype(float),
                        np.bincount(b, weights=(label == y).astype(float), minlength=10),
                        np.bincount(b, weights=conf.astype(np.float64), minlength=10))
    lower = np.arange(10) / 10
    classwise = []
    for k in range(c):
        bk = np.searchsorted(lower, p[:, k], side='right') - 1
        classwise.append(ece_from_bins(np.bincount(bk, minlength=10).astype(float),
                                       np.bincount(bk, weights=(y == k).astype(float), minlength=10),
                                       np.bincount(bk, weights=p[:, k], minlength=10)))
    brier = float(np.mean(np.sum((p - np.eye(c)[y]) ** 2, axis=1)))
    return {'top-label': 100 * top, 'classwise': float(np.mean(classwise)), 'brier': brier}


def main(folder):
    c = int(open(folder + '/classes.txt').read())
    z = np.fromfile(folder + '/logits.f32', dtype='<f4').astype(np.float64).reshape(c, -1).T
    y = np.fromfile(folder + '/targets.u8', dtype=np.uint8).astype(int)
    per_class = fit(z, y, np.arange(c))
    shared = fit(z, y, np.zeros(c, dtype=int))
    p = softmax(z / per_class, axis=1)
    print(json.dumps({'temperatures': per_class.tolist(), 'temperature': float(shared[0]), **metrics(p, y)}))


if __name__ == '__main__':
    main(sys.argv[1])
