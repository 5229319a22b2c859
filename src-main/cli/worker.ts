/**
 * Worker thread for directory mode: evaluates one case per message and answers with the result or
 * the bad-input reason. Kept tiny; all logic is in evaluateCase.ts.
 */
import { parentPort } from 'node:worker_threads';
import { BadInput } from './errors';
import { evaluateFiles, type CaseFiles, type CaseOptions } from './evaluateCase';

export interface WorkerRequest {
  readonly index: number;
  readonly files: CaseFiles;
  readonly options: CaseOptions;
}
export type WorkerReply =
  | { readonly index: number; readonly ok: true; readonly result: unknown }
  | { readonly index: number; readonly ok: false; readonly badInput: boolean; readonly message: string };

async function answer(req: WorkerRequest): Promise<WorkerReply> {
  try {
    return { index: req.index, ok: true, result: await evaluateFiles(req.files, req.options) };
  } catch (e) {
    return { index: req.index, ok: false, badInput: e instanceof BadInput, message: (e as Error).message };
  }
}

// `answer` never rejects (every failure becomes a reply) and a reply is plain data, so nothing is left unhandled.
parentPort?.on('message', (req: WorkerRequest) => void answer(req).then((reply) => parentPort?.postMessage(reply)));
