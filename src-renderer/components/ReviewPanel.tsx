/**
 * Review mode: legend of the raters' layers with visibility toggles, the heat map's controls, the
 * disagreement map (entropy or variance), the soft reference's p = 0.5 contour, side by side, and
 * the reviewer actions (approve, request revision, difficult) on each rater's submitted version.
 */
import { useAnnotationState } from '../state/annotationState';
import { UNCERTAIN_LABELS } from '../../src-shared/evaluation/defaults';
import {
  changeHeatMap,
  changeReviewMaps,
  includeModelsInConsensus,
  setLayerVisibility,
  showLabelInReview,
  toggleSideBySide,
} from '../state/reviewActions';
import { SideBySide } from './SideBySide';
import { useControllers } from '../controllers/ControllersContext';
import { ReviewActions } from './worklist/ReviewActions';
import { raterColor } from '../viewer/raterColors';
import { DISAGREEMENT_LEVELS } from '../viewer/disagreementColours';
import { consensusWords, disagreementScale, heatScale } from '../viewer/mapScales';
import { ColourBar } from './ColourBar';

export function ReviewPanel() {
  const layers = useAnnotationState((s) => s.layers);
  const heat = useAnnotationState((s) => s.heat);
  const labels = useAnnotationState((s) => s.labels);
  const maps = useAnnotationState((s) => s.maps);
  const sideBySide = useAnnotationState((s) => s.sideBySide.open);
  const modelLayers = layers.filter((l) => l.model).length;
  const { annotationLayers, review } = useControllers();

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
                onChange={(e) => setLayerVisibility(annotationLayers, l.raterId, e.target.checked)}
              />
              <span className="swatch" style={{ background: `rgb(${raterColor(l.colorIndex).join(',')})` }} />
              {l.name} <span className="muted">{l.versionId === null ? `${l.status}, not shown` : `${l.voxels} voxels`}</span>
            </label>
          </li>
        ))}
        {layers.length === 0 && <li className="muted">No rater has annotated this case yet.</li>}
      </ul>
      <ReviewActions />
      <div
        className="heat-controls"
        data-testid="heatmap"
        data-raters={heat.raters}
        data-models={heat.models}
        data-soft-ml={heat.softMl}
        data-visible={heat.visible ? 'yes' : 'no'}
      >
        <label>
          <input
            type="checkbox"
            data-testid="heatmap-visible"
            checked={heat.visible}
            disabled={heat.raters === 0}
            onChange={(e) => changeHeatMap(annotationLayers, { visible: e.target.checked })}
          />
          <span data-testid="heatmap-label">
            Heat map: {consensusWords(heat.raters - heat.models, heat.models)} (uncertain {UNCERTAIN_LABELS[heat.uncertainAs]})
          </span>
        </label>
        {heat.label !== null && (
          <label title="The soft reference of one label: the share of raters who painted it (uncertain counts for no label).">
            Label{' '}
            <select
              data-testid="heatmap-label-select"
              value={heat.label}
              onChange={(e) => void showLabelInReview(review, Number(e.target.value))}
            >
              {labels
                .filter((l) => !l.uncertain)
                .map((l) => (
                  <option key={l.value} value={l.value}>
                    {l.name}
                  </option>
                ))}
            </select>
          </label>
        )}
        {modelLayers > 0 && (
          <label title="The soft reference, its p = 0.5 contour and the disagreement map are made of human raters only, like the metrics; tick to count the saved model results as raters in them.">
            <input
              type="checkbox"
              data-testid="heatmap-include-models"
              checked={heat.includeModels}
              onChange={(e) => void includeModelsInConsensus(review, e.target.checked)}
            />
            Count model results as raters
          </label>
        )}
        <label>
          Opacity
          <input
            type="range"
            data-testid="heatmap-opacity"
            min={0}
            max={1}
            step={0.05}
            value={heat.opacity}
            onChange={(e) => changeHeatMap(annotationLayers, { opacity: Number(e.target.value) })}
          />
        </label>
        <label>
          Lower threshold {heat.threshold.toFixed(2)}
          <input
            type="range"
            data-testid="heatmap-threshold"
            min={0}
            max={1}
            step={0.05}
            value={heat.threshold}
            onChange={(e) => changeHeatMap(annotationLayers, { threshold: Number(e.target.value) })}
          />
        </label>
        {heat.visible && heat.raters > 0 && <ColourBar scale={heatScale(heat.raters, heat.threshold, heat.models)} />}
      </div>
      <div className="review-maps" data-testid="review-maps">
        <label>
          <input
            type="checkbox"
            data-testid="contour-visible"
            checked={maps.contourVisible}
            disabled={heat.raters === 0}
            onChange={(e) => changeReviewMaps(annotationLayers, { contourVisible: e.target.checked })}
          />
          p = 0.5 contour of the soft reference (white){' '}
          <span className="muted" data-testid="contour-voxels" data-voxels={maps.contourVoxels}>
            {maps.contourVoxels} voxels inside
          </span>
        </label>
        <label title="Voxelwise disagreement between the raters (M). Entropy: of the label values 0/1/2 given, in bits (max log2 of min(raters, 3)). Variance: of the votes, uncertain = ½ (max ¼).">
          <input
            type="checkbox"
            data-testid="disagreement-visible"
            checked={maps.disagreementVisible}
            disabled={heat.raters === 0}
            onChange={(e) => changeReviewMaps(annotationLayers, { disagreementVisible: e.target.checked })}
          />
          Disagreement map
        </label>
        <select
          data-testid="disagreement-measure"
          value={maps.measure}
          onChange={(e) => changeReviewMaps(annotationLayers, { measure: e.target.value === 'variance' ? 'variance' : 'entropy' })}
        >
          <option value="entropy">entropy of labels (bits)</option>
          <option value="variance">variance of votes</option>
        </select>
        <span
          className="muted"
          data-testid="disagreement"
          data-visible={maps.disagreementVisible ? 'yes' : 'no'}
          data-measure={maps.measure}
          data-voxels={maps.disagreementVoxels}
        >
          {maps.disagreementVisible ? `${maps.disagreementVoxels} voxels differ` : ''}
        </span>
        {maps.disagreementVisible && heat.raters > 0 && (
          <ColourBar scale={disagreementScale(maps.measure, heat.raters, DISAGREEMENT_LEVELS, heat.label !== null)} />
        )}
      </div>
      <button
        type="button"
        data-testid="side-by-side-toggle"
        className={sideBySide ? 'on' : ''}
        disabled={heat.raters === 0}
        title="Two or more synchronised axial viewports, one layer each (V)"
        onClick={() => toggleSideBySide()}
      >
        Side by side
      </button>
      <SideBySide />
    </div>
  );
}
