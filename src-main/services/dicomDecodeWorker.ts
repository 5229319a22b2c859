/**
 * Decodes compressed DICOM frames off the thread that answers requests, in a small pool of
 * worker_threads workers (one per core, at most four), so opening a JPEG-Lossless series uses the
 * machine's cores and a 300-slice decode never stalls the server.
 *
 * The codecs are the maintained packages of the Cornerstone ecosystem, and dcmjs-codecs for the
 * 12-bit lossy JPEG none of those reads (transferSyntax.ts names them); each worker loads a codec's
 * WASM from node_modules the first time it needs it. Like
 * gunzipWorker.ts, the worker's code is a plain-JavaScript string run with `eval: true`, so one
 * string works unchanged under tsx, Vitest and Electron's bundled main process; the codecs' files
 * are resolved here, from this module, and handed to the workers.
 *
 * Plain Node.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Codec } from '../../src-shared/dicom';

/** What one frame needs to be decoded. */
interface DecodeJob {
  codec: Codec;
  data: Uint8Array;
  rows: number;
  columns: number;
  /** The output holds each sample in this many bits, little-endian, as the DICOM header says. */
  bitsAllocated: 8 | 16 | 32;
}

const requireHere = createRequire(import.meta.url);

/** The decoder modules a worker loads: one per codec, but DCT JPEG has one for 8-bit and one for 12-bit frames. */
type DecoderModule = Exclude<Codec, 'rle' | 'jpeg'> | 'jpeg8' | 'jpeg12';

/** The codec packages' Node entry points (the WASM file lies beside each). */
function codecPaths(): Record<DecoderModule, string> {
  return {
    jpeg8: requireHere.resolve('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'),
    jpeg12: requireHere.resolve('dcmjs-codecs'),
    jpegLossless: requireHere.resolve('jpeg-lossless-decoder-js'),
    jpegLs: requireHere.resolve('@cornerstonejs/codec-charls/decodewasmjs'),
    j2k: requireHere.resolve('@cornerstonejs/codec-openjpeg/decodewasmjs'),
    htj2k: requireHere.resolve('@cornerstonejs/codec-openjph/wasmjs'),
  };
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');

const loaded = new Map();
function codec(name) {
  if (!loaded.has(name)) loaded.set(name, load(name));
  return loaded.get(name);
}

async function load(name) {
  const exported = require(workerData.paths[name]);
  if (name === 'jpegLossless') return exported;
  if (name === 'jpeg12') {
    // libjpeg reports damaged data (a stream cut short, a bad Huffman code) as a warning and decodes
    // on, filling what it could not read with grey. dcmjs-codecs hands its messages to the logger it
    // exports (with logCodecsInfo): keep the warnings, so that such a frame is refused instead.
    const warnings = [];
    exported.log.info = (message) => {
      const warning = /::((?:Corrupt JPEG data|Premature end of JPEG file).*)$/.exec(String(message));
      if (warning) warnings.push(warning[1]);
    };
    // It keeps one WASM instance in its NativeCodecs class; initialising again replaces it.
    await exported.NativeCodecs.initializeAsync({ webAssemblyModulePathOrUrl: workerData.jpeg12Wasm, logCodecsInfo: true });
    return { NativeCodecs: exported.NativeCodecs, Context: exported.Context, warnings };
  }
  // Emscripten makes the object it is given its module, so each codec gets its own; the empty
  // printers silence progress lines ("[INFO] Main header has been correctly decoded").
  return exported({ print() {}, printErr() {} });
}

parentPort.on('message', async (job) => {
  const name = decoderModule(job);
  try {
    const bytes = await decode(job, name);
    parentPort.postMessage({ id: job.id, buffer: bytes.buffer }, [bytes.buffer]);
  } catch (e) {
    // A WASM trap may leave the module's memory in any state: load it afresh next time.
    if (e instanceof WebAssembly.RuntimeError) loaded.delete(name);
    parentPort.postMessage({ id: job.id, error: reason(e) });
  }
});

/** The module that decodes a job: DCT JPEG by the sample precision its frame header gives. */
function decoderModule(job) {
  if (job.codec !== 'jpeg') return job.codec;
  return jpegPrecision(job.data) > 8 ? 'jpeg12' : 'jpeg8';
}

function reason(e) {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  // Emscripten throws C++ exceptions as numbers (pointers); their text is not reachable.
  return 'the decoder rejected the data';
}

async function decode(job, name) {
  const pixels = job.rows * job.columns;
  const bytesPerSample = job.bitsAllocated / 8;
  if (name === 'rle') return rle(job.data, pixels, bytesPerSample);
  let decoded;
  if (name === 'jpeg12') {
    decoded = { bytes: await jpeg12(job), sampleBytes: 2 };
  } else if (name === 'jpegLossless') {
    const { Decoder } = await codec('jpegLossless');
    const stream = padBeforeEoi(job.data);
    const out = new Decoder().decode(stream.buffer, stream.byteOffset, stream.byteLength);
    if (!out) throw new Error('not a JPEG Lossless bitstream');
    decoded = { bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength), sampleBytes: out.BYTES_PER_ELEMENT };
  } else {
    const m = await codec(name);
    const Decoder = { jpeg8: m.JPEGDecoder, jpegLs: m.JpegLSDecoder, j2k: m.J2KDecoder, htj2k: m.HTJ2KDecoder }[name];
    const d = new Decoder();
    try {
      d.getEncodedBuffer(job.data.length).set(job.data);
      d.decode();
      const info = d.getFrameInfo();
      if (info.width !== job.columns || info.height !== job.rows || info.componentCount !== 1) {
        throw new Error('the bitstream holds a ' + info.width + '×' + info.height + ' image of ' + info.componentCount +
          ' component(s), the header a ' + job.columns + '×' + job.rows + ' grey-level one');
      }
      // A view into the module's memory: copy it out before the decoder is freed.
      decoded = { bytes: d.getDecodedBuffer().slice(), sampleBytes: info.bitsPerSample > 8 ? 2 : 1 };
    } finally {
      d.delete();
    }
  }
  return toSampleSize(decoded.bytes, decoded.sampleBytes, pixels, bytesPerSample);
}

