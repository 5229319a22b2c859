#!/usr/bin/env bash
# Issue 16's GPU bench in one script: Quorum's worker and pipeline on WebGPU in headless Chromium
# vs PyTorch CUDA fp32, same networks and input, ratio printed (bench.py). See README.md here.
#
#   bash bench/gpu/run.sh --prepare   here (CPU machine, node_modules, apt): build the page into
#                                     out/bench-gpu (packed as out/gpu-bench/page.tar.xz); download
#                                     Debian's headless Chromium and the libraries it needs, packed
#                                     as out/gpu-bench/chromium.tar.xz.part-*
#   bash bench/gpu/run.sh --dry       here: the whole path on SwiftShader, tiny sizes, PyTorch on CPU
#   bash bench/gpu/run.sh             on the GPU machine (no network): unpack the carried Chromium,
#                                     run bench.py with docs/gpu.md's flags; < 10 minutes in all
set -uo pipefail
cd "$(dirname "$0")/../.."
MODE="${1:-gpu}"
OUT="${OUT:-/tmp}"
BUNDLE=out/gpu-bench
# Chromium parts may come in an earlier call (the carry limit is 64 MiB a call): that call copies
# its parts here, where the next call on the same warm machine finds them.
STASH=/tmp/quorum-gpu-bench-parts
# Debian's headless shell and what it links that a CUDA image may lack (libc6 and libgcc stay the host's).
DEBS="chromium-headless-shell chromium-common libasound2 libatk1.0-0 libatspi2.0-0 libdav1d6 libdbus-1-3
libdouble-conversion3 libexpat1 libflac12 libfontconfig1 libfreetype6 libgbm1 libglib2.0-0 libharfbuzz-subset0
libharfbuzz0b libjpeg62-turbo liblcms2-2 libminizip1 libnspr4 libnss3 libopenh264-7 libopenjp2-7 libopus0
libpulse0 libx11-6 libxcb1 libxcomposite1 libxdamage1 libxext6 libxfixes3 libxkbcommon0 libxnvctrl0 libxrandr2
libxau6 libxdmcp6 libbsd0 libmd0 libwayland-server0 libdrm2 libpng16-16 libbrotli1 libgraphite2-3 libpcre2-8-0
libffi8 libsndfile1 libasyncns0 libsystemd0 libvulkan1 libegl1 libglvnd0 libgl1 libglx0 libgles2"

case "$MODE" in
--prepare)
  node_modules/.bin/vite build --logLevel warn --config bench/gpu/pipeline/vite.config.ts || exit 1
  rm -rf "$BUNDLE" && mkdir -p "$BUNDLE/debs" "$BUNDLE/root"
  # The page is ~30 MB, nearly all onnxruntime-web's WASM, which xz shrinks to a fifth.
  tar -C out -cJf "$BUNDLE/page.tar.xz" bench-gpu
  # shellcheck disable=SC2086
  (cd "$BUNDLE/debs" && apt-get download $DEBS) || { echo "apt-get download failed (run apt-get update first)" >&2; exit 1; }
  for f in "$BUNDLE"/debs/*.deb; do dpkg -x "$f" "$BUNDLE/root"; done
  # Not needed to run headless: documentation, the Vulkan validation layer and the mock driver.
  rm -rf "$BUNDLE"/root/usr/share/{doc,man,lintian,bug} "$BUNDLE"/root/usr/lib/chromium/libVk{Layer_khronos_validation,ICD_mock_icd}.so
  # 46 MiB parts: with the ~10 MB repository each call stays under the 64 MiB a call carries.
  XZ_OPT='-9 -T0' tar -C "$BUNDLE/root" -cJf - . | split -b 46M - "$BUNDLE/chromium.tar.xz.part-"
  rm -rf "$BUNDLE/debs" "$BUNDLE/root"
  du -sh "$BUNDLE"/page.tar.xz "$BUNDLE"/chromium.tar.xz.part-*
  echo "Carry page.tar.xz and the parts (at most 64 MiB a call; see bench/gpu/README.md)."
  ;;
--stash)
  # An earlier call carrying only some parts: keep them for the next call on this warm machine.
  mkdir -p "$STASH" && cp "$BUNDLE"/chromium.tar.xz.part-* "$STASH"/ && ls -la "$STASH"
  ;;
--dry)
  [ -f out/bench-gpu/index.html ] || node_modules/.bin/vite build --logLevel warn --config bench/gpu/pipeline/vite.config.ts || exit 1
  OMP_NUM_THREADS=1 timeout 590 /usr/bin/python3 bench/gpu/bench.py --dry --chromium "${CHROMIUM:-/usr/lib/chromium/chromium}" --out "$OUT"
  ;;
gpu)
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee "$OUT/gpu.csv"
  [ -f out/bench-gpu/index.html ] || [ ! -f "$BUNDLE/page.tar.xz" ] || tar -C out -xJf "$BUNDLE/page.tar.xz" || exit 1
  CHROME="${CHROMIUM:-}"
  if [ -z "$CHROME" ]; then
    mkdir -p "$STASH"
    cp "$BUNDLE"/chromium.tar.xz.part-* "$STASH"/ 2>/dev/null
    if ls "$STASH"/chromium.tar.xz.part-* >/dev/null 2>&1; then
      mkdir -p /tmp/quorum-chromium && cat "$STASH"/chromium.tar.xz.part-* | tar -C /tmp/quorum-chromium -xJf - || exit 1
      CHROME=$(find /tmp/quorum-chromium/usr/lib/chromium -maxdepth 1 -type f \( -name headless_shell -o -name chromium-headless-shell \) | head -1)
      export LD_LIBRARY_PATH="/tmp/quorum-chromium/usr/lib/x86_64-linux-gnu:/tmp/quorum-chromium/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    else
      CHROME=$(command -v chromium-headless-shell || command -v chromium || echo /usr/lib/chromium/chromium)
    fi
  fi
  [ -x "$CHROME" ] || { echo "No Chromium: carry the parts from 'run.sh --prepare' (README.md)" >&2; exit 3; }
  # docs/gpu.md: the NVIDIA Vulkan ICD and EGL vendor files, where the driver mounts them.
  for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json; do
    [ -f "$f" ] && export VK_DRIVER_FILES="$f" && break
  done
  for f in /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json /usr/share/glvnd/egl_vendor.d/10_nvidia.json; do
    [ -f "$f" ] && export __EGL_VENDOR_LIBRARY_FILENAMES="$f" && break
  done
  python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' ||
    { echo "This python3 has no CUDA-enabled PyTorch: the PyTorch side cannot be measured here." >&2; exit 3; }
  PYTHONUNBUFFERED=1 timeout 540 python3 bench/gpu/bench.py --chromium "$CHROME" --out "$OUT"
  ;;
*)
  echo "usage: bash bench/gpu/run.sh [--prepare | --stash | --dry]" >&2
  exit 2
  ;;
esac
