/**
 * Shared look of the dashboard plots: one font that every Debian machine has (DejaVu Sans; the
 * screenshot test depends on it), a white background so a PNG export is not transparent, and the
 * stratum colours (Okabe–Ito, colour-blind safe; empty in grey).
 */
import type { Stratum } from '../../src-shared/metrics/aggregate';

const PLOT_FONT = '"DejaVu Sans", "Liberation Sans", Arial, sans-serif';

export const PLOT_STYLE = {
  fontFamily: PLOT_FONT,
  fontSize: '11px',
  background: '#ffffff',
  color: '#222222',
  overflow: 'visible',
} as const;

export const STRATA: readonly Stratum[] = ['empty', 'small', 'medium', 'large'];

export const STRATUM_COLOURS: Record<Stratum, string> = {
  empty: '#999999',
  small: '#E69F00',
  medium: '#56B4E9',
  large: '#009E73',
};

export interface PlotSize {
  readonly width: number;
  readonly height: number;
}

/** Plot returns a bare <svg> unless it adds a figure (title, caption, legend); the dashboard asks for none. */
export function asSvg(node: Element): SVGSVGElement {
  const svg = node instanceof SVGSVGElement ? node : node.querySelector('svg');
  if (!svg) throw new Error('plot: Observable Plot returned no <svg>');
  return svg;
}

/** Puts the plot's meaning into the SVG itself (<title>, <desc>) so an exported file explains itself. */
export function describeSvg(svg: SVGSVGElement, title: string, description: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const t = document.createElementNS(ns, 'title');
  t.textContent = title;
  const d = document.createElementNS(ns, 'desc');
  d.textContent = description;
  svg.insertBefore(d, svg.firstChild);
  svg.insertBefore(t, svg.firstChild);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', title);
  return svg;
}

/** Short number for plot labels: 3 significant digits, NaN spelt out. */
export function short(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}
