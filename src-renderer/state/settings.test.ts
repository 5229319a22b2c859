import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseSettings, resolveWasmThreads } from './settings';

describe('parseSettings', () => {
  it('gives the defaults for nothing stored or for text that is not a JSON object', () => {
    expect(parseSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings('{not json')).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings('42')).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings('null')).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps valid fields and replaces only the invalid ones', () => {
    expect(parseSettings('{"executionProvider":"wasm","wasmThreads":2}')).toEqual({ executionProvider: 'wasm', wasmThreads: 2 });
    expect(parseSettings('{"executionProvider":"native","wasmThreads":2}')).toEqual({ executionProvider: 'native', wasmThreads: 2 });
    expect(parseSettings('{"executionProvider":"cuda","wasmThreads":2}')).toEqual({ executionProvider: 'auto', wasmThreads: 2 });
    for (const bad of ['0', '-1', '2.5', '17', '"8"'])
      expect(parseSettings(`{"executionProvider":"wasm","wasmThreads":${bad}}`)).toEqual({
        executionProvider: 'wasm',
        wasmThreads: 'auto',
      });
  });
});

describe('resolveWasmThreads', () => {
  it('uses up to four of the logical cores automatically, and the user’s number otherwise', () => {
    expect(resolveWasmThreads('auto', 2)).toBe(2);
    expect(resolveWasmThreads('auto', 16)).toBe(4);
    expect(resolveWasmThreads('auto', 0)).toBe(1);
    expect(resolveWasmThreads(8, 2)).toBe(8);
  });
});
