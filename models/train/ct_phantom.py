"""Procedural head CT phantoms with a synthetic infarct core inside a penumbra (issue 14).

Nothing here reads a real image: the multi-class demo model is trained only on these phantoms, so
its weights owe nothing to the GPL demo CT it is shown on. Arrays are [k, j, i] (slowest first), the
axis order Quorum gives the network ([1, C, nk, nj, ni], manifest axisOrder "nnunet"), on a
VOXEL_MM isotropic grid (the manifest's targetSpacingMm).

A head: air (-1000 HU) / scalp (20-60) / skull (600-1500) / a thin CSF rim (~5) / brain (30-40, a
smooth grey-white pattern) with two CSF ventricles (~5). An infarct lowers the attenuation of the
brain parenchyma: the penumbra by 2-5 HU in a soft blob, the core by 6-12 HU in a smaller blob
inside it. CT noise is Gaussian, slightly correlated (smoothed), 1.5-5 HU.
"""
import numpy as np
from scipy.ndimage import gaussian_filter

VOXEL_MM = 2.0
SHAPE = (76, 104, 88)  # k, j, i: 152 x 208 x 176 mm, multiples of 4 (two strided downsamplings)
# The manifest's CT normalisation: clip to a brain window, then (x - MEAN) / STD, i.e. to [-1, 1].
CLIP = (0.0, 80.0)
MEAN, STD = 40.0, 40.0
CLASSES = ["background", "Core", "Penumbra"]  # softmax order; names as the core/penumbra preset


class Head:
    """A lesion-free head: HU image, the parenchyma mask lesions may occupy, and the voxels
    [k, j, i] at least ~4 voxels inside it where an infarct may be centred."""

    def __init__(self, hu: np.ndarray, parenchyma: np.ndarray):
        self.hu = hu
        self.parenchyma = parenchyma
        inner = gaussian_filter(parenchyma.astype(np.float32), 2.5) > 0.95
        self.centres = np.argwhere(inner if inner.any() else parenchyma).astype(np.float32)

    def lesion_centre(self, rng: np.random.Generator) -> np.ndarray:
        return self.centres[int(rng.integers(len(self.centres)))]


def _ellipsoid_r(grid: np.ndarray, centre: np.ndarray, semi: np.ndarray) -> np.ndarray:
    """The ellipsoidal radius (1 on the surface) of every voxel; grid is [3, k, j, i] in mm."""
    return np.sqrt(sum(((grid[a] - centre[a]) / semi[a]) ** 2 for a in range(3)))


def _grid(shape: tuple, offset: tuple = (0, 0, 0)) -> np.ndarray:
    idx = np.indices(shape, dtype=np.float32)
    return np.stack([(idx[a] + offset[a]) * VOXEL_MM for a in range(3)])


