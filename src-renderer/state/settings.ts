/**
 * User settings that outlive a session (issue 5's Settings): how the model runs. Kept in this
 * browser profile's localStorage, because they describe this computer (its GPU, its cores), not the
 * project: a project opened on another machine must not inherit "WASM only" from this one.
 *
 * Stored values are parsed, never trusted: anything unknown or out of range falls back to the
 * default for that one field, so a hand-edited or older entry cannot break inference.
 */
import { useSyncExternalStore } from 'react';
import { createStore } from './createStore';

/**
 * `auto`: WebGPU when this computer has a real adapter and the model's ops allow it, else native CPU
 * (onnxruntime-node on the server, which runs on this computer), else WASM. `native`: native CPU,
 * WASM when the server cannot. `wasm`: WASM only.
 */
export type ExecutionProviderChoice = 'auto' | 'native' | 'wasm';
const EP_CHOICES: readonly ExecutionProviderChoice[] = ['auto', 'native', 'wasm'];

export interface Settings {
  readonly executionProvider: ExecutionProviderChoice;
  /** WASM threads; `auto` = min(4, logical cores): more rarely helps a small 3D U-Net and starves the UI. */
  readonly wasmThreads: number | 'auto';
}

export const DEFAULT_SETTINGS: Settings = { executionProvider: 'auto', wasmThreads: 'auto' };
export const MAX_WASM_THREADS = 16;
const STORAGE_KEY = 'quorum.settings.v1';

export function parseSettings(text: string | null): Settings {
  if (text === null) return DEFAULT_SETTINGS;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return DEFAULT_SETTINGS;
  }
  if (typeof raw !== 'object' || raw === null) return DEFAULT_SETTINGS;
  const r = raw as Record<string, unknown>;
  const ep = EP_CHOICES.find((c) => c === r.executionProvider) ?? DEFAULT_SETTINGS.executionProvider;
  const t = r.wasmThreads;
  const threads =
    t === 'auto' || (typeof t === 'number' && Number.isInteger(t) && t >= 1 && t <= MAX_WASM_THREADS) ? t : DEFAULT_SETTINGS.wasmThreads;
  return { executionProvider: ep, wasmThreads: threads };
}

/** The thread count a run uses: the user's number, or the automatic one for this many cores. */
export function resolveWasmThreads(setting: Settings['wasmThreads'], logicalCores: number): number {
  return setting === 'auto' ? Math.max(1, Math.min(4, logicalCores || 1)) : setting;
}

function readStored(): Settings {
  try {
    return parseSettings(globalThis.localStorage?.getItem(STORAGE_KEY) ?? null);
  } catch {
    return DEFAULT_SETTINGS; // storage disabled: defaults, not a crash
  }
}

type SettingsEvents = {
  /** The inference settings changed: a model loaded under the old ones must be reloaded. */
  inferenceChanged: null;
};

export const settingsStore = createStore<Settings & { readonly dialogVisible: boolean }, SettingsEvents>({
  ...readStored(),
  dialogVisible: false,
});

export function useSettings<T>(select: (s: Settings & { readonly dialogVisible: boolean }) => T): T {
  return useSyncExternalStore(settingsStore.subscribe, () => select(settingsStore.getState()));
}

export function setSettingsVisible(visible: boolean): void {
  settingsStore.update((s) => (s.dialogVisible === visible ? s : { ...s, dialogVisible: visible }));
}

export function changeSettings(change: Partial<Settings>): void {
  const before = settingsStore.getState();
  const next = parseSettings(JSON.stringify({ executionProvider: before.executionProvider, wasmThreads: before.wasmThreads, ...change }));
  if (next.executionProvider === before.executionProvider && next.wasmThreads === before.wasmThreads) return;
  settingsStore.update((s) => ({ ...s, ...next }));
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(next));
  } catch {
    // Not persisted (storage full or disabled); the setting still holds for this session.
  }
  settingsStore.emit('inferenceChanged', null);
}
