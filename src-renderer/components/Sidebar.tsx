/** The project's cases, the Open… button and the recently opened paths. */
import { useAppState } from '../state/appState';
import { openCasePath } from '../state/caseActions';
import { setOpenDialogVisible } from '../state/uiActions';
import { AnnotationSection } from './AnnotationSection';
import { InferencePanel } from './InferencePanel';
import { SequencesSection } from './SequencesSection';
import { SettingsEntry } from './SettingsDialog';

export function Sidebar() {
  const project = useAppState((s) => s.project);
  const recent = useAppState((s) => s.recent);
  const openPath = useAppState((s) => s.openCase?.path ?? null);
  const busy = useAppState((s) => s.loading !== null);

  return (
    <aside className="sidebar" data-testid="sidebar">
      <h1 className="brand">Quorum</h1>
      <button type="button" className="open-button" data-testid="open-button" onClick={() => setOpenDialogVisible(true)}>
        Open…
      </button>
      <section>
        <h2 title={project?.path}>{project ? project.name : 'Project'}</h2>
        <ul className="case-list" data-testid="case-list">
          {project?.cases.map((c) => (
            <li key={c.path}>
              <button
                type="button"
                className={c.path === openPath ? 'case active' : 'case'}
                data-testid="case-item"
                data-path={c.path}
                disabled={busy}
                title={`${c.description}\n${c.path}`}
                onClick={() => void openCasePath(c.path)}
              >
                <span className="case-name">{c.name}</span>
                <span className="case-kind">{c.kind === 'dicom-folder' ? 'DICOM' : 'NIfTI'}</span>
              </button>
            </li>
          ))}
          {project && project.cases.length === 0 && <li className="muted">No cases in this project.</li>}
        </ul>
      </section>
      <section>
        <h2>Recent</h2>
        <ul className="recent-list" data-testid="recent-list">
          {recent.map((p) => (
            <li key={p}>
              <button type="button" className="recent" title={p} disabled={busy} onClick={() => void openCasePath(p)}>
                {p.split(/[\\/]/).filter(Boolean).pop() ?? p}
              </button>
            </li>
          ))}
          {recent.length === 0 && <li className="muted">Nothing yet.</li>}
        </ul>
      </section>
      <AnnotationSection />
      <SequencesSection />
      <InferencePanel />
      <SettingsEntry />
    </aside>
  );
}
