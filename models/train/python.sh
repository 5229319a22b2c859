#!/usr/bin/env bash
# Runs one of the recipes here (train.py, train_multiclass.py, …) the way they are meant to run:
# Debian's python3-torch / python3-onnx / python3-nibabel / python3-scipy under /usr/bin/python3
# (not pyenv), on one thread. Usage: python.sh <script.py> [args…]. See README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c 'import torch, onnx, nibabel, scipy' 2>/dev/null; then
  echo "Needs Debian packages: apt-get install -y python3-torch python3-onnx python3-nibabel python3-scipy" >&2
  exit 1
fi
# One thread, passive waiting: reproducible results and room for other work on a 2-core machine.
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE PYTHONHASHSEED=0
script="$1"
shift
exec /usr/bin/python3 "models/train/$script" "$@"