/**
 * jpeg-lossless-decoder-js drops the last pixel (leaves it 0) when the bits after its Huffman code
 * are the EOI marker itself: its look-ahead meets the marker and it stops one pixel early. Zero
 * bytes before EOI give the look-ahead bits to read; they follow the last code, so they decode
 * to nothing. (Found by the decode bench: one slice in 300 of a JPEG-Lossless CT.)
 */
function padBeforeEoi(data) {
  let eoi = data.length - 2;
  while (eoi > 0 && !(data[eoi] === 0xff && data[eoi + 1] === 0xd9)) eoi--;
  if (eoi <= 0) return data;
  const out = new Uint8Array(data.length + 4);
  out.set(data.subarray(0, eoi));
  out.set(data.subarray(eoi), eoi + 4);
  return out;
}

/**
 * The sample precision in a JPEG's frame header (SOF), or 8 when none is found before the first
 * non-marker byte (the 8-bit decoder then says what is wrong with the stream).
 */
function jpegPrecision(data) {
  for (let i = 2; i + 4 < data.length; ) {
    if (data[i] !== 0xff) return 8;
    const marker = data[i + 1];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return data[i + 4];
    i += 2 + ((data[i + 2] << 8) | data[i + 3]);
  }
  return 8;
}

/**
 * 12-bit DCT JPEG (JPEG Extended, process 4), which libjpeg-turbo's 8-bit build cannot read, with
 * dcmjs-codecs: IJG 6b's 12-bit library, as in dcmtk, so it matches dcmdjpeg sample for sample.
 * Its samples come back raw (12 bits in 16, little-endian); sign extension of signed pixels follows
 * later from Bits Stored, as for every codec.
 */
async function jpeg12(job) {
  const { NativeCodecs, Context, warnings } = await codec('jpeg12');
  warnings.length = 0;
  const context = new Context({
    width: job.columns,
    height: job.rows,
    bitsAllocated: 16,
    bitsStored: 12,
    samplesPerPixel: 1,
    pixelRepresentation: 0,
    planarConfiguration: 0,
    photometricInterpretation: 'MONOCHROME2',
    encodedBuffer: job.data,
  });
  let decoded;
  try {
    decoded = NativeCodecs.decodeJpeg(context).getDecodedBuffer();
  } catch (e) {
    // libjpeg's errors are thrown out of the WASM past its clean-up, leaving what the decode held
    // allocated: load the module afresh next time.
    loaded.delete('jpeg12');
    // Its messages lead with the C++ function ("JpegDecoder12::ErrorExit::Bogus marker length").
    throw new Error(reason(e).split('::').pop());
  }
  if (warnings.length > 0) throw new Error(warnings[0]);
  return decoded;
}

