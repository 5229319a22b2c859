/**
 * A path typed or picked by browsing the backend's file system (quorum:fs.list), as in the open
 * dialog: browser mode has no native dialog. Clicking a folder enters it; "Use this folder" or a
 * file click sets the value. `testId` prefixes every test id, so two fields can share a dialog.
 */
import { useState } from 'react';
import { getApi } from '../api';
import { sessionToken } from '../state/annotationState';
import { DirectoryEntries } from './DirectoryEntries';

interface Listing {
  path: string;
  parent: string | null;
  entries: ReadonlyArray<{ name: string; path: string; isDir: boolean }>;
}

export function PathField(props: { label: string; value: string; onChange: (path: string) => void; testId: string; placeholder?: string }) {
  const { label, value, onChange, testId } = props;
  const [listing, setListing] = useState<Listing | null>(null);
  const [error, setError] = useState<string | null>(null);

  const browse = async (path: string) => {
    const session = sessionToken();
    if (session === null) {
      setError('Sign in to browse files.');
      return;
    }
    const r = await getApi()['quorum:fs.list']({ session, path });
    if (r.ok) {
      setListing(r.value);
      setError(null);
    } else setError(r.error.message);
  };

  return (
    <div className="path-field">
      <div className="path-form">
        <input
          type="text"
          aria-label={label}
          placeholder={props.placeholder}
          data-testid={`${testId}-input`}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
        <button type="button" data-testid={`${testId}-browse`} onClick={() => void browse(value.trim() || '/')}>
          Browse
        </button>
      </div>
      {error && <div className="list-error">{error}</div>}
      {listing && (
        <div className="browser">
          <div className="browser-head">
            {listing.parent && (
              <button type="button" onClick={() => void browse(listing.parent ?? '/')}>
                ↑ Up
              </button>
            )}
            <span className="browser-path">{listing.path}</span>
            <button
              type="button"
              data-testid={`${testId}-use-folder`}
              onClick={() => {
                onChange(listing.path);
                setListing(null);
              }}
            >
              Use this folder
            </button>
          </div>
          <DirectoryEntries
            entries={listing.entries}
            entryTestId={`${testId}-entry`}
            onDir={(path) => void browse(path)}
            onFile={(path) => {
              onChange(path);
              setListing(null);
            }}
          />
        </div>
      )}
    </div>
  );
}
