/**
 * Channels of the project's label table (issue 14): every signed-in role reads it (the label picker,
 * the overlay colours), an admin replaces it. Spread into the contract. Environment-free.
 */
import { z } from '../zod';
import { labelTableSchema } from '../project/labelTable';

const session = z.string().min(1);

export const labelChannels = {
  /** The table in picker order (keys 1–9 pick its first nine entries). */
  'quorum:labels.get': {
    request: z.object({ session }),
    result: labelTableSchema,
  },
  /**
   * Replaces the table (admins). Refused with the rule broken (duplicate value or name, a colour not
   * #rrggbb, value 0, two uncertain labels), or, with code `bad-labels`, when it drops a value that
   * an annotation holds: the message names each such value and how many versions hold it.
   */
  'quorum:labels.set': {
    request: z.object({ session, labels: labelTableSchema }),
    result: labelTableSchema,
  },
} as const;

export type LabelChannel = keyof typeof labelChannels;
