/**
 * The project API called from the test process (Node), over the same HTTP routes the page uses,
 * with the server's token: sign in as a rater by name (with their test secret, set on their first
 * sign-in), list versions, read a labelmap.
 */
import { gunzipSync } from 'node:zlib';
import { encodeFrame, FRAME_CONTENT_TYPE, holdsBytes } from '../../src-shared/api/binaryFrame';
import { signInWithTestSecret } from '../../src-main/services/project/signIn.testSupport';

export interface ProjectApi {
  call<T>(channel: string, request: unknown): Promise<T>;
  signInAs(name: string): Promise<string>;
  readLabelmap(session: string, versionId: string): Promise<Uint8Array>;
}

export function projectApi(serverUrl: string): ProjectApi {
  const url = new URL(serverUrl);
  const token = url.searchParams.get('token');
  async function call<T>(channel: string, request: unknown): Promise<T> {
    // A request holding bytes (voxels) travels as a binary frame, as the page's transport sends it.
    const binary = holdsBytes(request);
    const res = await fetch(new URL(`/api/${channel}`, url.origin), {
      method: 'POST',
      headers: { 'Content-Type': binary ? FRAME_CONTENT_TYPE : 'application/json', ...(token === null ? {} : { 'X-Quorum-Token': token }) },
      body: binary ? encodeFrame(request) : JSON.stringify(request),
    });
    const body = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
    if (!body.ok) throw new Error(`${channel}: ${body.error?.message ?? res.status}`);
    return body.value as T;
  }
  return {
    call,
    async signInAs(name) {
      return (await signInWithTestSecret(call, name)).token;
    },
    async readLabelmap(session, versionId) {
      const read = await call<{ labelmapGzBase64: string }>('annotation.read', { session, versionId });
      return new Uint8Array(gunzipSync(Buffer.from(read.labelmapGzBase64, 'base64')));
    },
  };
}
