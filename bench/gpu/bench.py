"""Issue 16's GPU bench: Quorum's own inference worker and pipeline in Chromium on WebGPU against
PyTorch CUDA fp32 on the same networks and input shapes, in one run, printing the ratio.

    python3 bench/gpu/bench.py --chromium PATH [--dry] [--out DIR]

Networks: the demo ensemble (models/demo-dwi-lesion, 3 members, patch 64x64x32, TTA on i; PyTorch:
the same architecture, models/train/unet.py) and a 128^3 nnU-Net-style network (PlainConvUNet from
models/train/archs.py, 16/32/64/128 as shared/docs/gpu.md's "lite" anchor; exported here to ONNX
with its ConvTransposes, which Quorum rewrites for WebGPU at load, and timed in PyTorch as the same
module). Input: the pipeline page's synthetic head (bench/gpu/pipeline/main.mjs).

The page (out/bench-gpu, built by `run.sh --prepare` or `npx vite build --config
bench/gpu/pipeline/vite.config.ts`) is served here with COOP/COEP by Python's http.server, so the GPU
machine needs no Node; Chromium opens it at ?plan=..., runs the plan in Quorum's worker and POSTs
the results back. Per configuration the page loads the model afresh and runs it `reps` times; the
last rep is reported (the first pays for shader compilation and graph capture).

WebGPU per patch = the pipeline's sliding-window stage / model runs (GPU accumulation included: with
GPU-resident outputs, run() returns before the GPU is done, so only the stage time is honest).
--dry: SwiftShader (fallback adapter allowed), tiny patches, PyTorch on the CPU: shows the whole
path works on the CPU machines; its numbers mean nothing.
"""
import argparse
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "models", "train"))
sys.path.insert(0, HERE)
from archs import PlainConvUNet  # noqa: E402
from torch_cuda import time_forward  # noqa: E402
from unet import UNet3D  # noqa: E402

# shared/docs/gpu.md: the flags that put headless Chromium's WebGPU on the NVIDIA adapter.
GPU_FLAGS = ["--headless", "--no-sandbox", "--enable-gpu", "--enable-unsafe-webgpu", "--ignore-gpu-blocklist",
             "--enable-features=Vulkan", "--use-vulkan=native", "--use-angle=vulkan", "--disable-vulkan-surface",
             "--disable-gpu-sandbox"]
