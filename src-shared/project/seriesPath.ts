/**
 * A series path as the project stores it is relative to the project folder when the images are
 * inside it (the archive copies: `archive/<study>/<series>`, cases.ts) and absolute otherwise; the
 * viewer knows a case by the absolute path it was opened from. This makes the two comparable.
 *
 * Environment-free.
 */

const slashes = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '');
const isAbsolute = (p: string) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p);

/** Whether the stored series path `stored` of the project in `projectDir` is the file or folder at `opened`. */
export function isSeriesAt(projectDir: string | null, stored: string, opened: string): boolean {
  const absolute = isAbsolute(stored) || projectDir === null ? stored : `${slashes(projectDir)}/${stored}`;
  return slashes(absolute) === slashes(opened);
}
