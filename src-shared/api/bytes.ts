/**
 * The one schema of every binary field in the contract: raw bytes (voxels little-endian, i fastest),
 * never base64 or gzip inside JSON. IPC carries a Uint8Array as it is (structured clone); HTTP
 * carries it beside the JSON in a binary frame (binaryFrame.ts). A Node Buffer is a Uint8Array, so
 * the server's own bytes pass too.
 */
import { z } from '../zod';

export const bytesSchema = z.instanceof(Uint8Array);
