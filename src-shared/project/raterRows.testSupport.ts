/** Raters' labelmaps written as rows: each row is one voxel's labels from raters 0..R−1. */
export function raters(rows: number[][]): Uint8Array[] {
  return rows[0].map((_, r) => Uint8Array.from(rows.map((row) => row[r])));
}
