"""Training data: real anatomy from the bundled demo volumes, with synthetic lesions pasted in.

Everything here mirrors Quorum's inference pipeline (src-shared/inference/) so the model sees at
training time what it will see in the app:
- channels [dwi_b1000, adc], ADC = ln(S0 / Sb) / b clamped to [0, ADC_MAX] (channels.ts);
- 1.5 mm isotropic grid;
- z-score per channel inside an Otsu mask of channel 0, 0 outside (normalise.ts / otsu.ts).
Arrays are indexed [i, j, k] here; a patch is transposed to [k, j, i] before it becomes a tensor, so
that i is the fastest axis in memory exactly as in a Quorum Volume (tensor [1, C, nk, nj, ni]).

Anatomy sources:
- demo/dwi/dwi.nii.gz (Siemens Prisma, b = 5, 5, 1500, 124x152x32 at 1.5 mm): S0 = mean of the two
  b = 5 volumes, Sb = the b = 1500 volume. Voxels i < SPLIT_I train, i >= SPLIT_I are held out.
- demo/t1/ch2bet.nii.gz (T1, 1 mm): resampled to 1.5 mm and turned into a pseudo S0 and pseudo ADC
  by tissue class (CSF / GM / WM from T1 intensity), so Sb = S0 exp(-b ADC) is physically coherent.

Lesions (restricted diffusion, as in acute stroke): inside a soft blob w in [0, 1], ADC is scaled by
f in [0.4, 0.85] and S0 by g in [1.0, 1.4], so Sb_lesion = g S0^(1-f) Sb^f. The label is w > 0.5
restricted to tissue.
"""
import gzip
import os

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
B_VALUE = 1500.0
ADC_MAX = 5e-3  # mm^2/s; free water at body temperature is ~3e-3
SPLIT_I = 62  # DWI columns i < SPLIT_I are training anatomy, the rest is held out
OTSU_BINS = 256


def load_nifti(path: str) -> np.ndarray:
    import nibabel as nib  # Debian python3-nibabel

    return np.asarray(nib.load(path).get_fdata(dtype=np.float32), dtype=np.float32)


def adc_from(s0: np.ndarray, sb: np.ndarray, b: float) -> np.ndarray:
    """ADC = ln(S0/Sb)/b, clamped; 0 where either signal is not positive (as channels.ts)."""
    ok = (s0 > 0) & (sb > 0)
    adc = np.zeros_like(s0, dtype=np.float32)
    adc[ok] = np.log(s0[ok] / sb[ok]) / b
    return np.clip(adc, 0.0, ADC_MAX).astype(np.float32)


def otsu_threshold(x: np.ndarray) -> float:
    """Otsu on OTSU_BINS equal bins over [min, max]; threshold = upper edge of the best lower class.
    Must match src-shared/inference/otsu.ts."""
    lo, hi = float(x.min()), float(x.max())
    if hi <= lo:
        return lo
    width = (hi - lo) / OTSU_BINS
    idx = np.minimum(((x - lo) / width).astype(np.int64), OTSU_BINS - 1)
    hist = np.bincount(idx.ravel(), minlength=OTSU_BINS).astype(np.float64)
    centres = lo + (np.arange(OTSU_BINS) + 0.5) * width
    w0 = np.cumsum(hist)
    s0 = np.cumsum(hist * centres)
    total, stotal = w0[-1], s0[-1]
    w1 = total - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = w0 * w1 * (s0 / w0 - (stotal - s0) / w1) ** 2
    between[~np.isfinite(between)] = -1
    best = int(np.argmax(between[:-1]))
    return lo + (best + 1) * width


def norm_stats(channels: list) -> tuple:
    """Mask from channel 0 and (mean, std) per channel inside it, in float64 like the TS code."""
    mask = channels[0] > otsu_threshold(channels[0])
    stats = []
    for c in channels:
        v = c[mask].astype(np.float64)
        stats.append((float(v.mean()), float(max(v.std(), 1e-8))))
    return mask, stats


def resample_linear(x: np.ndarray, out_shape: tuple) -> np.ndarray:
    """Separable linear resampling, align_corners=False, edge clamp (as resample.ts)."""
    for axis, n_out in enumerate(out_shape):
        n_in = x.shape[axis]
        pos = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
        pos = np.clip(pos, 0, n_in - 1)
        i0 = np.floor(pos).astype(np.int64)
        i1 = np.minimum(i0 + 1, n_in - 1)
        t = (pos - i0).astype(np.float32)
        shape = [1] * x.ndim
        shape[axis] = n_out
        t = t.reshape(shape)
        x = np.take(x, i0, axis=axis) * (1 - t) + np.take(x, i1, axis=axis) * t
    return x.astype(np.float32)


