/**
 * Siemens CSA image header (0029,1010), "SV10" layout: a tag count, then per tag a 64-byte name,
 * VM, VR, type, item count, and items each prefixed by four int32 (the second is the byte length)
 * and padded to 4 bytes. Only the two values mosaic splitting needs are extracted. Any layout
 * inconsistency yields empty results rather than an error: the CSA header is a refinement, not a
 * requirement.
 */
import type { DataSet } from 'dicom-parser';
import type { Vec3 } from '../volume/types';

export interface CsaImageInfo {
  numberOfImagesInMosaic: number | null;
  /** The true slice stacking direction of a mosaic, which may be opposite to row × column. */
  sliceNormal: Vec3 | null;
}

export function readCsaImageHeader(ds: DataSet): CsaImageInfo {
  const empty: CsaImageInfo = { numberOfImagesInMosaic: null, sliceNormal: null };
  const el = ds.elements.x00291010;
  if (!el || el.length < 16) return empty;
  const bytes = (ds.byteArray as Uint8Array).subarray(el.dataOffset, el.dataOffset + el.length);
  const values = parseSv10(bytes);
  if (!values) return empty;
  const mosaic = Number(values.get('NumberOfImagesInMosaic')?.[0]);
  const normal = (values.get('SliceNormalVector') ?? []).map(Number);
  return {
    numberOfImagesInMosaic: Number.isFinite(mosaic) && mosaic > 0 ? mosaic : null,
    sliceNormal: normal.length === 3 && normal.every(Number.isFinite) ? (normal as unknown as Vec3) : null,
  };
}

function cString(b: Uint8Array, start: number, max: number): string {
  let s = '';
  for (let i = start; i < start + max && i < b.length && b[i] !== 0; i++) s += String.fromCharCode(b[i]);
  return s.trim();
}

function parseSv10(b: Uint8Array): Map<string, string[]> | null {
  if (cString(b, 0, 4) !== 'SV10') return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const nTags = v.getUint32(8, true);
  if (nTags > 1000) return null;
  const out = new Map<string, string[]>();
  let p = 16;
  for (let t = 0; t < nTags; t++) {
    if (p + 84 > b.length) return null;
    const name = cString(b, p, 64);
    const nItems = v.getInt32(p + 76, true);
    p += 84;
    if (nItems < 0 || nItems > 10000) return null;
    const items: string[] = [];
    for (let i = 0; i < nItems; i++) {
      if (p + 16 > b.length) return null;
      const len = v.getInt32(p + 4, true);
      p += 16;
      if (len < 0 || p + len > b.length) return null;
      if (len > 0) items.push(cString(b, p, len));
      p += Math.ceil(len / 4) * 4;
    }
    out.set(name, items);
  }
  return out;
}
