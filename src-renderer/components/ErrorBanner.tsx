/**
 * The error banner: the API's message, dismissible, and for a folder with several DICOM series the
 * list of series with a button to open each one, labelled with what tells the series apart.
 */
import { useAppState } from '../state/appState';
import { openCasePath } from '../state/caseActions';
import { dismissError } from '../state/uiActions';

export function ErrorBanner() {
  const error = useAppState((s) => s.error);
  if (!error) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner" data-code={error.code}>
      <div className="error-text">
        <strong>{error.path ? `Could not open ${error.path}` : 'Something went wrong'}</strong>
        <span data-testid="error-message">{error.message}</span>
      </div>
      {error.series.length > 0 && error.path && (
        <ul className="series-list" data-testid="series-list">
          {error.series.map((s) => (
            <li key={s.seriesInstanceUid}>
              <button
                type="button"
                data-testid="series-option"
                data-uid={s.seriesInstanceUid}
                onClick={() => void openCasePath(error.path ?? '', s.seriesInstanceUid)}
              >
                Open {s.description}
                {s.details.length > 0 && <span className="series-details"> — {s.details.join(' · ')}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="dismiss" data-testid="error-dismiss" aria-label="Dismiss" onClick={() => dismissError()}>
        ×
      </button>
    </div>
  );
}
