/**
 * The small "Connect to team server" window: a static form in a data: URL, with no script, no
 * preload and no IPC. Submitting it navigates to a reserved address (RFC 2606 `.invalid`, which never
 * resolves); main.ts cancels that navigation in will-navigate and reads the typed address from it
 * with readConnectSubmission. Nothing the page does can reach the main process any other way.
 *
 * Plain Node; no Electron.
 */
const SUBMIT_URL = 'https://connect.quorum.invalid/';
const ADDRESS_FIELD = 'address';
const CANCEL_FIELD = 'cancel';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; form-action ${SUBMIT_URL}">
<title>Connect to Team Server</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 16px; }
input { width: 100%; box-sizing: border-box; font: inherit; padding: 4px; margin: 8px 0; }
p { color: #555; margin: 0 0 12px; }
.buttons { text-align: right; }
</style></head>
<body><form method="get" action="${SUBMIT_URL}">
<label for="${ADDRESS_FIELD}">Team server address</label>
<input id="${ADDRESS_FIELD}" name="${ADDRESS_FIELD}" required autofocus placeholder="https://quorum.example.org:8443/">
<p>An invitation link works too. On the first connection you are shown the server's certificate fingerprint to compare with the one its admin gave you.</p>
<div class="buttons"><button type="submit" name="${CANCEL_FIELD}" value="1" formnovalidate>Cancel</button>
<button type="submit">Connect</button></div>
</form></body></html>`;

/** What the connect window loads. */
export function connectPageUrl(): string {
  return `data:text/html;charset=utf-8,${encodeURIComponent(PAGE)}`;
}

/**
 * The form's answer, from a navigation the connect window attempted; null for any other URL (which
 * the window refuses like every navigation away from it).
 */
export function readConnectSubmission(navigationUrl: string): { kind: 'address'; address: string } | { kind: 'cancel' } | null {
  let url: URL;
  try {
    url = new URL(navigationUrl);
  } catch {
    return null;
  }
  if (`${url.origin}${url.pathname}` !== SUBMIT_URL) return null;
  if (url.searchParams.has(CANCEL_FIELD)) return { kind: 'cancel' };
  return { kind: 'address', address: url.searchParams.get(ADDRESS_FIELD) ?? '' };
}
