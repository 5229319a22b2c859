/**
 * The server's memory budget for case voxels (issue 18, finding 12): no single case may need more,
 * and the open-case cache evicts its least recently used cases to stay within it. Configurable per
 * launch (`--memory-budget-mb` in browser mode); by default half the machine's memory, at most 4 GiB.
 *
 * Plain Node.
 */
import os from 'node:os';
import { VolumeReadError } from '../../src-shared/volume/errors';

export const DEFAULT_MEMORY_BUDGET_BYTES = Math.min(4 * 2 ** 30, Math.floor(os.totalmem() / 2));

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** Throws 'too-large' when `bytes` (what `what` needs in memory) exceed the budget. */
export function checkWithinBudget(what: string, bytes: number, budgetBytes: number): void {
  if (bytes > budgetBytes) {
    throw new VolumeReadError(
      'too-large',
      `${what} needs ${gib(bytes)} in memory, more than this server's budget of ${gib(budgetBytes)} for case data. ` +
        `Crop or downsample it, or start the server with a larger --memory-budget-mb.`,
    );
  }
}
