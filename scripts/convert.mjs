/**
 * `npm run --silent convert -- …`: runs the compiled CLI (out/cli/convert.mjs), rebuilding it first
 * when a source is newer (scripts/cliBundle.mjs). The CLI reads its arguments from process.argv,
 * which are this script's.
 */
import { pathToFileURL } from 'node:url';
import { ensureBundle } from './cliBundle.mjs';

await import(pathToFileURL(await ensureBundle(undefined, 'convert')).href);
