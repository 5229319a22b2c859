/**
 * The disagreement map as a colour table over the review's vote codes
 * (src-shared/project/voteCodes.ts), the grid the heat map is drawn from too: each code's counts
 * give the measure's value (disagreement.ts), and the value its colour on a fixed ramp of
 * DISAGREEMENT_LEVELS steps from 0 to the measure's maximum. Switching the measure or hiding the map
 * changes the table only (issue 15); before, each measure was a Float32 map of its own (300 MiB on
 * 512×512×300) quantised into a third grid.
 *
 * Pure.
 */
import { disagreementMax, disagreementOf, type DisagreementMeasure } from '../../src-shared/project/disagreement';
import type { VoteCodes } from '../../src-shared/project/voteCodes';
import { mapLevel } from './mapLevels';
import { disagreementLut, type Rgba } from './raterColors';

/** Colour levels of the disagreement map (a fixed scale from 0 to the measure's maximum). */
export const DISAGREEMENT_LEVELS = 16;

/**
 * The map's colours over `votes`' codes, and how many voxels they colour (none when hidden). A
 * value is binned as the former Float32 map's was: the value in single precision, then mapLevel.
 * The variance weighs uncertain votes as half, the map's rule before.
 */
export function disagreementLutAt(votes: VoteCodes, measure: DisagreementMeasure, visible: boolean): { lut: Rgba[]; drawn: number } {
  const r = votes.raterCount;
  const oneLabel = votes.label !== null;
  const max = disagreementMax(measure, r, oneLabel);
  const ramp = disagreementLut(DISAGREEMENT_LEVELS);
  let drawn = 0;
  const lut = votes.counts.map((count, code): Rgba => {
    // One rater cannot disagree with anyone: the entropy's scale is then 0 bits, and nothing is drawn.
    const m = max > 0 ? mapLevel(Math.fround(disagreementOf(measure, r, count, 'half', oneLabel)), max, DISAGREEMENT_LEVELS, 0) : 0;
    const [red, green, blue] = ramp[m];
    if (!visible || m === 0) return [red, green, blue, 0];
    drawn += votes.histogram[code];
    return [red, green, blue, ramp[m][3]];
  });
  return { lut, drawn };
}
