/**
 * The per-case panel's recompute after one brush edit (issue 15): from the moment the panel sends
 * the edit to the metrics worker (its 300 ms debounce has fired) to the worker's result, on the
 * review case of the memory bench (512×512×300, 5 raters, a model's probability map; reviewCase.ts)
 * with the panel's conventions and default options, edits of the first rater's labelmap.
 *
 * Both ways of sending the edit run in the same process, alternating, with the real worker core
 * on a worker thread (metricsWorkerThread.ts) and the panel's transfer lists:
 * - before: the whole rater re-sent (`updateRater`): the labelmap read whole from its layer (a copy,
 *   as annotationSession.ts ownLabelmap does), transferred;
 * - after: the edited slice only (`patchRater`): the slice read from the layer (slicePatchOf, as
 *   ownLabelmapSlices does), transferred, written into the worker's copy.
 * "send" is the main thread's part (read + post), "to result" the whole round trip; the worker
 * recomputes the same comparisons either way (those touching the edited rater), so what differs is
 * the copy and the worker's handling of the message. Not included: the debounce, React's render.
 */
import { Worker } from 'node:worker_threads';
import { CONVENTIONS } from '../src-shared/metrics/conventions/types';
import { DEFAULT_UNCERTAIN_AS, DEFAULT_USE_THRESHOLD_ML } from '../src-shared/evaluation/defaults';
import type { CaseSourcesInput, EvaluationOptions } from '../src-shared/evaluation/types';
import { transferablesOf, type MetricsWorkerReply, type MetricsWorkerRequest } from '../src-shared/evaluation/workerProtocol';
import { slicePatchOf } from '../src-shared/project/labelmapSlices';
import { percentile } from './teamLoad';
import { axisAlignedGeometry } from '../src-shared/volume/geometry';
import { modelProbabilities, raterLabelmap, REVIEW_DIMS } from './reviewCase';

const RATERS = 5;
const EDITS = Number(process.env.QUORUM_BENCH_EDITS ?? 4);
const OPTIONS: EvaluationOptions = {
  conventions: CONVENTIONS,
  uncertainAs: DEFAULT_UNCERTAIN_AS,
  useThresholdMl: DEFAULT_USE_THRESHOLD_ML,
};
const BRUSH_RADIUS = 6;

type Body = MetricsWorkerRequest extends infer R ? (R extends MetricsWorkerRequest ? Omit<R, 'id' | 'options'> : never) : never;

/** One brush dab on axial slice k (label 1 on even edits, erased on odd ones), so every edit changes the labelmap. */
function dab(lm: Uint8Array, edit: number): number {
  const [nx, ny] = REVIEW_DIMS;
  const k = 150;
  const [cx, cy] = [200 + 7 * edit, 240];
  for (let y = cy - BRUSH_RADIUS; y <= cy + BRUSH_RADIUS; y++)
    for (let x = cx - BRUSH_RADIUS; x <= cx + BRUSH_RADIUS; x++)
      if ((x - cx) ** 2 + (y - cy) ** 2 <= BRUSH_RADIUS ** 2) lm[x + nx * (y + ny * k)] = 1;
  return k;
}

export async function run(): Promise<void> {
  // A worker thread does not inherit tsx's loader: it registers it before importing the TypeScript file.
  const thread = new URL('./metricsWorkerThread.ts', import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(thread)}); });`, {
    eval: true,
  });
  let serial = 0;
  const ask = (body: Body): { sent: Promise<MetricsWorkerReply>; post: () => void } => {
    const req = { ...body, id: `e${++serial}`, options: OPTIONS } as MetricsWorkerRequest;
    const sent = new Promise<MetricsWorkerReply>((resolve) => worker.once('message', resolve));
    return { sent, post: () => worker.postMessage(req, transferablesOf(req)) };
  };
  const result = async (reply: Promise<MetricsWorkerReply>): Promise<void> => {
    const r = await reply;
    if (!r.ok) throw new Error(r.error);
  };
  try {
    const caseId = 'review';
    const live = raterLabelmap(0);
    const input: CaseSourcesInput = {
      geometry: axisAlignedGeometry([...REVIEW_DIMS], [0.7, 0.7, 1]),
      raters: Array.from({ length: RATERS }, (_, r) => ({ id: `r${r}`, name: `Rater ${r + 1}`, labelmap: raterLabelmap(r), key: 'v1' })),
      model: { id: 'model', name: 'model', probability: modelProbabilities(), key: 'p1', threshold: 0.5 },
    };
    const t0 = performance.now();
    const first = ask({ type: 'evaluate', caseId, input });
    first.post();
    await result(first.sent);
    const coldMs = performance.now() - t0;

    const rows: Record<'before' | 'after', { send: number[]; total: number[] }> = {
      before: { send: [], total: [] },
      after: { send: [], total: [] },
    };
    // The panel sends the live labelmap whole once; the edits after it are what is timed.
    let edits = 0;
    const editOnce = async (way: 'before' | 'after'): Promise<void> => {
      const k = dab(live, edits);
      const key = `live-${++edits}`;
      const start = performance.now();
      const msg =
        way === 'before'
          ? ask({ type: 'updateRater', caseId, rater: { id: 'r0', name: 'Rater 1 (editing)', labelmap: live.slice(), key } })
          : ask({
              type: 'patchRater',
              caseId,
              raterId: 'r0',
              name: 'Rater 1 (editing)',
              key,
              slices: slicePatchOf(live, REVIEW_DIMS, [k]),
            });
      msg.post();
      const sent = performance.now();
      await result(msg.sent);
      rows[way].send.push(sent - start);
      rows[way].total.push(performance.now() - start);
    };
    await editOnce('before');
    rows.before = { send: [], total: [] };
    for (let e = 0; e < EDITS; e++) {
      await editOnce(e % 2 === 0 ? 'after' : 'before');
      await editOnce(e % 2 === 0 ? 'before' : 'after');
    }
    const ms = (xs: number[], p: number) => percentile(xs, p).toFixed(0);
    process.stdout.write(
      [
        '',
        `Per-case panel recompute after one brush dab (${REVIEW_DIMS.join('×')}, ${RATERS} raters + a model map, conventions ${CONVENTIONS.join(', ')}); ${EDITS} edits each way, alternating. First evaluation of the case: ${coldMs.toFixed(0)} ms.`,
        '',
        '| edit sent as | send p50 (ms, main thread) | to result p50 (ms) | to result max (ms) |',
        '|---|---|---|---|',
        `| before: whole rater (updateRater, ${(live.length / 2 ** 20).toFixed(0)} MiB) | ${ms(rows.before.send, 50)} | ${ms(rows.before.total, 50)} | ${ms(rows.before.total, 100)} |`,
        `| after: edited slice (patchRater, ${((REVIEW_DIMS[0] * REVIEW_DIMS[1]) / 2 ** 10).toFixed(0)} KiB) | ${ms(rows.after.send, 50)} | ${ms(rows.after.total, 50)} | ${ms(rows.after.total, 100)} |`,
        '',
      ].join('\n'),
    );
  } finally {
    await worker.terminate();
  }
}
