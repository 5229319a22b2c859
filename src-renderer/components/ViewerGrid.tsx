/**
 * Hosts the three MPR viewports and keeps the viewer in step with the app state: which case and
 * volume are shown, the window, the left-button tool, resets and keyboard slice steps.
 */
import { useEffect, useRef, useState } from 'react';
import { appStore, useAppState, type ViewName } from '../state/appState';
import { streamVolumeBytes } from '../state/caseActions';
import { viewableVolumes } from '../viewer/adcVolume';
import { markFirstImage } from '../state/timing';
import { chooseWindow, finishLoading, showError, startLoading } from '../state/uiActions';
import { ViewportPane } from './ViewportPane';
import { useControllers } from '../controllers/ControllersContext';

const VIEWS: readonly ViewName[] = ['axial', 'sagittal', 'coronal'];

export function ViewerGrid() {
  const gridRef = useRef<HTMLDivElement>(null);
  const elements = useRef<Partial<Record<ViewName, HTMLDivElement>>>({});
  const [mounted, setMounted] = useState(false);
  const [shownKey, setShownKey] = useState<string | null>(null);
  const openCase = useAppState((s) => s.openCase);
  const activeVolumeIndex = useAppState((s) => s.activeVolumeIndex);
  const windowChoice = useAppState((s) => s.windowChoice);
  const primaryTool = useAppState((s) => s.primaryTool);
  const { viewer, viewerEvents } = useControllers();

  useEffect(() => {
    let cancelled = false;
    const { axial, sagittal, coronal } = elements.current;
    if (!axial || !sagittal || !coronal) return;
    viewer
      .mountViewer({ axial, sagittal, coronal }, viewerEvents)
      .then(() => {
        if (!cancelled) setMounted(true);
      })
      .catch((e: unknown) => showError({ code: 'renderer', message: `The viewer could not start: ${messageOf(e)}` }));
    const observer = new ResizeObserver(() => viewer.resizeViewer());
    if (gridRef.current) observer.observe(gridRef.current);
    return () => {
      cancelled = true;
      observer.disconnect();
      viewer.unmountViewer();
      setMounted(false);
    };
  }, []);

  // Show the chosen volume of the open case.
  useEffect(() => {
    if (!mounted || !openCase) return;
    const volumes = viewableVolumes(openCase);
    const info = volumes[activeVolumeIndex];
    if (!info) return;
    let stale = false;
    const n = volumes.length;
    startLoading(n > 1 ? `Loading ${info.label} (${activeVolumeIndex + 1}/${n})…` : `Loading ${openCase.name}…`);
    viewer
      .showCaseVolume({
        caseDescriptor: openCase,
        index: activeVolumeIndex,
        windowChoice: appStore.getState().windowChoice,
        streamBytes: streamVolumeBytes,
      })
      .then((shownVolumeId) => {
        if (stale || shownVolumeId === null) return;
        finishLoading();
        markFirstImage(openCase.caseId, openCase.path);
        setShownKey(shownVolumeId);
      })
      .catch((e: unknown) => {
        if (stale) return;
        const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : 'renderer';
        showError(
          { code: code === 'renderer' ? 'renderer' : 'corrupt-file', message: `Could not display ${info.label}: ${messageOf(e)}` },
          openCase.path,
        );
      });
    return () => {
      stale = true;
    };
  }, [mounted, openCase, activeVolumeIndex]);

  useEffect(() => {
    if (mounted) viewer.applyWindowChoice(windowChoice);
  }, [mounted, windowChoice, shownKey]);

  useEffect(() => {
    if (mounted) viewer.setPrimaryToolOf(primaryTool);
  }, [mounted, primaryTool]);

  useEffect(() => {
    if (!mounted) return;
    // Reset returns cameras and the window to how the case opened: brain window for CT, automatic for MR.
    const offReset = appStore.on('viewReset', () => {
      const initial = appStore.getState().openCase?.modality === 'CT' ? 'brain' : 'auto';
      chooseWindow(initial);
      viewer.resetView(initial);
    });
    const offStep = appStore.on('sliceStep', ({ delta }) => viewer.stepSliceIn(appStore.getState().activeView, delta));
    // A window dragged by hand no longer matches the preset button; say so.
    const offView = viewerEvents.on('view-changed', () => {
      const { windowChoice: choice } = appStore.getState();
      if (choice !== 'custom' && !viewer.windowMatchesChoice(choice)) chooseWindow('custom');
    });
    return () => {
      offReset();
      offStep();
      offView();
    };
  }, [mounted]);

  return (
    <div className="viewer-grid" ref={gridRef} data-testid="viewer-grid" data-shown={shownKey ?? ''}>
      {VIEWS.map((view) => (
        <ViewportPane
          key={view}
          view={view}
          mounted={mounted}
          shownKey={shownKey}
          elementRef={(el) => {
            if (el) elements.current[view] = el;
          }}
        />
      ))}
      {!openCase && <div className="viewer-empty">Choose a case on the left, or Open… a NIfTI file or DICOM folder.</div>}
    </div>
  );
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
