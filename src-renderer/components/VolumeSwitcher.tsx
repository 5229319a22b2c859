/**
 * One button per volume of the case (b-values of a DWI, its other sequences, then a fitted ADC map
 * where one can be fitted); hidden for single-volume cases. An ADC map, when shown, gets its colour
 * bar (window and unit).
 */
import { useAppState } from '../state/appState';
import { selectVolume } from '../state/caseActions';
import { isAdcVolume, viewableVolumes } from '../viewer/adcVolume';
import { adcScale } from '../viewer/mapScales';
import { ColourBar } from './ColourBar';

export function VolumeSwitcher() {
  const openCase = useAppState((s) => s.openCase);
  const active = useAppState((s) => s.activeVolumeIndex);
  const volumes = openCase ? viewableVolumes(openCase) : null;
  if (!volumes) return null;
  const shown = volumes[active];
  const bar = shown && isAdcVolume(shown) ? <ColourBar scale={adcScale()} /> : null;
  // A lone volume needs no switcher, but a scanner's ADC series opened alone still gets its bar.
  if (volumes.length < 2) return bar;
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
          data-unit={v.unit ?? ''}
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
      {bar}
    </div>
  );
}
