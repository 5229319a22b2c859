/** Case title, window presets, the left-button tool, the volume (b-value) switcher and help. */
import { useAnnotationState } from '../state/annotationState';
import { useAppState, type PrimaryTool } from '../state/appState';
import { choosePrimaryTool, chooseWindow, requestViewReset, toggleHelp } from '../state/uiActions';
import { CT_PRESETS } from '../viewer/windowPresets';
import { VolumeSwitcher } from './VolumeSwitcher';
import { defaultPair } from '../../src-shared/project/sequences';
import { toggleSequencePair, useSequencePair } from '../state/sequencePairState';

const TOOLS: ReadonlyArray<{ id: PrimaryTool; label: string; key: string }> = [
  { id: 'crosshairs', label: 'Crosshairs', key: 'C' },
  { id: 'windowLevel', label: 'W/L', key: 'W' },
  { id: 'pan', label: 'Pan', key: 'P' },
  { id: 'zoom', label: 'Zoom', key: 'Z' },
];

export function Toolbar() {
  const openCase = useAppState((s) => s.openCase);
  const windowChoice = useAppState((s) => s.windowChoice);
  const primaryTool = useAppState((s) => s.primaryTool);
  // While an edit tool holds the left button, no navigation tool is lit: one lit tool, the one a drag runs.
  const editToolHeld = useAnnotationState((s) => s.tool !== null);
  const isCt = openCase?.modality === 'CT';
  const pairable = openCase !== null && defaultPair(openCase.volumes) !== null;
  const pairOpen = useSequencePair().panes !== null;

  return (
    <div className="toolbar" data-testid="toolbar">
      <div className="case-title" data-testid="case-title" title={openCase?.path}>
        {openCase ? `${openCase.name} · ${openCase.modality}` : 'No case open'}
      </div>
      <div className="group" role="group" aria-label="Window">
        {isCt &&
          CT_PRESETS.map((p) => (
            <button
              key={p.id}
              type="button"
              data-testid={`preset-${p.id}`}
              className={windowChoice === p.id ? 'on' : ''}
              title={`W ${p.widthHu} L ${p.levelHu} (key ${p.key})`}
              onClick={() => chooseWindow(p.id)}
            >
              {p.label}
            </button>
          ))}
        <button
          type="button"
          data-testid="preset-auto"
          className={windowChoice === 'auto' ? 'on' : ''}
          title="1st–99th percentile of the non-zero voxels (key 0)"
          disabled={!openCase}
          onClick={() => chooseWindow('auto')}
        >
          Auto
        </button>
      </div>
      <div className="group" role="group" aria-label="Left button tool">
        {TOOLS.map((t) => (
          <button
            key={t.id}
            type="button"
            data-testid={`tool-${t.id}`}
            className={primaryTool === t.id && !editToolHeld ? 'on' : ''}
            title={`Left button: ${t.label} (key ${t.key})`}
            onClick={() => choosePrimaryTool(t.id)}
          >
            {t.label}
          </button>
        ))}
        <button type="button" data-testid="reset-view" title="Reset view (key R)" disabled={!openCase} onClick={() => requestViewReset()}>
          Reset
        </button>
      </div>
      <VolumeSwitcher />
      {pairable && (
        <button
          type="button"
          data-testid="sequence-pair-toggle"
          className={pairOpen ? 'on' : ''}
          title="Two sequences side by side with a linked crosshair (key X)"
          onClick={() => toggleSequencePair()}
        >
          Side by side
        </button>
      )}
      <button type="button" className="help-button" data-testid="help-button" title="Keyboard shortcuts (?)" onClick={() => toggleHelp()}>
        ?
      </button>
    </div>
  );
}
