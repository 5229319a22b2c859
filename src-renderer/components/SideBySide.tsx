/**
 * Review mode's side-by-side panes: a strip over the bottom of the window with two or more axial
 * viewports, each showing one layer (a rater, the soft reference, its p = 0.5 contour, the
 * disagreement map or, while a model result is shown, the model mask at the panel's threshold),
 * cameras and windows synchronised with the main axial view (viewer/sideBySide.ts). Rendered into
 * document.body so the viewer grid's layout is untouched.
 */
import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useAnnotationState } from '../state/annotationState';
import { useInferenceState } from './useInferenceState';
import { addPane, choosePaneLayer, toggleSideBySide } from '../state/reviewActions';
import { DISAGREEMENT_SEGMENTATION, HEAT_SEGMENTATION, raterSegmentationId, SOFT_CONTOUR_SEGMENTATION } from '../viewer/annotationSession';
import { INFERENCE_MASK_LAYER } from '../viewer/inferenceOverlay';
import { useControllers } from '../controllers/ControllersContext';

export function SideBySide() {
  const { sideBySide } = useControllers();
  const state = useAnnotationState((s) => s.sideBySide);
  const layers = useAnnotationState((s) => s.layers);
  // A result is cleared when another case reaches the screen: one held is the open case's.
  const hasModelResult = useInferenceState((s) => s.resultCaseId !== null);
  const elements = useRef<Array<HTMLDivElement | null>>([]);
  const panesKey = state.panes.join('|');

  useEffect(() => {
    if (!state.open) return;
    const els = elements.current.slice(0, state.panes.length).filter((e): e is HTMLDivElement => e !== null);
    if (els.length !== state.panes.length) return;
    void sideBySide.open(els, state.panes);
    return () => sideBySide.close();
    // Re-open when the layers are rebuilt (another case, a reload) or a pane's layer changes.
  }, [sideBySide, state.open, panesKey, layers, state.panes]);

  if (!state.open) return null;
  const options = [
    ...layers.filter((l) => l.versionId !== null).map((l) => ({ id: raterSegmentationId(l.raterId), name: l.name })),
    { id: HEAT_SEGMENTATION, name: 'Soft reference (heat map)' },
    { id: SOFT_CONTOUR_SEGMENTATION, name: 'Soft reference p = 0.5 contour' },
    { id: DISAGREEMENT_SEGMENTATION, name: 'Disagreement map' },
    ...(hasModelResult ? [{ id: INFERENCE_MASK_LAYER, name: 'Model mask' }] : []),
  ];
  return createPortal(
    <div className="side-by-side" data-testid="side-by-side" data-panes={state.panes.length}>
      <div className="side-by-side-bar">
        <strong>Side by side</strong> <span className="muted">cameras and window follow the axial view</span>
        {state.panes.length < 4 && (
          <button type="button" data-testid="side-by-side-add" onClick={() => addPane()}>
            + pane
          </button>
        )}
        <button type="button" data-testid="side-by-side-close" title="Close side by side (V)" onClick={() => toggleSideBySide()}>
          Close
        </button>
      </div>
      <div className="side-by-side-panes">
        {state.panes.map((layer, n) => (
          <div key={n} className="side-pane" data-testid={`side-pane-${n}`} data-layer={options.find((o) => o.id === layer)?.name ?? layer}>
            <select value={layer} data-testid={`side-pane-layer-${n}`} onChange={(e) => choosePaneLayer(n, e.target.value)}>
              {options.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
            <div
              className="side-pane-element"
              data-testid={`viewport-element-side-${n}`}
              ref={(el) => {
                elements.current[n] = el;
              }}
              onContextMenu={(e) => e.preventDefault()}
            />
          </div>
        ))}
      </div>
    </div>,
    document.body,
  );
}
