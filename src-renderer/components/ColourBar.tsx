/**
 * The colour bar of a parametric map: its name and unit, the levels' colours from 0 to the map's
 * maximum, the ends and the middle labelled, and what is left undrawn. One per map shown (model
 * output in the model section, soft reference and disagreement in the review panel).
 */
import type { ColourScale } from '../viewer/mapScales';

/** Up to three significant digits, without trailing zeros (0.25, 1, 1.58). */
function formatValue(v: number): string {
  return String(Number(v.toPrecision(3)));
}

/** Hard stops: level m fills ((m − 1)/n, m/n] of the bar, exactly the values it is drawn for. */
function ramp(lut: ColourScale['lut']): string {
  const n = lut.length - 1;
  const stops = lut
    .slice(1)
    .map(([r, g, b], m) => `rgb(${r}, ${g}, ${b}) ${((100 * m) / n).toFixed(3)}% ${((100 * (m + 1)) / n).toFixed(3)}%`);
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

export function ColourBar({ scale }: { scale: ColourScale }) {
  const { value, orEqual } = scale.notDrawn;
  return (
    <figure className="colour-bar" data-testid="colour-bar" data-map={scale.id} data-min={0} data-max={scale.max} data-unit={scale.unit}>
      <figcaption>
        {scale.title}
        {scale.unit ? ` (${scale.unit})` : ''}
      </figcaption>
      <div className="colour-bar-ramp" data-testid="colour-bar-ramp" style={{ background: ramp(scale.lut) }} />
      <div className="colour-bar-ticks">
        <span>0</span>
        <span>{formatValue(scale.max / 2)}</span>
        <span>
          {formatValue(scale.max)}
          {scale.unit ? ` ${scale.unit}` : ''}
        </span>
      </div>
      {value > 0 && (
        <div className="muted small" data-testid="colour-bar-not-drawn">
          {orEqual ? '≤' : '<'} {formatValue(value)} not drawn
        </div>
      )}
    </figure>
  );
}
