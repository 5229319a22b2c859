/**
 * Connecting the Electron app to a team server by URL, with the server's certificate pinned
 * (issue 13). A team server often has a certificate no public CA vouches for (a hospital's own CA,
 * or a self-signed one), so trust is decided the way SSH does it: on the first connection the
 * person sees the certificate's SHA-256 fingerprint (to compare with what the server's admin
 * gives them) and trusts it; later connections must present the same certificate, and a changed
 * one is refused, showing both fingerprints, never silently re-trusted.
 *
 * main.ts only shows the dialogs and windows; every decision is here and in trustedServers.ts.
 * Plain Node; no Electron.
 */
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { contract } from '../../src-shared/api/contract';
import type { TrustedServer, TrustStore } from './trustedServers';

export class TeamServerError extends Error {
  override readonly name: string = 'TeamServerError';
}

/** The server presents another certificate than the one trusted: refused, both fingerprints said. */
export class CertificateChangedError extends TeamServerError {
  override readonly name = 'CertificateChangedError';
  constructor(
    readonly remembered: TrustedServer,
    readonly presented: string,
  ) {
    super(
      `${remembered.origin} presented a different certificate from the one you trusted on ${remembered.trustedAt.slice(0, 10)}.\n` +
        `Trusted:   ${remembered.fingerprint256}\nPresented: ${presented}\n` +
        `Nothing was sent to it. If the server's admin confirms a new certificate, forget the old one and connect again; ` +
        `otherwise someone may be impersonating the server.`,
    );
  }
}

export interface TeamServerAddress {
  /** `https://host:port`: what trust is attached to. */
  origin: string;
  /** What to load: the address as typed (an invitation link keeps its `?invite=`). */
  url: string;
}

/** The typed address, checked: https only (the certificate is what proves which server answers). */
export function parseTeamServerAddress(input: string): TeamServerAddress {
  const typed = input.trim();
  let url: URL;
  try {
    url = new URL(typed);
  } catch {
    throw new TeamServerError(`"${typed}" is not an address: type the team server's URL, e.g. https://quorum.example.org:8443/`);
  }
  if (url.protocol !== 'https:') {
    throw new TeamServerError(
      `"${typed}" is not an https:// address. A team server is reached over HTTPS only: its certificate is what proves which server answers, and passwords and images must not cross the network in the clear.`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new TeamServerError('Leave the name and password out of the address: you sign in on the server’s own page.');
  }
  url.hash = '';
  return { origin: url.origin, url: url.href };
}

export interface ServerProbe {
  origin: string;
  fingerprint256: string;
  /** The certificate's subject and issuer, one `key=value` per line as Node writes them. */
  subject: string;
  issuer: string;
  validTo: string;
  /** Quorum's version on the server (its app.info). */
  version: string;
}

/** Host and port of an https origin, the host without IPv6 brackets (what sockets and Electron use). */
function hostAndPort(origin: string): { host: string; port: number } {
  const url = new URL(origin);
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? 443 : Number(url.port) };
}

function describeFailure(origin: string, e: NodeJS.ErrnoException, timeoutMs: number): string {
  const { host, port } = hostAndPort(origin);
  switch (e.code) {
    case 'ECONNREFUSED':
      return `Nothing answers at ${host}:${port} (connection refused): is the team server running, and is the port right?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `No computer named "${host}" was found: check the address.`;
    case 'ETIMEDOUT':
      return `${origin} did not answer within ${timeoutMs / 1000} s: check the address and the network.`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${host} cannot be reached from this computer (${e.code}): check the network.`;
    default:
      // TLS handshake failures (a plain-HTTP server, another protocol) come with an OpenSSL reason.
      return /SSL|TLS|EPROTO/i.test(`${e.code ?? ''} ${e.message}`)
        ? `${origin} does not speak HTTPS as a team server should (${e.message}).`
        : `Could not connect to ${origin}: ${e.message}`;
  }
}

const appInfoResult = contract['quorum:app.info'].result;

/**
 * One HTTPS request, `app.info`, to the server: the certificate it presents (whoever signed it;
 * trust is decided by the caller from the fingerprint) and the Quorum version that answers.
 */
