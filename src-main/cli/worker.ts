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

parentPort?.on('message', (req: WorkerRequest) => {
  evaluateFiles(req.files, req.options)
    .then(
      (result): WorkerReply => ({ index: req.index, ok: true, result }),
      (e: unknown): WorkerReply => ({ index: req.index, ok: false, badInput: e instanceof BadInput, message: (e as Error).message }),
    )
    .then((reply) => parentPort?.postMessage(reply));
});
