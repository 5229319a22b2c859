#!/usr/bin/env bash
# Train, export and evaluate the multi-class demo CT model (models/demo-ct-core-penumbra/). See README.md.
# Debian's python3-torch / python3-onnx / python3-scipy, run with /usr/bin/python3 (not pyenv).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c 'import torch, onnx, scipy' 2>/dev/null; then
  echo "Needs Debian packages: apt-get install -y python3-torch python3-onnx python3-scipy" >&2
  exit 1
fi
# One thread, passive waiting: reproducible results and room for other work on a 2-core machine.
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE PYTHONHASHSEED=0
exec /usr/bin/python3 models/train/train_multiclass.py "$@"
