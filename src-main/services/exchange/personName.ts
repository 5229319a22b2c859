/**
 * A Quorum name (a rater's free-text name, a model rater's, "Quorum consensus") as a DICOM PN value
 * (PS3.5 6.2), for ContentCreatorName, the only PN attribute Quorum writes itself (PatientName and
 * ReferringPhysicianName are copied from the source series).
 *
 * The rule is conservative, so a name is never reordered by a guess:
 * - The name stays one component, the family name: Quorum keeps one free-text name, and splitting
 *   "Anna Smith" into Smith^Anna would guess at the name's culture (family name first or last).
 *   "Anna Smith" is written "Anna Smith". A name already written with carets ("Smith^Anna") is taken
 *   as PN components; at most five (family, given, middle, prefix, suffix), a sixth and later are
 *   joined to the fifth with spaces; empty trailing components are dropped.
 * - Characters PN cannot hold become spaces: backslash (the value delimiter), "=" (the component
 *   group delimiter: Quorum writes only the alphabetic group) and control characters. Runs of spaces
 *   become one.
 * - Other characters are kept (the SEG declares ISO_IR 192, UTF-8), and the value is cut to 64 bytes
 *   of UTF-8, the PN limit per component group read as bytes, which is the stricter reading.
 *
 * Plain Node.
 */
const MAX_COMPONENTS = 5;
const MAX_BYTES = 64;

const encoder = new TextEncoder();

/** The longest prefix of `s` (whole code points) that fits in `max` bytes of UTF-8. */
function cutToBytes(s: string, max: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of s) {
    bytes += encoder.encode(ch).length;
    if (bytes > max) break;
    out += ch;
  }
  return out;
}

export function dicomPersonName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const cleaned = name.normalize('NFC').replace(/[\\=\u0000-\u001f\u007f-\u009f]/g, ' ');
  const parts = cleaned.split('^').map((p) => p.replace(/\s+/g, ' ').trim());
  const components =
    parts.length > MAX_COMPONENTS
      ? [
          ...parts.slice(0, MAX_COMPONENTS - 1),
          parts
            .slice(MAX_COMPONENTS - 1)
            .filter((p) => p !== '')
            .join(' '),
        ]
      : parts;
  while (components.length > 0 && components[components.length - 1] === '') components.pop();
  return cutToBytes(components.join('^'), MAX_BYTES).replace(/[\s^]+$/, '');
}
