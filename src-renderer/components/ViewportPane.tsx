/**
 * One MPR viewport: the Cornerstone element, its orientation letters, the slice number, and the
 * cursor probe feeding the status bar.
 */
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import type { ViewName } from '../state/appState';
import { setCursorReadout } from '../state/cursorState';
import { setActiveView } from '../state/uiActions';
import type { EdgeLabels } from '../viewer/cameraOrientation';
import { useControllers } from '../controllers/ControllersContext';
import type { PaneInfo } from '../viewer/viewerSession';

const TITLES: Record<ViewName, string> = { axial: 'Axial', sagittal: 'Sagittal', coronal: 'Coronal' };
/** The orientation letters, in the DOM order the panes have always had. */
const EDGES: readonly (keyof EdgeLabels)[] = ['top', 'bottom', 'left', 'right'];

export function ViewportPane(props: {
  view: ViewName;
  mounted: boolean;
  shownKey: string | null;
  elementRef: (el: HTMLDivElement | null) => void;
}) {
  const { view, mounted, shownKey } = props;
  const [info, setInfo] = useState<PaneInfo>({ slice: null, labels: null, normal: null });
  /** Where the pointer rests over this pane (canvas CSS pixels), or null when it is elsewhere. */
  const hover = useRef<[number, number] | null>(null);
  const { viewer, viewerEvents } = useControllers();

  useEffect(() => {
    if (!mounted) return;
    // The voxel under a resting pointer changes with the slice (wheel, keys, crosshairs) and the
    // volume (b-value): probe again on every change, or the readout shows the old slice's value.
    const update = () => {
      setInfo(viewer.paneInfo(view));
      if (hover.current) setCursorReadout(viewer.probe(view, hover.current));
    };
    update();
    return viewerEvents.on('view-changed', update);
  }, [viewer, viewerEvents, mounted, view, shownKey]);

  const onMove = (e: MouseEvent<HTMLDivElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    hover.current = [e.clientX - rect.left, e.clientY - rect.top];
    setCursorReadout(viewer.probe(view, hover.current));
  };

  const onLeave = () => {
    hover.current = null;
    setCursorReadout(null);
  };

  const { slice, labels, normal } = info;
  return (
    <div
      className="pane"
      data-testid={`viewport-${view}`}
      data-normal={normal ? normal.join(',') : ''}
      onMouseEnter={() => setActiveView(view)}
    >
      <div
        className="cs-element"
        ref={props.elementRef}
        data-testid={`viewport-element-${view}`}
        onMouseMove={onMove}
        onMouseLeave={onLeave}
        onContextMenu={(e) => e.preventDefault()}
      />
      <div className="pane-title">{TITLES[view]}</div>
      {labels &&
        EDGES.map((edge) => (
          <div key={edge} className={`orient ${edge}`} data-testid={`orient-${view}-${edge}`}>
            {labels[edge]}
          </div>
        ))}
      {slice && (
        <div className="slice-info" data-testid={`slice-info-${view}`} data-slice={slice.index + 1} data-count={slice.count}>
          Slice {slice.index + 1} / {slice.count}
        </div>
      )}
    </div>
  );
}
