#!/usr/bin/env bash
# Provenance of the committed demo data (demo/dwi, demo/t1): rebuilds it from Debian packages.
# Documentation, not part of CI; run it on Debian 12 with dcm2niix installed (apt-get install dcm2niix).
#   bash scripts/make-demo-data.sh [out-dir]     (default: a temporary folder; compare with demo/)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$(mktemp -d)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# 1. The packages, downloaded and unpacked, not installed.
apt-get download heudiconv mricron-data
for deb in heudiconv_*.deb mricron-data_*.deb; do dpkg-deb -x "$deb" x; done

# 2. DWI: three Siemens Prisma mosaic DICOMs (b = 5, 5, 1500), Apache-2.0 → 4D NIfTI + bval/bvec.
dcm2niix -z y -f dwi -o "$work" x/usr/lib/python3/dist-packages/heudiconv/tests/data/b0dwiForFmap/
mkdir -p "$out/dwi" "$out/t1"
# Crop to 124×152×32 (values untouched, geometry kept) so the repository stays small.
(cd "$repo" && npx tsx scripts/crop-nifti.ts "$work/dwi.nii.gz" "$out/dwi/dwi.nii.gz" 13:137 0:152 24:56)
cp dwi.bval dwi.bvec "$out/dwi/"

# 3. T1: ch2bet (BSD-3), copied unchanged.
cp x/usr/share/mricron/templates/ch2bet.nii.gz "$out/t1/"

echo "Demo data written to $out"
(cd "$out" && md5sum dwi/dwi.nii.gz dwi/dwi.bval dwi/dwi.bvec t1/ch2bet.nii.gz)
