/**
 * Where the server listens (`--listen <host:port>`, issue 13) and the rule that guards it: on the
 * loopback interface only this computer can connect, so plain HTTP and the per-launch token are
 * enough; on any other address the project's images, annotations and passwords would cross a
 * network, so the server starts only with a TLS certificate and key, and otherwise refuses and
 * says why.
 *
 * Plain Node.
 */
import net from 'node:net';

export interface ListenPlan {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** PEM file paths; null on loopback without TLS. */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | null;
}

export class ListenRefused extends Error {
  override name = 'ListenRefused';
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return host === '::1';
}

/** `host:port` or `[v6]:port`. */
function parseHostPort(text: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]]+):(\d+)$/.exec(text);
  if (!m) throw new ListenRefused(`--listen must be <host>:<port> (e.g. 127.0.0.1:8080 or [::1]:8080), got "${text}"`);
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port > 65535) throw new ListenRefused(`--listen port must be from 0 to 65535, got "${m[2]}"`);
  return { host: m[1], port };
}

export function planListen(listen: string, tls: { certFile?: string; keyFile?: string }): ListenPlan {
  const { host, port } = parseHostPort(listen);
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined))
    throw new ListenRefused('--tls-cert and --tls-key go together: give both (the certificate and its private key, PEM), or neither');
  const files = tls.certFile !== undefined && tls.keyFile !== undefined ? { certFile: tls.certFile, keyFile: tls.keyFile } : null;
  if (!isLoopback(host) && files === null)
    throw new ListenRefused(
      `refusing to listen on ${host}: other machines could connect, and without TLS passwords, images and annotations would cross the network in the clear. Give --tls-cert and --tls-key, or listen on 127.0.0.1`,
    );
  return { host, port, tls: files };
}
