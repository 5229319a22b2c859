/** The dashboard's CSV exports read back in a test: "# " header lines, then one table. */

/** RFC 4180 enough for our exports: quoted fields with "" escapes, no newlines inside fields. */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function parseExport(text: string): { header: string[]; rows: Record<string, string>[]; comments: string[] } {
  const lines = text.trimEnd().split('\n');
  const comments = lines.filter((l) => l.startsWith('# '));
  const table = lines.filter((l) => !l.startsWith('# '));
  const header = parseCsvLine(table[0]);
  return { header, comments, rows: table.slice(1).map((l) => Object.fromEntries(parseCsvLine(l).map((v, i) => [header[i], v]))) };
}