def _smooth_field(shape: tuple, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Smooth noise scaled to [0, 1]."""
    f = gaussian_filter(rng.standard_normal(shape).astype(np.float32), sigma)
    return (f - f.min()) / max(float(f.max() - f.min()), 1e-6)


def _soft(r: np.ndarray, sharpness: float = 6.0) -> np.ndarray:
    """1 inside (r < 1), 0 outside, with a soft edge a voxel or two wide."""
    return 1.0 / (1.0 + np.exp(np.minimum((r - 1.0) * sharpness, 60.0)))


def make_head(rng: np.random.Generator, shape: tuple = SHAPE) -> Head:
    grid = _grid(shape)
    centre = np.array([s * VOXEL_MM / 2 for s in shape]) + rng.normal(0, 4, 3)
    # Semi-axes (mm) of the scalp surface: k (superior-inferior), j (anterior-posterior), i (left-right).
    scalp = np.array([rng.uniform(58, 70), rng.uniform(82, 96), rng.uniform(64, 76)])
    # A lumpy outline: the radius varies smoothly by a few per cent.
    lumps = 1.0 + 0.04 * (_smooth_field(shape, 8, rng) - 0.5)
    r_scalp = _ellipsoid_r(grid, centre, scalp) * lumps
    s_skin, s_skull, s_csf = rng.uniform(3, 6), rng.uniform(4, 8), rng.uniform(1.5, 3)
    r_skull = _ellipsoid_r(grid, centre, scalp - s_skin) * lumps
    r_csf = _ellipsoid_r(grid, centre, scalp - s_skin - s_skull) * lumps
    r_brain = _ellipsoid_r(grid, centre, scalp - s_skin - s_skull - s_csf) * lumps

    hu = np.full(shape, -1000.0, np.float32)
    hu[r_scalp < 1] = rng.uniform(20, 60)
    hu[r_skull < 1] = rng.uniform(600, 1500) + 200 * (_smooth_field(shape, 4, rng)[r_skull < 1] - 0.5)
    hu[r_csf < 1] = rng.uniform(2, 10)
    brain = r_brain < 1
    # Grey-white pattern: a smooth field pushed towards two levels (grey ~38, white ~30).
    grey = 1.0 / (1.0 + np.exp(-(_smooth_field(shape, 3, rng) - 0.5) * 12))
    white_hu, grey_hu = rng.uniform(27, 32), rng.uniform(36, 41)
    hu[brain] = (white_hu + (grey_hu - white_hu) * grey)[brain]
    ventricles = np.zeros(shape, bool)
    vc = centre + np.array([rng.uniform(-4, 8), rng.uniform(-8, 8), 0])
    vsemi = np.array([rng.uniform(6, 10), rng.uniform(12, 22), rng.uniform(3, 6)])
    gap = rng.uniform(5, 10)
    for side in (-1, 1):
        ventricles |= _ellipsoid_r(grid, vc + np.array([0, 0, side * gap]), vsemi) < 1
    hu[ventricles & brain] = rng.uniform(0, 8)
    return Head(hu, brain & ~ventricles)


def lesion_fields(shape: tuple, offset: tuple, centre_vox: np.ndarray,
                  rng: np.random.Generator) -> tuple:
    """Soft core and penumbra blobs in [0, 1] on a [k, j, i] region starting at `offset` (voxels)."""
    grid = _grid(shape, offset)
    centre = centre_vox * VOXEL_MM
    size = rng.uniform(8, 22)  # penumbra radius, mm
    outer = np.zeros(shape, np.float32)
    for _ in range(int(rng.integers(1, 4))):
        c = centre + rng.normal(0, size * 0.35, 3)
        outer = np.maximum(outer, _soft(_ellipsoid_r(grid, c, size * rng.uniform(0.6, 1.2, 3))))
    core = np.zeros(shape, np.float32)
    core_size = size * rng.uniform(0.3, 0.6)
    for _ in range(int(rng.integers(1, 3))):
        c = centre + rng.normal(0, core_size * 0.3, 3)
        core = np.maximum(core, _soft(_ellipsoid_r(grid, c, core_size * rng.uniform(0.7, 1.2, 3))))
    return core, np.maximum(outer, core)


def infarct(hu: np.ndarray, parenchyma: np.ndarray, core: np.ndarray, outer: np.ndarray,
            rng: np.random.Generator) -> tuple:
    """The image with the infarct's HU drop, and the label map (0 background, 1 core, 2 penumbra)."""
    d_core, d_pen = rng.uniform(6, 12), rng.uniform(2, 5)
    drop = (d_pen * outer + (d_core - d_pen) * core) * parenchyma
    label = np.zeros(hu.shape, np.int64)
    label[(outer > 0.5) & parenchyma] = 2
    label[(core > 0.5) & parenchyma] = 1
    return hu - drop, label


def add_noise(hu: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    sigma = rng.uniform(1.5, 5.0)
    n = gaussian_filter(rng.standard_normal(hu.shape).astype(np.float32), 0.6)
    return hu + n * (sigma / float(n.std()))


def normalise(hu: np.ndarray) -> np.ndarray:
    """Exactly the manifest's `ct` normalisation (src-shared/inference/normalise)."""
    return ((np.clip(hu, *CLIP) - MEAN) / STD).astype(np.float32)


def make_case(rng: np.random.Generator, lesion: bool = True) -> tuple:
    """A whole phantom: normalised input [1, k, j, i] and its label map [k, j, i]."""
    head = make_head(rng)
    if lesion:
        core, outer = lesion_fields(head.hu.shape, (0, 0, 0), head.lesion_centre(rng), rng)
        hu, label = infarct(head.hu, head.parenchyma, core, outer, rng)
    else:
        hu, label = head.hu, np.zeros(head.hu.shape, np.int64)
    return normalise(add_noise(hu, rng))[None], label
