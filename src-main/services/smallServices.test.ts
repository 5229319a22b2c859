/** The small services: recent list persistence, the LRU of open cases, byte order, content types. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentTypeOf } from '../server/contentTypes';
import { LruCache } from './caseCache';
import { createRecentStore } from './recent';
import { littleEndianBytes, swapBytes } from './volumeBytes';

describe('recent store', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'quorum-recent-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('keeps newest first, without duplicates, up to the limit, across instances, per person', async () => {
    const file = path.join(tmp, 'a', 'recent.json');
    const store = createRecentStore(file, 3);
    expect(await store.list('alice')).toEqual([]);
    await store.add('alice', '/x');
    await store.add('alice', '/y');
    await store.add('bob', '/bob-only');
    await store.add('alice', '/x');
    await store.add('alice', '/z');
    await store.add('alice', '/w');
    expect(await store.list('alice')).toEqual(['/w', '/z', '/x']);
    expect(await createRecentStore(file, 3).list('alice')).toEqual(['/w', '/z', '/x']);
    expect(await store.list('bob')).toEqual(['/bob-only']);
    expect(await store.list('carol')).toEqual([]);
  });

  it('keeps one entry per place, however the path was spelled, and cleans a list written with repeats on read', async () => {
    const file = path.join(tmp, 'spellings.json');
    const store = createRecentStore(file, 10);
    await store.add('alice', '/data/ct.nii.gz');
    await store.add('alice', '/data//ct.nii.gz');
    await store.add('alice', '/data/./ct.nii.gz');
    await store.add('alice', '/data/dicom/');
    await store.add('alice', '/data/dicom');
    expect(await store.list('alice')).toEqual(['/data/dicom', '/data/ct.nii.gz']);
    await writeFile(file, JSON.stringify({ people: { alice: ['/a/b', '/a/b/', '/a//b', '/c'] } }));
    expect(await createRecentStore(file).list('alice')).toEqual(['/a/b', '/c']);
  });

  it('survives concurrent adds without losing one', async () => {
    const store = createRecentStore(path.join(tmp, 'b.json'), 10);
    await Promise.all(['/1', '/2', '/3', '/4'].map((p) => store.add('alice', p)));
    expect((await store.list('alice')).sort()).toEqual(['/1', '/2', '/3', '/4']);
  });

  it('reads a corrupt file as empty instead of failing', async () => {
    const file = path.join(tmp, 'corrupt.json');
    await writeFile(file, '{not json');
    expect(await createRecentStore(file).list('alice')).toEqual([]);
    await writeFile(file, JSON.stringify({ people: { alice: [1, 2] } }));
    expect(await createRecentStore(file).list('alice')).toEqual([]);
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const lru = new LruCache<string, number>({ capacity: 2 });
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now newer than b
    lru.set('c', 3);
    expect(lru.has('b')).toBe(false);
    expect(lru.has('a')).toBe(true);
    expect(lru.size).toBe(2);
  });

  it('evicts the oldest entries until their weight fits, but always keeps the newest', () => {
    const lru = new LruCache<string, number>({ capacity: 10, maxWeight: 100, weigh: (v) => v });
    lru.set('a', 40);
    lru.set('b', 40);
    lru.set('c', 40); // 120 > 100: a goes
    expect([lru.has('a'), lru.has('b'), lru.has('c'), lru.weight]).toEqual([false, true, true, 80]);
    lru.set('b', 10); // replacing an entry re-weighs it
    expect(lru.weight).toBe(50);
    lru.set('huge', 500); // over the budget on its own: everything older goes, it stays
    expect([lru.size, lru.has('huge'), lru.weight]).toEqual([1, true, 500]);
  });

  it('refuses a non-positive capacity', () => {
    expect(() => new LruCache({ capacity: 0 })).toThrow(/positive integer/);
  });
});

describe('voxel bytes', () => {
  it('exposes the typed array memory as little-endian bytes', () => {
    const bytes = littleEndianBytes(new Int16Array([0x0102, -2]));
    // 0x0102 little-endian is 02 01; -2 is 0xFFFE → FE FF.
    expect(Array.from(bytes)).toEqual([0x02, 0x01, 0xfe, 0xff]);
  });

  it('swaps each element for big-endian hosts', () => {
    expect(Array.from(swapBytes(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 4))).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
  });

  it('respects a subarray offset', () => {
    const whole = new Uint16Array([0x1111, 0x2233]);
    expect(Array.from(littleEndianBytes(whole.subarray(1)))).toEqual([0x33, 0x22]);
  });
});

describe('content types', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a.js', 'text/javascript; charset=utf-8'],
    ['ort.mjs', 'text/javascript; charset=utf-8'],
    ['ort-wasm-simd-threaded.wasm', 'application/wasm'],
    ['brain.nii.gz', 'application/gzip'],
    ['brain.NII', 'application/octet-stream'],
    ['IM0001.dcm', 'application/dicom'],
    ['dwi.bval', 'text/plain; charset=utf-8'],
    ['README', 'application/octet-stream'],
  ])('%s → %s', (name, type) => {
    expect(contentTypeOf(name)).toBe(type);
  });
});
