"""Independent reference for src-shared/calibration: temperature scaling and ECE in pure Python.

Reads <dir>/logits.f32 (little-endian float32) and <dir>/targets.u8 (0/1), fits the temperature T
minimising the binary NLL sum(softplus(z/T) - t*z/T) by bisection on the derivative in a = 1/T
(the NLL is convex in a, so its derivative is increasing; the TypeScript fit uses Newton's method),
and prints JSON: T and the three ECE conventions of sigmoid(z/T) against t, written from
docs/metric-conventions.md rather than from calibration.ts. No numpy, so nothing to install.
"""
import json
import math
import struct
import sys


def sigmoid(s):
    return 1 / (1 + math.exp(-s)) if s >= 0 else math.exp(s) / (1 + math.exp(s))


def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


def fit_temperature(z, t):
    def slope(a):
        return math.fsum(zi * (sigmoid(a * zi) - ti) for zi, ti in zip(z, t))

    lo, hi = 1e-6, 1.0
    while slope(hi) < 0:
        lo, hi = hi, hi * 2
    while hi - lo > 1e-15 * hi:
        mid = (lo + hi) / 2
        if slope(mid) < 0:
            lo = mid
        else:
            hi = mid
    return 1 / ((lo + hi) / 2)


def ece(bins):
    total = sum(n for n, _, _ in bins)
    return math.fsum(n * abs(acc / n - conf / n) for n, acc, conf in bins if n) / total


def ece_positive_class(p, y):
    # bins [k/10, (k+1)/10), p = 1 in the last
    bins = [[0, 0.0, 0.0] for _ in range(10)]
    for pi, yi in zip(p, y):
        k = max(k for k in range(10) if k / 10 <= pi)
        bins[k][0] += 1
        bins[k][1] += yi
        bins[k][2] += pi
    return ece(bins)


def ece_metricsreloaded(p, y):
    # bins (i*0.1, (i+1)*0.1] with numpy arange edges; p = 0 in no bin
    edges = [i * 0.1 for i in range(11)]
    bins = [[0, 0.0, 0.0] for _ in range(10)]
    for pi, yi in zip(p, y):
        for k in range(10):
            if edges[k] < pi <= edges[k + 1]:
                bins[k][0] += 1
                bins[k][1] += yi
                bins[k][2] += pi
    return ece(bins)


def ece_top_label(p, y):
    # JDTLosses in float32: classes [1 - p, p], argmax (tie to background), torch.linspace edges
    end = f32(0.9)
    step = f32(end / 9)
    edges = [f32(step * k) if k < 5 else f32(end - f32(step * (9 - k))) for k in range(10)]
    bins = [[0, 0.0, 0.0] for _ in range(10)]
    for pi, yi in zip(p, y):
        p1 = f32(pi)
        p0 = f32(1 - p1)
        label = 1 if p1 > p0 else 0
        conf = max(p0, p1)
        k = max(k for k in range(10) if edges[k] <= conf)
        bins[k][0] += 1
        bins[k][1] += 1 if label == yi else 0
        bins[k][2] += conf
    return 100 * ece(bins)


def main(folder):
    with open(folder + '/logits.f32', 'rb') as f:
        raw = f.read()
    z = struct.unpack('<%df' % (len(raw) // 4), raw)
    with open(folder + '/targets.u8', 'rb') as f:
        t = list(f.read())
    temperature = fit_temperature(z, t)
    p = [sigmoid(zi / temperature) for zi in z]
    print(json.dumps({
        'temperature': temperature,
        'positive-class': ece_positive_class(p, t),
        'top-label': ece_top_label(p, t),
        'metricsreloaded': ece_metricsreloaded(p, t),
    }))


if __name__ == '__main__':
    main(sys.argv[1])