class Anatomy:
    """One lesion-free subject: S0 and Sb on the 1.5 mm grid, a tissue mask, normalisation stats."""

    def __init__(self, name: str, s0: np.ndarray, sb: np.ndarray):
        self.name = name
        self.s0, self.sb = s0, sb
        adc = adc_from(s0, sb, B_VALUE)
        self.mask, self.stats = norm_stats([sb, adc])
        # Lesions go where there is brain tissue: inside the head mask with a tissue-like ADC.
        self.tissue = self.mask & (adc > 0.3e-3) & (adc < 1.6e-3)


def dwi_anatomy() -> Anatomy:
    d = load_nifti(os.path.join(ROOT, "demo", "dwi", "dwi.nii.gz"))
    return Anatomy("dwi", 0.5 * (d[..., 0] + d[..., 1]), d[..., 2].copy())


def t1_anatomy() -> Anatomy:
    t1 = load_nifti(os.path.join(ROOT, "demo", "t1", "ch2bet.nii.gz"))
    shape = tuple(int(round(n / 1.5)) for n in t1.shape)
    t1 = resample_linear(t1, shape)
    # Tissue classes by T1 intensity (ch2bet: CSF < ~60 < GM < ~95 < WM), blended smoothly.
    g = np.clip((t1 - 45.0) / 30.0, 0, 1)  # CSF -> GM
    w = np.clip((t1 - 85.0) / 20.0, 0, 1)  # GM -> WM
    s0 = 2.0 * (1 - g) + g * (1.25 * (1 - w) + 1.0 * w)
    adc = 3.0e-3 * (1 - g) + g * (0.85e-3 * (1 - w) + 0.7e-3 * w)
    brain = t1 > 5
    s0 = np.where(brain, s0, 0.0) * 3000.0
    rng = np.random.default_rng(1234)
    noise = 40.0
    sb = s0 * np.exp(-B_VALUE * adc)
    # Rician magnitude noise, as in real magnitude images
    s0 = np.hypot(s0 + rng.normal(0, noise, s0.shape), rng.normal(0, noise, s0.shape))
    sb = np.hypot(sb + rng.normal(0, noise, sb.shape), rng.normal(0, noise, sb.shape))
    return Anatomy("t1", s0.astype(np.float32), sb.astype(np.float32))


