/** Review mode: legend of the raters' layers with visibility toggles, and the heat map's controls. */
import { useAnnotationState } from '../state/annotationState';
import { changeHeatMap, setLayerVisibility } from '../state/reviewActions';
import { raterColor } from '../viewer/raterColors';

export function ReviewPanel() {
  const layers = useAnnotationState((s) => s.layers);
  const heat = useAnnotationState((s) => s.heat);

  return (
    <div className="review-panel" data-testid="review-panel">
      <ul className="legend" data-testid="legend">
        {layers.map((l) => (
          <li key={l.raterId} data-testid="legend-item" data-name={l.name} data-status={l.status} data-voxels={l.voxels}>
            <label>
              <input
                type="checkbox"
                data-testid={`layer-visible-${l.name}`}
                checked={l.visible}
                disabled={l.versionId === null}
                onChange={(e) => setLayerVisibility(l.raterId, e.target.checked)}
              />
              <span className="swatch" style={{ background: `rgb(${raterColor(l.colorIndex).join(',')})` }} />
              {l.name} <span className="muted">{l.versionId === null ? `${l.status}, not shown` : `${l.voxels} voxels`}</span>
            </label>
          </li>
        ))}
        {layers.length === 0 && <li className="muted">No rater has annotated this case yet.</li>}
      </ul>
      <div className="heat-controls" data-testid="heatmap" data-raters={heat.raters} data-visible={heat.visible ? 'yes' : 'no'}>
        <label>
          <input type="checkbox" data-testid="heatmap-visible" checked={heat.visible} disabled={heat.raters === 0} onChange={(e) => changeHeatMap({ visible: e.target.checked })} />
          Heat map: mean of {heat.raters} rater{heat.raters === 1 ? '' : 's'} (uncertain = ½ vote)
        </label>
        <label>
          Opacity
          <input type="range" data-testid="heatmap-opacity" min={0} max={1} step={0.05} value={heat.opacity} onChange={(e) => changeHeatMap({ opacity: Number(e.target.value) })} />
        </label>
        <label>
          Lower threshold {heat.threshold.toFixed(2)}
          <input type="range" data-testid="heatmap-threshold" min={0} max={1} step={0.05} value={heat.threshold} onChange={(e) => changeHeatMap({ threshold: Number(e.target.value) })} />
        </label>
      </div>
    </div>
  );
}
