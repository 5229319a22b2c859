#!/usr/bin/env bash
# One-time (idempotent) set-up on a fresh Debian machine: system packages the tests and browser
# mode need, the npm dependencies, and the sample data fetched at set-up time (never committed).
# Called by `npm run start:web`, `npm run test:all` and .ci/run, so a clean clone needs nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Electron binary and onnxruntime-node's CUDA add-on download from outside the npm registry,
# which our machines cannot reach; the npm packages themselves (types, CPU binaries) install fine.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 ONNXRUNTIME_NODE_INSTALL=skip

need_apt=()
[ -x /usr/lib/chromium/chromium ] || need_apt+=(chromium)
command -v xvfb-run >/dev/null 2>&1 || need_apt+=(xvfb)
[ -x /usr/bin/python3 ] || need_apt+=(python3) # the recalibration test's pure-Python reference
command -v dcm2niix >/dev/null 2>&1 || need_apt+=(dcm2niix) # the convert tests compare against it
command -v dcmcjpeg >/dev/null 2>&1 || need_apt+=(dcmtk) # the codec corpus, the decode bench and convert's oblique series (dcmodify)
command -v gdcmconv >/dev/null 2>&1 || need_apt+=(libgdcm-tools) # the same corpus (JPEG 2000, gdcm's encoders)
# The exported-architecture tests build small nnU-Net- and MONAI-style networks with Debian's PyTorch
# and compare against a Python reference of the same pipeline (models/train/export_archs.py).
/usr/bin/python3 -c 'import torch, onnx, nibabel, scipy' 2>/dev/null ||
  need_apt+=(python3-torch python3-onnx python3-nibabel python3-scipy)
[ -x /usr/sbin/Orthanc ] || need_apt+=(orthanc) # the DICOMweb tests start their own archive
[ -f /usr/share/orthanc/plugins/libOrthancDicomWeb.so ] || need_apt+=(orthanc-dicomweb)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need_apt+=(postgresql) # the PostgreSQL store's tests start their own cluster
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: please install ${need_apt[*]} (apt-get install -y ${need_apt[*]}) and run again" >&2
    exit 1
  fi
  echo "setup: installing ${need_apt[*]} from Debian" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# npm ci only when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ -x scripts/fetch-sample-data.sh ] || [ -f scripts/fetch-sample-data.sh ]; then
  bash scripts/fetch-sample-data.sh
fi
