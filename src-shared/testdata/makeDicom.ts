/**
 * Test fixture: minimal Part-10 DICOM files written byte by byte (preamble, "DICM", file meta group,
 * data set), so tests can build series with exactly the tags under test — vendor b-value tags,
 * oblique positions, rescale, mosaics — without committing scanner files. Also a same-length ASCII
 * replace for editing copies of real files (e.g. giving some slices another SeriesInstanceUID).
 */
import { deflateSync } from 'fflate';

export type Vr = 'AE' | 'CS' | 'DS' | 'FD' | 'FL' | 'IS' | 'LO' | 'OB' | 'OW' | 'SH' | 'SQ' | 'UI' | 'US' | 'UL' | 'UN';

export interface Element {
  group: number;
  element: number;
  vr: Vr;
  /** Strings for text VRs (multiple values joined with "\\"), numbers for binary VRs, bytes for OB/OW/UN. */
  value: string | number | number[] | Uint8Array;
  /** OB/OW/UN written with undefined length: the value already holds its items and delimiter (encapsulated pixels). */
  undefinedLength?: true;
}

const LONG_VRS = new Set<Vr>(['OB', 'OW', 'SQ', 'UN']);

function encodeValue(e: Element): Uint8Array {
  const v = e.value;
  if (v instanceof Uint8Array) return v.length % 2 ? Uint8Array.from([...v, 0]) : v;
  if (typeof v === 'string') {
    const padded = v.length % 2 ? v + (e.vr === 'UI' ? '\0' : ' ') : v;
    return Uint8Array.from(padded, (c) => c.charCodeAt(0));
  }
  const values = Array.isArray(v) ? v : [v];
  const size = { US: 2, UL: 4, FL: 4, FD: 8 }[e.vr as 'US' | 'UL' | 'FL' | 'FD'];
  if (!size) throw new Error(`numeric value for VR ${e.vr}`);
  const out = new Uint8Array(values.length * size);
  const dv = new DataView(out.buffer);
  values.forEach((x, i) => {
    if (e.vr === 'US') dv.setUint16(i * size, x, true);
    else if (e.vr === 'UL') dv.setUint32(i * size, x, true);
    else if (e.vr === 'FL') dv.setFloat32(i * size, x, true);
    else dv.setFloat64(i * size, x, true);
  });
  return out;
}

