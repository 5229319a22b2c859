/** The window: sidebar (cases, recent, open), workspace tabs, toolbar, the three MPR viewports, status bar, overlays. */
import { ErrorBanner } from './components/ErrorBanner';
import { HelpOverlay } from './components/HelpOverlay';
import { OpenDialog } from './components/OpenDialog';
import { Sidebar } from './components/Sidebar';
import { StatusBar } from './components/StatusBar';
import { Toolbar } from './components/Toolbar';
import { SequencePair } from './components/SequencePair';
import { ViewerGrid } from './components/ViewerGrid';
import { DashboardView } from './components/evaluation/DashboardView';
import { MetricsPanel } from './components/evaluation/MetricsPanel';
import { StudyView } from './components/study/StudyView';
import { WorklistView } from './components/worklist/WorklistView';
import { WorkspaceTabs } from './components/workspace/WorkspaceTabs';
import { useAppState } from './state/appState';

export function App() {
  const helpVisible = useAppState((s) => s.helpVisible);
  const openDialogVisible = useAppState((s) => s.openDialogVisible);
  const workspace = useAppState((s) => s.workspace);

  return (
    <div className="app">
      <Sidebar />
      <main className="main">
        <WorkspaceTabs />
        <Toolbar />
        <ErrorBanner />
        <ViewerGrid />
        <StatusBar />
        {/* The other workspaces cover the viewer instead of replacing it, so it keeps its volumes. */}
        {workspace !== 'viewer' && (
          <section className="workspace-overlay" data-testid={`workspace-${workspace}`}>
            {workspace === 'worklist' && <WorklistView />}
            {workspace === 'dashboard' && <DashboardView />}
            {workspace === 'study' && <StudyView />}
          </section>
        )}
      </main>
      <MetricsPanel />
      <SequencePair />
      {helpVisible && <HelpOverlay />}
      {openDialogVisible && <OpenDialog />}
    </div>
  );
}
