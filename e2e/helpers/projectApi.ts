/**
 * The project API called from the test process (Node), over the same HTTP routes the page uses,
 * with the server's token: sign in as a rater by name (with their test secret, set on their first
 * sign-in), list versions, read a labelmap. Voxels travel in binary frames, as the page's transport
 * sends them (src-shared/api/binaryFrame.ts).
 */
import { decodeFrame, encodeFrame, FRAME_CONTENT_TYPE, holdsBytes } from '../../src-shared/api/binaryFrame';
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
    const binary = holdsBytes(request);
    const res = await fetch(new URL(`/api/${channel}`, url.origin), {
      method: 'POST',
      headers: { 'Content-Type': binary ? FRAME_CONTENT_TYPE : 'application/json', ...(token === null ? {} : { 'X-Quorum-Token': token }) },
      body: binary ? encodeFrame(request) : JSON.stringify(request),
    });
    const isFrame = (res.headers.get('content-type') ?? '').startsWith(FRAME_CONTENT_TYPE);
    const body = (isFrame ? decodeFrame(new Uint8Array(await res.arrayBuffer())) : await res.json()) as {
      ok: boolean;
      value?: T;
      error?: { message: string };
    };
    if (!body.ok) throw new Error(`${channel}: ${body.error?.message ?? res.status}`);
    return body.value as T;
  }
  return {
    call,
    async signInAs(name) {
      return (await signInWithTestSecret(call, name)).token;
    },
    async readLabelmap(session, versionId) {
      return (await call<{ labelmap: Uint8Array }>('annotation.read', { session, versionId })).labelmap;
    },
  };
}
