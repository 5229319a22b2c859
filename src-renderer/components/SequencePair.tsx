/**
 * Two sequences side by side with a linked crosshair (issue 12): a strip over the bottom of the
 * window with two axial panes, each showing one volume of the case (by default DWI b1000 | ADC), on
 * one grid, cameras synchronised with the main axial view (viewer/sequencePair.ts). A left click in
 * either pane sets the crosshair point; each pane draws it and reads its own volume's value there.
 */
import { useEffect, useReducer, useRef } from 'react';
import { createPortal } from 'react-dom';
import { streamVolumeBytes } from '../api';
import { useAppState } from '../state/appState';
import { choosePairVolume, closeSequencePairPanes, setPairPoint, useSequencePair } from '../state/sequencePairState';
import { PAIR_CAMERA_EVENT } from '../viewer/sequencePair';
import { useControllers } from '../controllers/ControllersContext';

const PANES = [0, 1] as const;

export function SequencePair() {
  const { sequencePair } = useControllers();
  const { panes, point } = useSequencePair();
  const openCase = useAppState((s) => s.openCase);
  const elements = useRef<Array<HTMLDivElement | null>>([]);
  const [ready, setReady] = useReducer((_: number, n: number) => n, 0);
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const key = panes ? panes.join('|') : '';

  // Another case closes the pair: its volumes are not this case's.
  useEffect(() => closeSequencePairPanes, [openCase]);

  useEffect(() => {
    if (!panes) return;
    const els = elements.current.filter((e): e is HTMLDivElement => e !== null);
    if (els.length !== 2) return;
    let live = true;
    void sequencePair.open(els, panes, streamVolumeBytes).then((ok) => {
      if (live && ok) setReady(Date.now());
    });
    for (const el of els) el.addEventListener(PAIR_CAMERA_EVENT, redraw);
    return () => {
      live = false;
      for (const el of els) el.removeEventListener(PAIR_CAMERA_EVENT, redraw);
      sequencePair.close();
      setReady(0);
    };
    // Re-opened when the chosen volumes change (key).
  }, [sequencePair, key]);

  if (!panes || !openCase) return null;
  return createPortal(
    <div className="side-by-side sequence-pair" data-testid="sequence-pair" data-ready={ready ? 'true' : 'false'}>
      <div className="side-by-side-bar">
        <strong>Sequences side by side</strong>{' '}
        <span className="muted">click to place the linked crosshair; wheel, zoom and pan follow the axial view</span>
        <button type="button" data-testid="sequence-pair-close" title="Close (X)" onClick={() => closeSequencePairPanes()}>
          Close
        </button>
      </div>
      <div className="side-by-side-panes">
        {PANES.map((n) => {
          const cross = ready && point ? sequencePair.crosshair(n, point) : null;
          return (
            <div key={n} className="side-pane" data-testid={`pair-pane-${n}`}>
              <select value={panes[n]} data-testid={`pair-volume-${n}`} onChange={(e) => choosePairVolume(n, Number(e.target.value))}>
                {openCase.volumes.map((v, index) => (
                  <option key={v.volumeId} value={index}>
                    {v.sequence && !v.label.startsWith(v.sequence.name) ? `${v.sequence.name} ${v.label}` : v.label}
                  </option>
                ))}
              </select>
              <div className="pair-pane-frame">
                <div
                  className="side-pane-element"
                  data-testid={`viewport-element-pair-${n}`}
                  ref={(el) => {
                    elements.current[n] = el;
                  }}
                  onContextMenu={(e) => e.preventDefault()}
                  onPointerDown={(e) => {
                    if (e.button !== 0) return;
                    const box = e.currentTarget.getBoundingClientRect();
                    const world = sequencePair.canvasToWorld(n, [e.clientX - box.left, e.clientY - box.top]);
                    if (world) setPairPoint(world);
                  }}
                />
                {cross && (
                  <svg className="pair-crosshair" aria-hidden="true">
                    <line x1={cross.canvas[0]} x2={cross.canvas[0]} y1={0} y2="100%" />
                    <line y1={cross.canvas[1]} y2={cross.canvas[1]} x1={0} x2="100%" />
                  </svg>
                )}
              </div>
              <div
                className="pair-readout"
                data-testid={`pair-readout-${n}`}
                data-world={cross ? cross.worldLps.join(',') : ''}
                data-voxel={cross?.voxel ? cross.voxel.join(',') : ''}
                data-value={cross?.value ?? ''}
                data-label={cross?.label ?? ''}
              >
                {cross
                  ? `${cross.label}: ${cross.value ?? '—'}${cross.unit ? ` ${cross.unit}` : ''} at (${cross.worldLps.map((x) => x.toFixed(1)).join(', ')}) mm`
                  : 'click a point'}
              </div>
            </div>
          );
        })}
      </div>
    </div>,
    document.body,
  );
}
