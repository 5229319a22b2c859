#!/usr/bin/env bash
# The prepared GPU check (not run on the CPU machines). Budget: well under 5 minutes of device time.
# Usage on the device machine, from the repository root:  bash bench/gpu/run.sh
set -uo pipefail
OUT="${OUT:-/tmp}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$OUT/gpu.csv"
for py in python3 /usr/bin/python3; do
  if "$py" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
    timeout 240 "$py" bench/gpu/torch_cuda.py --out "$OUT/torch_cuda.json"
    exit $?
  fi
done
echo "No Python with CUDA-enabled PyTorch on this machine: the PyTorch floor cannot be measured here." >&2
exit 3
