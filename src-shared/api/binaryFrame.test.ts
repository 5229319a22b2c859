import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeFrameJson, encodeFrame, FrameError, holdsBytes, readFrameHead } from './binaryFrame';

/** A frame written by hand, so the decoder is tested against the layout, not against the encoder. */
function handFrame(json: string, buffers: Uint8Array[], lengths = buffers.map((b) => b.length)): Uint8Array {
  const text = new TextEncoder().encode(json);
  const pad = (n: number) => Math.ceil(n / 8) * 8;
  const jsonStart = 12 + 4 * lengths.length;
  const total = pad(jsonStart + text.length) + buffers.reduce((s, b) => s + pad(b.length), 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set([0x51, 0x46, 0x52, 0x31]); // 'QFR1'
  view.setUint32(4, text.length, true);
  view.setUint32(8, lengths.length, true);
  lengths.forEach((n, i) => view.setUint32(12 + 4 * i, n, true));
  out.set(text, jsonStart);
  let at = pad(jsonStart + text.length);
  for (const b of buffers) {
    out.set(b, at);
    at += pad(b.length);
  }
  return out;
}

describe('binary frame', () => {
  it('round-trips JSON with Uint8Arrays anywhere in it, as views into the frame', () => {
    const labelmap = Uint8Array.from({ length: 1001 }, (_, i) => i % 3);
    const probabilities = new Uint8Array(new Float32Array([0, 0.25, 1, 0.5]).buffer);
    const value = { session: 's', caseId: 'c', labelmap, nested: [{ p: probabilities, dtype: 'float32' }], empty: new Uint8Array(0) };
    const frame = encodeFrame(value);
    const back = decodeFrame(frame) as typeof value;
    expect(back).toEqual(value);
    expect(back.labelmap.buffer).toBe(frame.buffer);
    // 8-aligned: a Float32 view of the received bytes needs no copy.
    const p = back.nested[0].p;
    expect(p.byteOffset % 8).toBe(0);
    expect(Array.from(new Float32Array(p.buffer, p.byteOffset, p.length / 4))).toEqual([0, 0.25, 1, 0.5]);
  });

  it('decodes a frame laid out by hand', () => {
    const a = Uint8Array.of(1, 2, 3);
    const b = Uint8Array.of(9);
    expect(decodeFrame(handFrame('{"x":{"$bytes":1},"y":[{"$bytes":0}]}', [a, b]))).toEqual({ x: b, y: [a] });
  });

  it('keeps a sender’s own "$bytes" key as data, never as a placeholder', () => {
    const value = { $bytes: 0, $$x: 'two', list: [{ $bytes: 'not a buffer' }], b: Uint8Array.of(7) };
    expect(decodeFrame(encodeFrame(value))).toEqual(value);
    expect(holdsBytes({ $bytes: 0 })).toBe(false);
  });

  it('reads the head from a prefix and says how many bytes it still needs', () => {
    const frame = encodeFrame({ a: new Uint8Array(100), b: new Uint8Array(5) });
    expect(readFrameHead(frame.subarray(0, 5))).toEqual({ needBytes: 12 });
    expect(readFrameHead(frame.subarray(0, 12))).toEqual({ needBytes: 20 });
    const head = readFrameHead(frame.subarray(0, 20));
    if ('needBytes' in head) throw new Error('head expected');
    expect(head.bufferLengths).toEqual([100, 5]);
    expect(head.totalByteLength).toBe(frame.length);
    expect(decodeFrameJson(head, frame.subarray(head.jsonStart, head.jsonStart + head.jsonByteLength))).toEqual({
      a: { $bytes: 0 },
      b: { $bytes: 1 },
    });
  });

  describe('refuses hostile frames with a FrameError', () => {
    const refused: Array<[string, () => Uint8Array]> = [
      ['a wrong magic', () => Uint8Array.from(handFrame('{}', []), (v, i) => (i === 0 ? 0 : v))],
      ['a cut-short head', () => handFrame('{}', []).subarray(0, 7)],
      ['a buffer length past the end', () => handFrame('{"a":{"$bytes":0}}', [new Uint8Array(8)], [1 << 30])],
      [
        'a JSON length past the end',
        () => {
          const f = handFrame('{}', []);
          new DataView(f.buffer).setUint32(4, 0xffff_fff0, true);
          return f;
        },
      ],
      [
        'a huge buffer count',
        () => {
          const f = handFrame('{}', []);
          new DataView(f.buffer).setUint32(8, 0xffff_ffff, true);
          return f;
        },
      ],
      [
        'trailing bytes',
        () => {
          const f = handFrame('{}', []);
          const longer = new Uint8Array(f.length + 8);
          longer.set(f);
          return longer;
        },
      ],
      ['a nested placeholder', () => handFrame('{"a":{"$bytes":{"$bytes":0}}}', [new Uint8Array(1)])],
      ['a placeholder with extra keys', () => handFrame('{"a":{"$bytes":0,"b":1}}', [new Uint8Array(1)])],
      ['a placeholder index out of range', () => handFrame('{"a":{"$bytes":1}}', [new Uint8Array(1)])],
      ['a fractional index', () => handFrame('{"a":{"$bytes":0.5}}', [new Uint8Array(1)])],
      ['one buffer used twice', () => handFrame('{"a":{"$bytes":0},"b":{"$bytes":0}}', [new Uint8Array(1)])],
      ['a buffer never used', () => handFrame('{"a":1}', [new Uint8Array(1)])],
      ['an unescaped $ key', () => handFrame('{"$other":1}', [])],
      ['JSON that is not JSON', () => handFrame('{"a":', [])],
      [
        'JSON that is not UTF-8',
        () => {
          const f = handFrame('"ab"', []);
          f[12 + 1] = 0xff;
          return f;
        },
      ],
      ['JSON nested past the stack', () => handFrame('['.repeat(200_000) + ']'.repeat(200_000), [])],
    ];
    for (const [what, make] of refused) {
      it(what, () => {
        expect(() => decodeFrame(make())).toThrow(FrameError);
      });
    }
  });

  it('refuses to encode typed arrays other than Uint8Array', () => {
    expect(() => encodeFrame({ p: new Float32Array(2) })).toThrow(FrameError);
  });
});
