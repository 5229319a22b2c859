/**
 * Load and check one model folder: model.json plus its ensemble members. File access is injected
 * (`readFile` returns undefined for a missing file) so the same checks run in main (fs), in the
 * renderer (fetch from the models endpoint) and in tests.
 *
 * Fatal problems throw ModelManifestError with one user-facing sentence: bad JSON, a schema error,
 * a missing member, a hash mismatch, bytes that are not ONNX, an opset onnxruntime does not run, an
 * op from a custom domain, or a channel count that disagrees with the graph's input. (Files too
 * large are refused by the reader that main injects, src-main/services/models.ts.) A model that cannot run on WebGPU is not an error: `webgpu` says why,
 * and the caller runs it on WASM. A member whose only WebGPU gap is kernel = stride 3D
 * ConvTranspose gets a rewritten graph for WebGPU (convTransposeRewrite.ts); its original bytes stay
 * the WASM graph, and openMembers checks the two agree before WebGPU uses the rewrite.
 */
import { ModelManifestError, outputChannelCount, parseManifest, type ModelManifest } from './manifest';
import { rewriteConvTranspose } from './convTransposeRewrite';
import { readOnnxGraph, type OnnxGraphInfo } from './onnxGraph';
import { sha256Hex } from './sha256';
import { decodeUtf8 } from './utf8';
import { checkWebGpu, type WebGpuCheck } from './webgpuSupport';

export interface LoadedMember {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: Uint8Array;
  readonly graph: OnnxGraphInfo;
  readonly inputName: string;
  readonly outputName: string;
  /** The graph with its ConvTransposes rewritten for WebGPU; null when the original is used everywhere. */
  readonly webgpuBytes: Uint8Array | null;
}

export interface LoadedModel {
  readonly manifest: ModelManifest;
  readonly members: readonly LoadedMember[];
  /** Combined over members: blocked if any member is. */
  readonly webgpu: WebGpuCheck;
}

export type ReadModelFile = (name: string) => Promise<Uint8Array | undefined>;

/**
 * Whether the members' sha256 is checked here, or was already verified for these very files by
 * whoever supplies them (the server's models service, at the files' sizes and mtimes): a member's
 * hash is computed once per change of the file, not once per reader (issue 15).
 */
export type MemberHashes = 'check' | 'verified';