/** The decoder's samples widened (or checked) to the header's Bits Allocated, little-endian. */
function toSampleSize(bytes, sampleBytes, pixels, bytesPerSample) {
  if (bytes.length !== pixels * sampleBytes) {
    throw new Error('it decoded to ' + bytes.length + ' bytes, not the ' + pixels * sampleBytes + ' of ' + pixels + ' pixels');
  }
  if (sampleBytes === bytesPerSample) return bytes.buffer.byteLength === bytes.length ? bytes : bytes.slice();
  if (sampleBytes > bytesPerSample) throw new Error('it holds ' + sampleBytes * 8 + '-bit samples, more than the header\\'s ' + bytesPerSample * 8 + ' bits allocated');
  const out = new Uint8Array(pixels * bytesPerSample);
  for (let p = 0; p < pixels; p++) for (let b = 0; b < sampleBytes; b++) out[p * bytesPerSample + b] = bytes[p * sampleBytes + b];
  return out;
}

/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, one PackBits segment
 * per byte of the sample, most significant byte first.
 */
function rle(data, pixels, bytesPerSample) {
  if (data.length < 64) throw new Error('its RLE header is cut short (' + data.length + ' of 64 bytes)');
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const segments = dv.getUint32(0, true);
  if (segments !== bytesPerSample) throw new Error('it has ' + segments + ' RLE segments for ' + bytesPerSample + '-byte grey samples');
  const out = new Uint8Array(pixels * bytesPerSample);
  for (let s = 0; s < segments; s++) {
    const start = dv.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? dv.getUint32(8 + 4 * s, true) : data.length;
    if (start < 64 || start > end || end > data.length) throw new Error('RLE segment ' + (s + 1) + ' lies outside the frame');
    const lane = bytesPerSample - 1 - s;
    let p = start;
    let n = 0;
    while (p < end && n < pixels) {
      const header = data[p++];
      if (header < 128) {
        const count = header + 1;
        if (p + count > end || n + count > pixels) throw new Error('RLE segment ' + (s + 1) + ' has a literal run past its end');
        for (let k = 0; k < count; k++) out[(n + k) * bytesPerSample + lane] = data[p + k];
        p += count;
        n += count;
      } else if (header > 128) {
        const count = 257 - header;
        if (p >= end || n + count > pixels) throw new Error('RLE segment ' + (s + 1) + ' has a repeat run past its end');
        const value = data[p++];
        for (let k = 0; k < count; k++) out[(n + k) * bytesPerSample + lane] = value;
        n += count;
      }
    }
    if (n < pixels) throw new Error('RLE segment ' + (s + 1) + ' ends after ' + n + ' of ' + pixels + ' pixels');
  }
  return out;
}
`;

type Reply = { id: number; buffer: ArrayBuffer } | { id: number; error: string };

/** Why a frame was not decoded: the data are damaged or disagree with the header (every syntax the parser accepts has a decoder). */
export class DecodeFailure extends Error {}

interface Pending {
  resolve: (bytes: Uint8Array) => void;
  reject: (e: DecodeFailure) => void;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

const POOL_SIZE = Math.max(1, Math.min(4, availableParallelism()));
const pool: PoolWorker[] = [];
let nextId = 0;

function startWorker(): PoolWorker {
  const workerData = { paths: codecPaths(), jpeg12Wasm: requireHere.resolve('dcmjs-codecs/build/dcmjs-native-codecs.wasm') };
  const entry: PoolWorker = { worker: new Worker(WORKER_SOURCE, { eval: true, workerData }), pending: new Map() };
  const { worker, pending } = entry;
  const failAll = (error: DecodeFailure) => {
    const at = pool.indexOf(entry);
    if (at >= 0) pool.splice(at, 1);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: Reply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    // Referenced only while it has work: idle, it must not keep a finished process (a test run) alive.
    if (pending.size === 0) worker.unref();
    if ('error' in reply) p.reject(new DecodeFailure(reply.error));
    else p.resolve(new Uint8Array(reply.buffer));
  });
  worker.on('error', (e) => failAll(new DecodeFailure(`the decoder failed (${e.message})`)));
  worker.on('exit', (code) => failAll(new DecodeFailure(`the decode worker stopped (exit code ${code})`)));
  pool.push(entry);
  return entry;
}

/** The least busy worker, starting another while the pool is not full. */
function leastBusy(): PoolWorker {
  const idle = pool.find((w) => w.pending.size === 0);
  if (idle) return idle;
  if (pool.length < POOL_SIZE) return startWorker();
  return pool.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
}

/**
 * Decodes one frame in the pool: its samples as little-endian bytes of `bitsAllocated` bits each.
 * Rejects with a DecodeFailure, whose message is the reason as a sentence fragment.
 */
export function decodeInWorker(job: DecodeJob): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    const { worker, pending } = leastBusy();
    pending.set(id, { resolve, reject });
    worker.ref();
    // Cloned into the worker: the compressed frame is small next to what it decodes to.
    worker.postMessage({ ...job, id });
  });
}