DRY_FLAGS = ["--headless", "--no-sandbox", "--enable-unsafe-webgpu"]
QUIET = ["--no-first-run", "--disable-quic", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--user-data-dir=" + tempfile.mkdtemp(prefix="quorum-bench-chromium-")]


def export_nnunet(folder, patch):
    """PlainConvUNet 16/32/64/128 (three 2x2x2 downsamplings) as model.onnx + model.json; returns the module."""
    torch.manual_seed(0)
    net = PlainConvUNet(cin=1, classes=2, feats=(16, 32, 64, 128), strides=((1, 1, 1), (2, 2, 2), (2, 2, 2), (2, 2, 2)))
    net.deep_supervision = False
    net.eval()
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    kw = {"opset_version": 17, "input_names": ["image"], "output_names": ["out"]}
    if "dynamo" in torch.onnx.export.__code__.co_varnames:
        kw["dynamo"] = False  # the TorchScript exporter: one static graph, as export_archs.py writes
    torch.onnx.export(net, torch.zeros([1, 1] + patch[::-1]), path, **kw)
    manifest = {"schemaVersion": 1, "id": "nnunet-128", "name": "nnU-Net-style 16/32/64/128 (bench)", "version": "0.1",
                "license": "Apache-2.0", "intendedUse": "GPU bench only; random weights.", "modality": "MR-DWI",
                "channels": [{"id": "dwi_b1000"}], "targetSpacingMm": [1, 1, 1], "patchSize": patch, "overlap": 0.5,
                "ttaFlipAxes": [], "normalisation": {"kind": "zscore", "foreground": "nonzero"},
                "ensembleAverage": "logits", "output": {"activation": "softmax", "labels": ["background", "lesion"]},
                "members": [{"file": "model.onnx", "sha256": hashlib.sha256(open(path, "rb").read()).hexdigest()}]}
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    return net


def serve(roots, results):
    """COOP/COEP static server (roots: URL prefix -> folder) on a free port; POST /result -> results list."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path):
            url = urllib.parse.urlparse(path).path
            for prefix in sorted(roots, key=len, reverse=True):
                if url.startswith(prefix):
                    p = os.path.normpath(os.path.join(roots[prefix], url[len(prefix):]))
                    return p if p.startswith(roots[prefix]) else "/nonexistent"
            return "/nonexistent"

        def end_headers(self):
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
            super().end_headers()

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(204)
            self.end_headers()
            results.append(json.loads(body))

        def log_message(self, *args):
            pass

    Handler.extensions_map = {**Handler.extensions_map, ".mjs": "text/javascript", ".wasm": "application/wasm"}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_page(chromium, flags, url, results, timeout_s):
    proc = subprocess.Popen([chromium, *flags, *QUIET, url], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    t0 = time.time()
    try:
        while not results and time.time() - t0 < timeout_s and proc.poll() is None:
            time.sleep(0.5)
    finally:
        proc.kill()
        err = proc.stderr.read() if proc.stderr else ""
    if not results:
        sys.exit(f"no result from Chromium within {timeout_s} s (exit {proc.poll()}); its stderr ends:\n{err[-3000:]}")
    return results[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chromium", required=True)
    ap.add_argument("--page", default=os.path.join(REPO, "out", "bench-gpu"))
    ap.add_argument("--dry", action="store_true")
    ap.add_argument("--out", default=None)
    ap.add_argument("--timeout", type=int, default=420, help="seconds for the whole browser part")
    args = ap.parse_args()
    if not os.path.exists(os.path.join(args.page, "index.html")):
        sys.exit(f"the pipeline page is not built in {args.page}: run bash bench/gpu/run.sh --prepare where node_modules exist")
    dry = args.dry
    device = "cpu" if dry else "cuda"
    if not dry and not torch.cuda.is_available():
        sys.exit("CUDA is not available to this PyTorch")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True

    # Sizes: the real ones, or tiny for SwiftShader.
    demo_patch = [16, 16, 16] if dry else [64, 64, 32]
    demo = {"folder": "demo-dwi-lesion", "dims": [32, 16, 16] if dry else [124, 152, 32], "patchSize": demo_patch,
            **({"members": ["member-0.onnx"]} if dry else {})}
    nn_patch = [16, 16, 16] if dry else [128, 128, 128]
    nnunet = {"folder": "nnunet-128", "dims": nn_patch}
    common = {"allowFallbackAdapter": dry, "reps": 1 if dry else 2}
    full = {"graphCapture": True, "gpuAccumulation": True}
    plan = []
    for name, case in [("demo", demo), ("nnunet128", nnunet)]:
        plan.append({**common, **case, "key": f"{name}-plain", "path": "plain"})
        plan.append({**common, **case, "key": f"{name}-gpu", "path": full, "compareTo": f"{name}-plain"})

    work = tempfile.mkdtemp(prefix="quorum-gpu-bench-")
    try:
        net = export_nnunet(os.path.join(work, "nnunet-128"), nn_patch)
        results = []
        server = serve({"/model/demo-dwi-lesion/": os.path.join(REPO, "models", "demo-dwi-lesion"),
                        "/model/nnunet-128/": os.path.join(work, "nnunet-128"), "/": os.path.abspath(args.page)}, results)
        url = f"http://localhost:{server.server_address[1]}/?plan=" + urllib.parse.quote(json.dumps(plan))
        t0 = time.time()
        page = run_page(args.chromium, DRY_FLAGS if dry else GPU_FLAGS, url, results, args.timeout)
        browser_s = time.time() - t0
        server.shutdown()
        if page.get("error"):
            print(json.dumps(page, indent=2))
            sys.exit(f"the page failed: {page['error']}")

        reps = 3 if dry else 50
        torch_runs = {
            "demo": time_forward(UNet3D(in_channels=2).to(device).eval(), [1, 2] + demo_patch[::-1], reps, device),
            "nnunet128": time_forward(net.to(device).eval(), [1, 1] + nn_patch[::-1], reps, device),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows = []
    by_key = {r["key"]: r for r in page["results"]}
    for name in ["demo", "nnunet128"]:
        for variant in ["plain", "gpu"]:
            r = by_key[f"{name}-{variant}"]
            t = r["timings"][-1]
            per_patch = t["slidingWindowMs"] / r["grid"]["runs"]
            rows.append({"network": name, "path": variant, "adapter": r["adapter"], "ep": r["ep"],
                         "fallbackReason": r["fallbackReason"], "webgpuDetail": r["webgpuDetail"],
                         "runs": r["grid"]["runs"], "pipelineTotalMs": t["totalMs"], "slidingWindowMs": t["slidingWindowMs"],
                         "webgpuPerPatchMs": per_patch, "torchPerPatchMs": torch_runs[name]["median_ms"],
                         "ratio": per_patch / torch_runs[name]["median_ms"], "maxAbsDiffToPlain": r.get("maxAbsDiff")})
    report = {"dry": dry, "torch": {"version": torch.__version__, "device": torch.cuda.get_device_name(0) if not dry else "cpu",
                                    **torch_runs}, "browserSeconds": browser_s, "rows": rows}
    print(json.dumps(report, indent=2))
    print("\n| network | path | ran on | runs | WebGPU ms/patch | PyTorch ms/patch | ratio | max |Δ| to plain |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        d = r["maxAbsDiffToPlain"]
        print(f"| {r['network']} | {r['path']} | {r['ep']} | {r['runs']} | {r['webgpuPerPatchMs']:.1f} | {r['torchPerPatchMs']:.1f} | "
              f"{r['ratio']:.2f} | {'' if d is None else f'{d:.1e}'} |")
    if args.out:
        with open(os.path.join(args.out, "gpu_bench.json"), "w") as f:
            json.dump(report, f, indent=2)
    # A row that fell back to WASM measured the wrong thing; a map off by more than 1e-4 is a bug.
    bad = [r for r in rows if r["ep"] != "webgpu" or (r["maxAbsDiffToPlain"] is not None and not r["maxAbsDiffToPlain"] <= 1e-4)]
    for r in rows:
        if r["ep"] != "webgpu":
            print(f"{r['network']} {r['path']} ran on {r['ep']}: {r['fallbackReason']}", file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
