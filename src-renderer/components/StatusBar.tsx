/** World position and voxel value under the cursor, the current window, and loading progress. */
import { useEffect, useState } from 'react';
import { useAppState } from '../state/appState';
import { useCursorReadout } from '../state/cursorState';
import { useControllers } from '../controllers/ControllersContext';

export function StatusBar() {
  const readout = useCursorReadout();
  const loading = useAppState((s) => s.loading);
  const openCase = useAppState((s) => s.openCase);
  const [windowText, setWindowText] = useState('');
  const { viewer, viewerEvents } = useControllers();

  useEffect(() => {
    const update = () => {
      const w = viewer.currentWindow();
      setWindowText(w ? `W ${formatNumber(w.width)} L ${formatNumber(w.level)}` : '');
    };
    update();
    return viewerEvents.on('view-changed', update);
  }, [viewer, viewerEvents, openCase]);

  return (
    <footer className="status-bar" data-testid="status-bar">
      <span
        className="cursor-readout"
        data-testid="cursor-readout"
        data-value={readout?.value ?? ''}
        data-world={readout ? readout.worldLps.join(',') : ''}
        data-voxel={readout?.voxel ? readout.voxel.join(',') : ''}
      >
        {readout ? (
          <>
            <span title="World position, patient LPS, mm">LPS ({readout.worldLps.map((v) => v.toFixed(1)).join(', ')}) mm</span>
            {readout.voxel ? (
              <>
                <span title="Voxel index i, j, k">voxel [{readout.voxel.join(', ')}]</span>
                <span className="value" title="Stored value, rescaled as in the file">
                  {formatValue(readout.value)}
                  {readout.unit ? ` ${readout.unit}` : ''}
                </span>
              </>
            ) : (
              <span className="muted">outside the volume</span>
            )}
          </>
        ) : (
          <span className="muted">Hover an image for position and value</span>
        )}
      </span>
      <span className="window-readout" data-testid="window-readout">
        {windowText}
      </span>
      {loading && (
        <span className="loading" data-testid="loading-indicator" role="status">
          <span className="spinner" aria-hidden="true" />
          {loading.label}
          {loading.fraction !== null && ` ${Math.round(loading.fraction * 100)}%`}
          {loading.fraction !== null && <progress className="loading-bar" value={loading.fraction} max={1} />}
        </span>
      )}
    </footer>
  );
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** Integers as they are; floats with enough digits to tell neighbours apart. */
function formatValue(v: number | null): string {
  if (v === null) return '';
  if (Number.isInteger(v)) return String(v);
  return Number(v.toPrecision(6)).toString();
}
