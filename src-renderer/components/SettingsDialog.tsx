/**
 * Settings (issue 5): where models live (the bundled folder and the user's, into which a model folder
 * can be dropped and picked up with Refresh, no rebuild), every model found with why an unusable
 * one cannot run, and how models run on this computer (execution provider, WASM threads). Also the
 * app's version and transport, which a bug report needs.
 */
import { useEffect, useState } from 'react';
import type { ModelEntry } from '../../src-shared/api/inferenceChannels';
import { getApi } from '../api';
import { annotationStore } from '../state/annotationState';
import { useControllers } from '../controllers/ControllersContext';
import { changeSettings, MAX_WASM_THREADS, resolveWasmThreads, setSettingsVisible, useSettings } from '../state/settings';
import { useEscapeKey } from './useEscapeKey';

interface Listing {
  readonly version: string;
  readonly mode: 'electron' | 'browser';
  readonly bundledDir: string;
  readonly userDir: string;
  readonly models: readonly ModelEntry[];
}

async function readListing(): Promise<Listing | string> {
  const session = annotationStore.getState().signedIn?.token;
  if (session === undefined) return 'Sign in to see the models folders and the models found.';
  const api = await getApi();
  const [info, models] = await Promise.all([api['quorum:app.info']({}), api['quorum:models.list']({ session })]);
  if (!info.ok) return info.error.message;
  if (!models.ok) return models.error.message;
  return { version: info.value.version, mode: info.value.mode, ...models.value };
}

function modelStatus(m: ModelEntry): string {
  if (m.error) return `unusable — ${m.error}`;
  const gpu = m.webgpu && !m.webgpu.canRun ? ' · WASM only' : '';
  return `${m.model?.memberCount ?? 0} member(s), ${m.model?.channels.map((c) => c.id).join(' + ') ?? ''}${gpu}`;
}

function SettingsDialog() {
  const settings = useSettings((s) => s);
  const { inference } = useControllers();
  const [listing, setListing] = useState<Listing | string | null>(null);
  const close = () => setSettingsVisible(false);

  const reload = () => {
    setListing(null);
    void readListing().then(setListing);
    void inference.refreshModels();
  };
  useEffect(reload, []);
  useEscapeKey(close);

  const cores = navigator.hardwareConcurrency || 1;
  return (
    <div className="overlay" data-testid="settings-overlay" onClick={close}>
      <div className="dialog settings" role="dialog" aria-label="Settings" onClick={(e) => e.stopPropagation()}>
        <h2>Settings</h2>
        {listing === null && <p className="muted">Reading…</p>}
        {typeof listing === 'string' && <p className="model-error">{listing}</p>}
        {listing !== null && typeof listing !== 'string' && (
          <>
            <h3>Models</h3>
            <dl className="settings-paths">
              <dt>Your models folder</dt>
              <dd data-testid="settings-user-models-dir">{listing.userDir}</dd>
              <dt>Bundled models</dt>
              <dd data-testid="settings-bundled-models-dir">{listing.bundledDir}</dd>
            </dl>
            <p className="muted small">
              Drop a folder holding <code>model.json</code> and its <code>.onnx</code> members into your models folder, then press Refresh.
            </p>
            <ul className="settings-models" data-testid="settings-models">
              {listing.models.map((m) => (
                <li key={m.key} className={m.error ? 'model-error' : undefined}>
                  <strong>{m.model?.name ?? m.folder}</strong> <span className="muted">({m.source})</span> — {modelStatus(m)}
                </li>
              ))}
              {listing.models.length === 0 && <li className="muted">No model found.</li>}
            </ul>
            <button type="button" data-testid="settings-refresh" onClick={reload}>
              Refresh
            </button>
          </>
        )}
        <h3>Running models</h3>
        <fieldset className="settings-choice">
          <legend>Execution provider</legend>
          <label>
            <input
              type="radio"
              name="ep"
              data-testid="settings-ep-auto"
              checked={settings.executionProvider === 'auto'}
              onChange={() => changeSettings({ executionProvider: 'auto' })}
            />{' '}
            WebGPU when this computer has a GPU and the model allows it, else native CPU, else WASM
          </label>
          <label>
            <input
              type="radio"
              name="ep"
              data-testid="settings-ep-native"
              checked={settings.executionProvider === 'native'}
              onChange={() => changeSettings({ executionProvider: 'native' })}
            />{' '}
            native CPU (this computer; onnxruntime-node, WASM when it is not available)
          </label>
          <label>
            <input
              type="radio"
              name="ep"
              data-testid="settings-ep-wasm"
              checked={settings.executionProvider === 'wasm'}
              onChange={() => changeSettings({ executionProvider: 'wasm' })}
            />{' '}
            WASM only (CPU; e.g. to compare with a GPU run)
          </label>
        </fieldset>
        <label className="settings-threads">
          WASM threads{' '}
          <select
            data-testid="settings-threads"
            value={String(settings.wasmThreads)}
            onChange={(e) => changeSettings({ wasmThreads: e.target.value === 'auto' ? 'auto' : Number(e.target.value) })}
          >
            <option value="auto">Automatic ({resolveWasmThreads('auto', cores)})</option>
            {Array.from({ length: Math.min(MAX_WASM_THREADS, Math.max(cores, 1)) }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <p className="muted small">
          Changes apply from the next run; this computer has {cores} logical cores. Saved in this browser profile.
        </p>
        {listing !== null && typeof listing !== 'string' && (
          <p className="muted small" data-testid="settings-about">
            Quorum {listing.version} · {listing.mode === 'electron' ? 'desktop app' : 'browser mode'}
          </p>
        )}
        <button type="button" data-testid="settings-close" onClick={close}>
          Close
        </button>
      </div>
    </div>
  );
}

/** The sidebar's Settings button and, while open, the dialog. */
export function SettingsEntry() {
  const visible = useSettings((s) => s.dialogVisible);
  return (
    <>
      <button
        type="button"
        className="settings-button"
        data-testid="settings-button"
        title="Settings"
        onClick={() => setSettingsVisible(true)}
      >
        Settings…
      </button>
      {visible && <SettingsDialog />}
    </>
  );
}
