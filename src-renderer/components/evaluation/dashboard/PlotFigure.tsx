/**
 * One dashboard plot: mounts the <svg> an Observable Plot wrapper builds (React does not own its
 * inside), with SVG and PNG export buttons. `build` is called again whenever `deps` change.
 */
import { useEffect, useRef, useState } from 'react';
import { downloadBlob, downloadText, svgText, svgToPng } from '../../../plots/exportPlot';

export interface PlotFigureProps {
  readonly id: string;
  readonly title: string;
  readonly note?: string;
  readonly fileStem: string;
  readonly build: () => SVGSVGElement;
  readonly deps: readonly unknown[];
}

export function PlotFigure({ id, title, note, fileStem, build, deps }: PlotFigureProps) {
  const host = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    try {
      const s = build();
      el.replaceChildren(s);
      svg.current = s;
      setError(null);
    } catch (e) {
      el.replaceChildren();
      svg.current = null;
      setError(e instanceof Error ? e.message : String(e));
    }
    // `build` closes over the data named in deps; a new closure alone is no reason to redraw.
  }, deps);

  const exportSvg = () => svg.current && downloadText(svgText(svg.current), `${fileStem}.svg`, 'image/svg+xml');
  const exportPng = async () => {
    if (!svg.current) return;
    try {
      downloadBlob(await svgToPng(svg.current), `${fileStem}.png`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <figure className="dash-plot" data-testid={`dash-plot-${id}`}>
      <figcaption>
        <span className="dash-plot-title">{title}</span>
        <span className="dash-plot-exports">
          <button type="button" data-testid={`dash-plot-${id}-svg`} onClick={exportSvg}>
            SVG
          </button>
          <button type="button" data-testid={`dash-plot-${id}-png`} onClick={() => void exportPng()}>
            PNG
          </button>
        </span>
      </figcaption>
      <div className="dash-plot-host" ref={host} />
      {note && <p className="muted dash-plot-note">{note}</p>}
      {error && <p className="error-text">{error}</p>}
    </figure>
  );
}
