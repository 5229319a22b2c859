/**
 * The entries of one folder in a path browser: a button per entry, folders marked, "Empty folder."
 * when there is nothing. Shared by the Open dialog and the import/export path fields, which differ
 * only in what a click on a folder or a file does.
 */

/**
 * A folder icon drawn inline: an emoji (📁) needs an emoji font, and machines without one (many
 * Linux installs, Debian's Chromium here) show an empty box instead.
 */
function FolderIcon() {
  return (
    <svg className="folder-icon" data-testid="folder-icon" width="14" height="11" viewBox="0 0 14 11" aria-hidden="true" focusable="false">
      <path d="M0 1.2C0 .5.5 0 1.2 0h3.7l1.3 1.4h6.6c.7 0 1.2.5 1.2 1.2v7.2c0 .7-.5 1.2-1.2 1.2H1.2C.5 11 0 10.5 0 9.8z" fill="#d9a520" />
    </svg>
  );
}

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
            {e.isDir && <FolderIcon />}
            {e.name}
          </button>
        </li>
      ))}
      {entries.length === 0 && <li className="muted">Empty folder.</li>}
    </ul>
  );
}