export async function loadModelFolder(
  readFile: ReadModelFile,
  folderLabel = 'model folder',
  hashes: MemberHashes = 'check',
): Promise<LoadedModel> {
  const manifestBytes = await readFile('model.json');
  if (!manifestBytes) throw new ModelManifestError('missing-file', `${folderLabel} has no model.json`);
  const manifest = parseManifest(decodeUtf8(manifestBytes), `${folderLabel}/model.json`);
  const members: LoadedMember[] = [];
  const checks: WebGpuCheck[] = [];
  for (const m of manifest.members) {
    const bytes = await readFile(m.file);
    if (!bytes) {
      throw new ModelManifestError('missing-file', `${folderLabel}: ensemble member "${m.file}" listed in model.json is missing`);
    }
    if (hashes === 'check') {
      const actual = sha256Hex(bytes);
      if (actual !== m.sha256) {
        throw new ModelManifestError(
          'hash-mismatch',
          `${folderLabel}: "${m.file}" does not match its sha256 in model.json (expected ${m.sha256.slice(0, 12)}…, got ${actual.slice(0, 12)}…); the file was changed or corrupted`,
        );
      }
    }
    let graph: OnnxGraphInfo;
    try {
      graph = readOnnxGraph(bytes);
    } catch (e) {
      throw new ModelManifestError(
        'bad-onnx',
        `${folderLabel}: "${m.file}" is not a readable ONNX model (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    checkRunnable(graph, `${folderLabel}: "${m.file}"`);
    const member = checkIo(manifest, m.file, m.sha256, bytes, graph, folderLabel);
    const { webgpuBytes, check } = webgpuGraph(bytes, graph, `"${m.file}"`);
    members.push({ ...member, webgpuBytes });
    checks.push(check);
  }
  return { manifest, members, webgpu: mergeChecks(checks) };
}

/** onnxruntime's oldest supported opset: ONNX IR 3 and opset 7. */
const MIN_OPSET = 7;
/** Domains onnxruntime implements; anything else is a custom op that needs its own extension library. */
const KNOWN_DOMAINS = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'com.microsoft']);

function checkRunnable(graph: OnnxGraphInfo, what: string): void {
  if (graph.opsetVersion === null) throw new ModelManifestError('opset', `${what} declares no ai.onnx opset; re-export it with opset 17`);
  if (graph.opsetVersion < MIN_OPSET) {
    throw new ModelManifestError(
      'opset',
      `${what} uses opset ${graph.opsetVersion}; onnxruntime runs opset ${MIN_OPSET} and later (re-export it with opset 17)`,
    );
  }
  const custom = graph.nodes.find((n) => !KNOWN_DOMAINS.has(n.domain));
  if (custom) {
    throw new ModelManifestError(
      'unsupported-op',
      `${what} uses ${custom.opType} from the custom domain "${custom.domain}", which onnxruntime cannot run; export it with standard ONNX ops`,
    );
  }
}

/** The member's WebGPU check, after rewriting its ConvTransposes where that makes it runnable. */
function webgpuGraph(bytes: Uint8Array, graph: OnnxGraphInfo, name: string): { webgpuBytes: Uint8Array | null; check: WebGpuCheck } {
  const check = checkWebGpu(graph, name);
  if (check.canRunOnWebGpu || !graph.nodes.some((n) => n.opType === 'ConvTranspose')) return { webgpuBytes: null, check };
  const r = rewriteConvTranspose(bytes);
  if (r.bytes) {
    const rewritten = checkWebGpu(readOnnxGraph(r.bytes), name);
    if (rewritten.canRunOnWebGpu) {
      const note = `${name}: ${r.rewritten} ConvTranspose node${r.rewritten > 1 ? 's' : ''} rewritten as Conv + depth-to-space for WebGPU.`;
      return { webgpuBytes: r.bytes, check: { ...rewritten, warnings: [...rewritten.warnings, note] } };
    }
  }
  const why = r.kept.length ? ` Not rewritable: ${r.kept.join('; ')}.` : '';
  return { webgpuBytes: null, check: { ...check, blocking: check.blocking.map((b) => b + why) } };
}

function checkIo(
  manifest: ModelManifest,
  file: string,
  sha256: string,
  bytes: Uint8Array,
  graph: OnnxGraphInfo,
  label: string,
): LoadedMember {
  const input = manifest.io.input ? graph.inputs.find((i) => i.name === manifest.io.input) : graph.inputs[0];
  const output = manifest.io.output ? graph.outputs.find((o) => o.name === manifest.io.output) : graph.outputs[0];
  if (!input) throw new ModelManifestError('bad-onnx', `${label}: "${file}" has no input named "${manifest.io.input ?? '(any)'}"`);
  if (!output) throw new ModelManifestError('bad-onnx', `${label}: "${file}" has no output named "${manifest.io.output ?? '(any)'}"`);
  const names = manifest.channels.map((c) => c.id).join(', ');
  if (input.shape) {
    if (input.shape.length !== 5) {
      throw new ModelManifestError(
        'bad-onnx',
        `${label}: "${file}" input "${input.name}" has ${input.shape.length} dimensions; Quorum needs [batch, channels, z, y, x]`,
      );
    }
    const c = input.shape[1];
    if (typeof c === 'number' && c !== manifest.channels.length) {
      throw new ModelManifestError(
        'channel-count',
        `${label}: model.json lists ${manifest.channels.length} input channel${manifest.channels.length > 1 ? 's' : ''} (${names}) but "${file}" expects ${c}`,
      );
    }
  }
  const oc = output.shape && output.shape.length === 5 ? output.shape[1] : null;
  const want = outputChannelCount(manifest);
  if (typeof oc === 'number' && oc !== want) {
    throw new ModelManifestError(
      'output-count',
      `${label}: model.json lists ${want} output label(s) (${manifest.output.labels.join(', ')}) but "${file}" outputs ${oc} channels`,
    );
  }
  return { file, sha256, bytes, graph, inputName: input.name, outputName: output.name, webgpuBytes: null };
}

function mergeChecks(checks: readonly WebGpuCheck[]): WebGpuCheck {
  const opCounts = new Map<string, number>();
  for (const c of checks) for (const [k, v] of c.opCounts) opCounts.set(k, (opCounts.get(k) ?? 0) + v);
  const blocking = checks.flatMap((c) => c.blocking);
  return { canRunOnWebGpu: blocking.length === 0, blocking, warnings: [...new Set(checks.flatMap((c) => c.warnings))], opCounts };
}