export function probeTeamServer(origin: string, timeoutMs = 15_000): Promise<ServerProbe> {
  const { host, port } = hostAndPort(origin);
  return new Promise((resolve, reject) => {
    const fail = (message: string): void => reject(new TeamServerError(message));
    const req = request(
      {
        host,
        port,
        // SNI takes names only; an IP address is sent without it.
        servername: /^[\d.]+$|:/.test(host) ? '' : host,
        path: '/api/app.info',
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        // The fingerprint decides trust, not a CA: the certificate is read, shown and pinned below.
        rejectUnauthorized: false,
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        // The certificate of the very connection that answered.
        const cert = (res.socket as TLSSocket).getPeerCertificate();
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e: NodeJS.ErrnoException) => fail(describeFailure(origin, e, timeoutMs)));
        res.on('end', () => {
          let info: unknown;
          try {
            info = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            info = null;
          }
          const parsed = appInfoResult.safeParse((info as { ok?: boolean; value?: unknown } | null)?.value);
          if (res.statusCode !== 200 || !parsed.success) {
            fail(`${origin} answers HTTPS but not as a Quorum team server (app.info: HTTP ${res.statusCode ?? '?'}).`);
            return;
          }
          resolve({
            origin,
            fingerprint256: cert.fingerprint256,
            subject: cert.subject === undefined ? '' : certificateNames(cert.subject),
            issuer: cert.issuer === undefined ? '' : certificateNames(cert.issuer),
            validTo: cert.valid_to,
            version: parsed.data.version,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => fail(describeFailure(origin, e, timeoutMs)));
    req.end('{}');
  });
}

function certificateNames(names: object): string {
  return Object.entries(names)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join(', ');
}

/** What to do with a server after probing it. */
export type ConnectionPlan =
  /** Trusted before with this very certificate: open it. */
  | { kind: 'trusted'; probe: ServerProbe }
  /** Never trusted on this computer: show the fingerprint and ask. */
  | { kind: 'first'; probe: ServerProbe };

/**
 * Probes `origin` and compares its certificate with the trusted one; a changed certificate throws
 * CertificateChangedError before anything else is sent to the server.
 */
export async function planConnection(
  origin: string,
  store: TrustStore,
  probe: (origin: string) => Promise<ServerProbe> = probeTeamServer,
): Promise<ConnectionPlan> {
  const presented = await probe(origin);
  const remembered = (await store.list()).find((s) => s.origin === origin);
  if (remembered === undefined) return { kind: 'first', probe: presented };
  if (remembered.fingerprint256 !== presented.fingerprint256) throw new CertificateChangedError(remembered, presented.fingerprint256);
  return { kind: 'trusted', probe: presented };
}

/** The first-connection question: what the person compares with the fingerprint their admin gave them. */
export function firstConnectionPrompt(probe: ServerProbe): { message: string; detail: string } {
  return {
    message: `Trust the team server ${probe.origin}?`,
    detail:
      `This computer has not connected to it before. Compare this SHA-256 fingerprint with the one the server's admin gave you ` +
      `(\`openssl x509 -noout -fingerprint -sha256 -in cert.pem\` on the server):\n\n${probe.fingerprint256}\n\n` +
      `Certificate: ${probe.subject}\nIssued by: ${probe.issuer}\nValid until: ${probe.validTo}\nQuorum ${probe.version}`,
  };
}

/**
 * Electron's certificate check for the team servers' session (setCertificateVerifyProc): a host's
 * certificate is accepted only if its fingerprint is one trusted for that host; every other
 * certificate, and every other host, is refused. Returns Electron's code: 0 accept, -2 refuse.
 */
export function pinnedCertificateVerdict(hostname: string, certificatePem: string, trusted: readonly TrustedServer[]): 0 | -2 {
  let presented: string;
  try {
    presented = new X509Certificate(certificatePem).fingerprint256;
  } catch {
    return -2;
  }
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  return trusted.some((s) => hostAndPort(s.origin).host === host && s.fingerprint256 === presented) ? 0 : -2;
}
