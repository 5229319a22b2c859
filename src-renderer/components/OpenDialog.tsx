/**
 * Open a file or folder by path. Browser mode has no native dialog, so this browses the backend's
 * file system (quorum:fs.list) and also takes a typed path. NIfTI files open on click; a folder
 * opens as a DICOM series with "Open this folder".
 */
import { useEffect, useRef, useState } from 'react';
import { getApi } from '../api';
import { sessionToken } from '../state/annotationState';
import { useAppState } from '../state/appState';
import { openCasePath } from '../state/caseActions';
import { setOpenDialogVisible } from '../state/uiActions';
import { DirectoryEntries } from './DirectoryEntries';

interface Listing {
  path: string;
  parent: string | null;
  entries: ReadonlyArray<{ name: string; path: string; isDir: boolean }>;
}

export function OpenDialog() {
  const projectPath = useAppState((s) => s.project?.path ?? null);
  const [typed, setTyped] = useState('');
  const [listing, setListing] = useState<Listing | null>(null);
  const [listError, setListError] = useState<string | null>(null);

  // Once the user types, a listing that arrives later must not overwrite the field.
  const typedByUser = useRef(false);

  const browse = async (path: string, fromUser: boolean) => {
    const session = sessionToken();
    if (session === null) {
      setListError('Sign in to browse files.');
      return;
    }
    const result = await getApi()['quorum:fs.list']({ session, path });
    if (result.ok) {
      setListing(result.value);
      setListError(null);
      if (fromUser || !typedByUser.current) setTyped(result.value.path);
    } else {
      setListError(result.error.message);
    }
  };

  useEffect(() => {
    if (projectPath) void browse(projectPath, false);
  }, [projectPath]);

  const submit = () => {
    const path = typed.trim();
    if (path) void openCasePath(path);
  };

  return (
    <div className="overlay" data-testid="open-dialog" onClick={() => setOpenDialogVisible(false)}>
      <div className="dialog open" role="dialog" aria-label="Open" onClick={(e) => e.stopPropagation()}>
        <h2>Open a NIfTI file or a DICOM folder</h2>
        <form
          className="path-form"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <input
            type="text"
            data-testid="open-path-input"
            aria-label="Path"
            placeholder="/path/to/image.nii.gz or /path/to/dicom-folder"
            value={typed}
            autoFocus
            onChange={(e) => {
              typedByUser.current = true;
              setTyped(e.target.value);
            }}
          />
          <button type="submit" data-testid="open-path-submit">
            Open
          </button>
          <button type="button" data-testid="open-path-browse" onClick={() => void browse(typed.trim() || '/', true)}>
            Browse
          </button>
        </form>
        {listError && (
          <div className="list-error" data-testid="open-list-error">
            {listError}
          </div>
        )}
        {listing && (
          <div className="browser">
            <div className="browser-head">
              {listing.parent && (
                <button type="button" data-testid="open-parent" onClick={() => void browse(listing.parent ?? '/', true)}>
                  ↑ Up
                </button>
              )}
              <span className="browser-path">{listing.path}</span>
              <button type="button" data-testid="open-this-folder" onClick={() => void openCasePath(listing.path)}>
                Open this folder
              </button>
            </div>
            <DirectoryEntries
              entries={listing.entries}
              listTestId="open-entries"
              entryTestId="open-entry"
              onDir={(path) => void browse(path, true)}
              onFile={(path) => void openCasePath(path)}
            />
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" data-testid="open-cancel" onClick={() => setOpenDialogVisible(false)}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