def lesion_field(shape: tuple, centre: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A soft blob in [0, 1]: the union (max) of 1-4 random ellipsoids near the centre."""
    zz = np.indices(shape, dtype=np.float32)
    w = np.zeros(shape, np.float32)
    size = rng.uniform(1.5, 7.0)  # voxels (2.3-10.5 mm radius)
    for _ in range(int(rng.integers(1, 5))):
        c = centre + rng.normal(0, size * 0.5, 3)
        r = size * rng.uniform(0.6, 1.3, 3)
        d = np.sqrt(sum(((zz[a] - c[a]) / r[a]) ** 2 for a in range(3)))
        w = np.maximum(w, 1.0 / (1.0 + np.exp(np.minimum((d - 1.0) * 6.0, 60.0))))
    return w


def sample_patch(anat: Anatomy, rng: np.random.Generator, size: int, i_range: tuple,
                 p_empty: float = 0.25) -> tuple:
    """A random training crop: (normalised input [2, k, j, i], label [1, k, j, i]).

    Augmentation, for generalisation beyond two brains: a smooth multiplicative intensity field
    on S0 and Sb alike (coil inhomogeneity: changes the DWI channel regionally, not the ADC), and
    an in-plane rotation (+-20 deg) and scaling (0.85-1.15) of a larger crop (the DWI has only 32
    slices, so the k axis is left alone).
    """
    n_lesions = 0 if rng.random() < p_empty else int(rng.choice([1, 1, 1, 2, 3]))
    lo_i, hi_i = i_range
    big = (size + MARGIN, size + MARGIN, size)
    tissue_idx = np.argwhere(anat.tissue[lo_i:hi_i])
    tissue_idx[:, 0] += lo_i
    # Crops are centred near tissue, so most lesions land in view (foreground oversampling).
    anchor = tissue_idx[rng.integers(len(tissue_idx))]
    start = []
    for a, (lo, hi) in enumerate(zip((lo_i, 0, 0), (hi_i, anat.s0.shape[1], anat.s0.shape[2]))):
        s = int(anchor[a]) - big[a] // 2 + int(rng.integers(-size // 4, size // 4 + 1))
        start.append(int(np.clip(s, lo, max(lo, hi - big[a]))))
    x, y = make_case(anat, rng, tuple(start), big, n_lesions, bias=rng.uniform(-0.3, 0.3, 3))
    return rotate_scale(x, y, size, rng.uniform(-20, 20), rng.uniform(0.85, 1.15))


MARGIN = 12


def rotate_scale(x: np.ndarray, y: np.ndarray, size: int, degrees: float, scale: float) -> tuple:
    """Rotate/scale [C, k, j, i] arrays in the (j, i) plane about their centre; crop to size^3."""
    from scipy.ndimage import affine_transform  # Debian python3-scipy

    t = np.deg2rad(degrees)
    c, s = np.cos(t) / scale, np.sin(t) / scale
    mat = np.array([[1, 0, 0], [0, c, -s], [0, s, c]])
    c_in = (np.array(x.shape[1:]) - 1) / 2
    c_out = (np.array([size, size, size]) - 1) / 2
    offset = c_in - mat @ c_out
    kw = dict(matrix=mat, offset=offset, output_shape=(size, size, size), order=1, mode="constant")
    xo = np.stack([affine_transform(ch, **kw) for ch in x]).astype(np.float32)
    yo = (affine_transform(y[0], **kw) > 0.5).astype(np.float32)[None]
    return xo, yo


def make_case(anat: Anatomy, rng: np.random.Generator, start: tuple, shape: tuple,
              n_lesions: int, noise: float = 0.0, bias=None) -> tuple:
    """Crop [start, start + shape), optionally add Rician noise of std `noise` and a smooth
    intensity field exp(bias . (position - 1/2)), paste n_lesions lesions, normalise; arrays as
    [C, k, j, i]."""
    sl = tuple(slice(s, s + n) for s, n in zip(start, shape))
    s0 = anat.s0[sl].copy()
    sb = anat.sb[sl].copy()
    if bias is not None:
        grids = np.meshgrid(*[np.linspace(-0.5, 0.5, n) for n in s0.shape], indexing="ij")
        field = np.exp(sum(b * g for b, g in zip(bias, grids))).astype(np.float32)
        s0, sb = s0 * field, sb * field
    if noise > 0:
        s0 = np.hypot(s0 + rng.normal(0, noise, s0.shape), rng.normal(0, noise, s0.shape)).astype(np.float32)
        sb = np.hypot(sb + rng.normal(0, noise, sb.shape), rng.normal(0, noise, sb.shape)).astype(np.float32)
    tissue = anat.tissue[sl]
    label = np.zeros(s0.shape, np.float32)
    for _ in range(n_lesions):
        cand = np.argwhere(tissue)
        if len(cand) == 0:
            break
        centre = cand[rng.integers(len(cand))].astype(np.float32)
        w = lesion_field(s0.shape, centre, rng) * tissue
        f = rng.uniform(0.35, 0.8)
        g = rng.uniform(1.0, 1.4)
        f_eff = 1.0 - w * (1.0 - f)
        g_eff = 1.0 + w * (g - 1.0)
        pos = (s0 > 0) & (sb > 0)
        sb = np.where(pos, g_eff * np.power(np.maximum(s0, 1e-6), 1 - f_eff) *
                      np.power(np.maximum(sb, 1e-6), f_eff), sb).astype(np.float32)
        s0 = (s0 * g_eff).astype(np.float32)
        label = np.maximum(label, (w > 0.5).astype(np.float32))
    x = normalise([sb, adc_from(s0, sb, B_VALUE)], anat.mask[sl], anat.stats)
    return x.transpose(0, 3, 2, 1).copy(), label.transpose(2, 1, 0)[None].copy()


def normalise(channels: list, mask: np.ndarray, stats: list) -> np.ndarray:
    out = np.zeros((len(channels),) + channels[0].shape, np.float32)
    for c, (x, (mean, std)) in enumerate(zip(channels, stats)):
        out[c] = np.where(mask, (x - mean) / std, 0.0)
    return out
