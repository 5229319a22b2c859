/**
 * The entries of one folder in a path browser: a button per entry, folders marked, "Empty folder."
 * when there is nothing. Shared by the Open dialog and the import/export path fields, which differ
 * only in what a click on a folder or a file does.
 */

export interface DirectoryEntry {
  readonly name: string;
  readonly path: string;
  readonly isDir: boolean;
}

export function DirectoryEntries(props: {
  entries: readonly DirectoryEntry[];
  /** data-testid of the list; omitted when tests need none. */
  listTestId?: string;
  /** data-testid of each entry's button. */
  entryTestId: string;
  onDir: (path: string) => void;
  onFile: (path: string) => void;
}) {
  const { entries, listTestId, entryTestId, onDir, onFile } = props;
  return (
    <ul className="browser-list" data-testid={listTestId}>
      {entries.map((e) => (
        <li key={e.path}>
          <button
            type="button"
            className={e.isDir ? 'dir' : 'file'}
            data-testid={entryTestId}
            data-path={e.path}
            onClick={() => (e.isDir ? onDir(e.path) : onFile(e.path))}
          >
            {e.isDir ? '📁 ' : ''}
            {e.name}
          </button>
        </li>
      ))}
      {entries.length === 0 && <li className="muted">Empty folder.</li>}
    </ul>
  );
}
