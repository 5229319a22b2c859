/** The window: sidebar (cases, recent, open), toolbar, the three MPR viewports, status bar, overlays. */
import { useEffect } from 'react';
import { getApi, onMenuCommand } from './api';
import { ErrorBanner } from './components/ErrorBanner';
import { HelpOverlay } from './components/HelpOverlay';
import { OpenDialog } from './components/OpenDialog';
import { Sidebar } from './components/Sidebar';
import { StatusBar } from './components/StatusBar';
import { Toolbar } from './components/Toolbar';
import { ViewerGrid } from './components/ViewerGrid';
import { handleShortcut } from './keyboard/shortcuts';
import { useAppState } from './state/appState';
import { loadProject, openCasePath, refreshRecent } from './state/caseActions';
import { setHelpVisible } from './state/uiActions';

export function App() {
  const helpVisible = useAppState((s) => s.helpVisible);
  const openDialogVisible = useAppState((s) => s.openDialogVisible);

  useEffect(() => {
    void getApi();
    void loadProject();
    void refreshRecent();
    const onKey = (e: KeyboardEvent) => {
      if (handleShortcut(e)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    // Electron's application menu sends its commands here; browser mode has no menu.
    const unsubscribe = onMenuCommand((command) => {
      if (command.type === 'open-path') void openCasePath(command.path);
      else if (command.type === 'open-project') void loadProject(command.path);
      else setHelpVisible(true);
    });
    return () => {
      window.removeEventListener('keydown', onKey);
      unsubscribe();
    };
  }, []);

  return (
    <div className="app">
      <Sidebar />
      <main className="main">
        <Toolbar />
        <ErrorBanner />
        <ViewerGrid />
        <StatusBar />
      </main>
      {helpVisible && <HelpOverlay />}
      {openDialogVisible && <OpenDialog />}
    </div>
  );
}
