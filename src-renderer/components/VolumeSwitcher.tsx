/** One button per volume of the case (b-values of a DWI, other sequences); hidden for single-volume cases. */
import { useAppState } from '../state/appState';
import { selectVolume } from '../state/caseActions';

export function VolumeSwitcher() {
  const volumes = useAppState((s) => s.openCase?.volumes ?? null);
  const active = useAppState((s) => s.activeVolumeIndex);
  if (!volumes || volumes.length < 2) return null;
  return (
    <div className="group volume-switcher" role="radiogroup" aria-label="Volume" data-testid="volume-switcher">
      {volumes.map((v, n) => (
        <button
          key={v.volumeId}
          type="button"
          role="radio"
          aria-checked={n === active}
          className={n === active ? 'on' : ''}
          data-testid="volume-option"
          data-index={n}
          data-bvalue={v.bValue ?? ''}
          data-sequence={v.sequence?.name ?? ''}
          title={
            v.sequence?.resampled
              ? `${v.sequence.name}, resampled into the reference grid (next sequence: A; next volume: B)`
              : 'Next volume: B, previous: Shift+B; next sequence: A'
          }
          onClick={() => selectVolume(n)}
        >
          {v.label}
        </button>
      ))}
    </div>
  );
}