function encodeElement(e: Element, explicit: boolean): Uint8Array {
  const value = encodeValue(e);
  const long = LONG_VRS.has(e.vr);
  const headerLength = !explicit ? 8 : long ? 12 : 8;
  const out = new Uint8Array(headerLength + value.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, e.group, true);
  dv.setUint16(2, e.element, true);
  if (!explicit) {
    dv.setUint32(4, value.length, true);
  } else {
    out[4] = e.vr.charCodeAt(0);
    out[5] = e.vr.charCodeAt(1);
    if (long) dv.setUint32(8, e.undefinedLength ? 0xffffffff : value.length, true);
    else dv.setUint16(6, value.length, true);
  }
  out.set(value, headerLength);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';
export const DEFLATED_LE = '1.2.840.10008.1.2.1.99';

/** A Part-10 file: 128-byte preamble, "DICM", meta group (always explicit LE), then the data set. */
export function dicomFile(elements: Element[], transferSyntax = EXPLICIT_LE): Uint8Array {
  const meta = [
    { group: 2, element: 1, vr: 'OB', value: Uint8Array.of(0, 1) },
    { group: 2, element: 2, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' },
    { group: 2, element: 3, vr: 'UI', value: '1.2.3.4.5' },
    { group: 2, element: 0x10, vr: 'UI', value: transferSyntax },
  ].map((e) => encodeElement(e as Element, true));
  const metaBody = concat(meta);
  const groupLength = encodeElement({ group: 2, element: 0, vr: 'UL', value: metaBody.length }, true);
  const explicit = transferSyntax !== IMPLICIT_LE;
  const sorted = [...elements].sort((a, b) => a.group - b.group || a.element - b.element);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([preamble, groupLength, metaBody, ...sorted.map((e) => encodeElement(e, explicit))]);
}

export interface SliceSpec {
  seriesUid: string;
  instance: number;
  rows: number;
  columns: number;
  /** Stored pixels, row by row (8 or 16 bits allocated, signed or not, by the array's type). */
  pixels: Int16Array | Uint16Array | Uint8Array;
  /** Bits Stored (0028,0101); all allocated bits when absent. */
  bitsStored?: number;
  /** Photometric Interpretation and Samples per Pixel; MONOCHROME2 and 1 when absent. */
  photometric?: string;
  samplesPerPixel?: number;
  /** Compressed frames (one fragment each) written as encapsulated Pixel Data instead of `pixels`; set transferSyntax to match. */
  fragments?: Uint8Array[];
  position?: [number, number, number];
  orientation?: [number, number, number, number, number, number];
  pixelSpacing?: [number, number];
  modality?: string;
  manufacturer?: string;
  description?: string;
  rescale?: [number, number];
  sliceThickness?: number;
  extra?: Element[];
  transferSyntax?: string;
}

/** A single-frame MONOCHROME2 slice with the usual geometry tags. */
export function sliceFile(s: SliceSpec): Uint8Array {
  const ds = (v: number[]) => v.map((x) => String(x)).join('\\');
  const bits = s.pixels.BYTES_PER_ELEMENT * 8;
  const stored = s.bitsStored ?? bits;
  const els: Element[] = [
    { group: 0x08, element: 0x60, vr: 'CS', value: s.modality ?? 'MR' },
    { group: 0x08, element: 0x70, vr: 'LO', value: s.manufacturer ?? 'TEST' },
    { group: 0x08, element: 0x103e, vr: 'LO', value: s.description ?? 'test series' },
    { group: 0x20, element: 0x0e, vr: 'UI', value: s.seriesUid },
    { group: 0x20, element: 0x13, vr: 'IS', value: String(s.instance) },
    { group: 0x28, element: 0x02, vr: 'US', value: s.samplesPerPixel ?? 1 },
    { group: 0x28, element: 0x04, vr: 'CS', value: s.photometric ?? 'MONOCHROME2' },
    { group: 0x28, element: 0x10, vr: 'US', value: s.rows },
    { group: 0x28, element: 0x11, vr: 'US', value: s.columns },
    { group: 0x28, element: 0x100, vr: 'US', value: bits },
    { group: 0x28, element: 0x101, vr: 'US', value: stored },
    { group: 0x28, element: 0x102, vr: 'US', value: stored - 1 },
    { group: 0x28, element: 0x103, vr: 'US', value: s.pixels instanceof Int16Array ? 1 : 0 },
    s.fragments
      ? { group: 0x7fe0, element: 0x10, vr: 'OB', value: encapsulate(s.fragments), undefinedLength: true }
      : { group: 0x7fe0, element: 0x10, vr: 'OW', value: new Uint8Array(s.pixels.buffer, s.pixels.byteOffset, s.pixels.byteLength) },
    ...(s.extra ?? []),
  ];
  if (s.position) els.push({ group: 0x20, element: 0x32, vr: 'DS', value: ds(s.position) });
  if (s.orientation) els.push({ group: 0x20, element: 0x37, vr: 'DS', value: ds(s.orientation) });
  if (s.pixelSpacing) els.push({ group: 0x28, element: 0x30, vr: 'DS', value: ds(s.pixelSpacing) });
  if (s.sliceThickness !== undefined) els.push({ group: 0x18, element: 0x50, vr: 'DS', value: String(s.sliceThickness) });
  if (s.rescale) {
    els.push({ group: 0x28, element: 0x1052, vr: 'DS', value: String(s.rescale[1]) });
    els.push({ group: 0x28, element: 0x1053, vr: 'DS', value: String(s.rescale[0]) });
  }
  return dicomFile(els, s.transferSyntax);
}

/** A sequence (explicit VR, defined lengths) of items, each a list of elements. */
export function sequence(group: number, element: number, items: Element[][]): Element {
  const item = (els: Element[]) => {
    const body = concat([...els].sort((a, b) => a.group - b.group || a.element - b.element).map((e) => encodeElement(e, true)));
    const head = new Uint8Array(8);
    const dv = new DataView(head.buffer);
    dv.setUint16(0, 0xfffe, true);
    dv.setUint16(2, 0xe000, true);
    dv.setUint32(4, body.length, true);
    return concat([head, body]);
  };
  return { group, element, vr: 'SQ', value: concat(items.map(item)) };
}

/** Encapsulated Pixel Data (PS3.5 A.4): an empty Basic Offset Table, one fragment per frame, the delimiter. */
function encapsulate(fragments: Uint8Array[]): Uint8Array {
  const item = (tag: number, body: Uint8Array) => {
    const padded = body.length % 2 ? Uint8Array.from([...body, 0]) : body;
    const head = new Uint8Array(8);
    const dv = new DataView(head.buffer);
    dv.setUint16(0, 0xfffe, true);
    dv.setUint16(2, tag, true);
    dv.setUint32(4, padded.length, true);
    return concat([head, padded]);
  };
  return concat([item(0xe000, new Uint8Array(0)), ...fragments.map((f) => item(0xe000, f)), item(0xe0dd, new Uint8Array(0))]);
}

/** A deflated single-frame slice: the meta group as written, the data set after it raw-deflated. */
export function deflatedSliceFile(rows: number, columns: number, pixels: Int16Array): Uint8Array {
  const plain = sliceFile({ seriesUid: '1.2.3', instance: 1, rows, columns, pixels, transferSyntax: DEFLATED_LE });
  const metaEnd = dicomFile([], DEFLATED_LE).length;
  const body = deflateSync(plain.subarray(metaEnd));
  const out = new Uint8Array(metaEnd + body.length);
  out.set(plain.subarray(0, metaEnd));
  out.set(body, metaEnd);
  return out;
}

/** Copy of `bytes` with every occurrence of ASCII `from` replaced by `to` (same length, so no lengths change). */
export function replaceAscii(bytes: Uint8Array, from: string, to: string): Uint8Array {
  if (from.length !== to.length) throw new Error('replaceAscii keeps lengths: from and to must be equally long');
  const out = bytes.slice();
  const f = Uint8Array.from(from, (c) => c.charCodeAt(0));
  let count = 0;
  outer: for (let i = 0; i + f.length <= out.length; i++) {
    for (let k = 0; k < f.length; k++) if (out[i + k] !== f[k]) continue outer;
    for (let k = 0; k < f.length; k++) out[i + k] = to.charCodeAt(k);
    count++;
  }
  if (count === 0) throw new Error(`"${from}" not found`);
  return out;
}
