/** The tabs above the main area: Viewer, Worklist, Dashboard, Reader study. */
import { useAppState, type Workspace } from '../../state/appState';
import { showWorkspace } from '../../state/uiActions';

const TABS: readonly { readonly id: Workspace; readonly label: string }[] = [
  { id: 'viewer', label: 'Viewer' },
  { id: 'worklist', label: 'Worklist' },
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'study', label: 'Reader study' },
];

export function WorkspaceTabs() {
  const current = useAppState((s) => s.workspace);
  return (
    <nav className="workspace-tabs" role="tablist" aria-label="Workspace" data-testid="workspace-tabs">
      {TABS.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          aria-selected={t.id === current}
          className={t.id === current ? 'workspace-tab active' : 'workspace-tab'}
          data-testid={`workspace-tab-${t.id}`}
          onClick={() => showWorkspace(t.id)}
        >
          {t.label}
        </button>
      ))}
    </nav>
  );
}
