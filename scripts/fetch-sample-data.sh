#!/usr/bin/env bash
# Sample data that is not committed, made idempotently under data-cache/ (gitignored):
#   data-cache/ct/cranium.nii.gz                      real head CT, 256×256×108 HU, from Debian's
#                                                     invesalius-examples (GPL-2: never commit it)
#   data-cache/demo-cohort/                           the demo evaluation cohort (demo/README.md)
#   data-cache/demo-core-penumbra/                    the multi-class demo project on the CT
#                                                     (demo/README.md; GPL-2 like the CT)
#   data-cache/debian-dicom/                          Debian's heudiconv (Apache-2.0) and
#                                                     python3-pydicom (MIT) unpacked, not installed:
#                                                     the DICOM corpus of the convert and mosaic tests
# Each file is made only if missing. The benchmarks' 512×512×300 synthetic CT is not made here: the
# app never opens it, so bench/syntheticCt.ts makes it when a benchmark first needs it. Needs apt
# (Debian/Ubuntu) for the CT; root only if the apt lists must be refreshed first.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$repo/data-cache/ct"
mkdir -p "$out"
cd "$repo"

# The demo evaluation cohort (scripts/demo-cohort/): six cases made from the demo DWI with synthetic
# lesions, three synthetic raters and the demo model's results, which are committed
# (demo/cohort-model/) so the model does not run here: about 10 s of CPU. The generator keeps a
# current cohort and says so. It runs in the background while the CT downloads.
npx tsx scripts/demo-cohort/main.ts &
cohort_pid=$!

ct="$out/cranium.nii.gz"
if [ -s "$ct" ]; then
  echo "fetch-sample-data: $ct already present"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  echo "fetch-sample-data: downloading invesalius-examples (about 19 MB) for the Cranium CT"
  if ! (cd "$work" && apt-get download invesalius-examples); then
    echo "fetch-sample-data: apt-get download failed; refreshing the package lists and retrying"
    apt-get update -qq
    (cd "$work" && apt-get download invesalius-examples)
  fi
  dpkg-deb -x "$work"/invesalius-examples_*.deb "$work/x"
  inv="$(find "$work/x" -name Cranium.inv3 | head -n 1)"
  [ -n "$inv" ] || { echo "fetch-sample-data: Cranium.inv3 not found in the package" >&2; exit 1; }
  mkdir -p "$work/inv"
  tar -xzf "$inv" -C "$work/inv"
  plist="$(find "$work/inv" -name main.plist | head -n 1)"
  npx tsx scripts/convert-invesalius.ts "$(dirname "$plist")" "$ct.partial"
  mv "$ct.partial" "$ct"
  # Keep the licence with the data (GPL-2): it must travel with any copy.
  cp "$work/x/usr/share/doc/invesalius-examples/copyright" "$out/cranium.COPYRIGHT"
fi

# The multi-class demo project (synthetic core and penumbra on the CT, two synthetic raters).
npx tsx scripts/demo-core-penumbra/main.ts

# Real scanner DICOM for the convert/mosaic tests (Siemens Prisma DWI mosaics, pydicom's CT_small):
# the packages are only unpacked, so nothing of theirs is installed or run.
dicom="$repo/data-cache/debian-dicom"
if [ -d "$dicom/usr" ]; then
  echo "fetch-sample-data: $dicom already present"
else
  pkgs="$(mktemp -d)"
  if ! (cd "$pkgs" && apt-get download heudiconv python3-pydicom); then
    apt-get update -qq
    (cd "$pkgs" && apt-get download heudiconv python3-pydicom)
  fi
  mkdir -p "$dicom.partial"
  for deb in "$pkgs"/*.deb; do dpkg-deb -x "$deb" "$dicom.partial"; done
  rm -rf "$pkgs"
  mv "$dicom.partial" "$dicom"
fi

wait "$cohort_pid" || { echo "fetch-sample-data: the demo cohort could not be made" >&2; exit 1; }
ls -l "$out"
