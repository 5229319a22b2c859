/** The study controller with a fake backend: which volume a trial's image is, and that it is fetched once. */
import { describe, expect, it } from 'vitest';
import type { CaseDescriptor, VolumeInfo } from '../../src-shared/api/contract';
import { StudyController, type StudyDeps } from './studyController';

function volume(bValue: number, dims: [number, number, number]): VolumeInfo {
  return {
    volumeId: `b${bValue}`,
    label: `b=${bValue}`,
    bValue,
    dims,
    spacingMm: [1, 1, 2],
    originLps: [0, 0, 0],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    dataType: 'uint8',
    min: 0,
    max: 255,
    unit: null,
    url: `volumes/b${bValue}`,
  };
}

function setup(volumes: VolumeInfo[], failFirstOpen = false) {
  const fetched: string[] = [];
  let opens = 0;
  const deps = {
    api: {
      'quorum:case.open': () => {
        opens++;
        if (failFirstOpen && opens === 1) return Promise.resolve({ ok: false, error: { code: 'internal', message: 'busy' } });
        return Promise.resolve({ ok: true, value: { volumes } as unknown as CaseDescriptor });
      },
    },
    fetchVolumeBytes: (url: string) => {
      fetched.push(url);
      const info = volumes.find((v) => v.url === url);
      return Promise.resolve(new Uint8Array(info ? info.dims[0] * info.dims[1] * info.dims[2] : 0).fill(info?.bValue ?? 0));
    },
  } as unknown as StudyDeps;
  return { controller: new StudyController(deps), fetched, opens: () => opens };
}

const grid: [number, number, number] = [2, 2, 2];

describe('StudyController', () => {
  it("shows the study's b-value of the volumes on its grid, fetched once however often it is asked for", async () => {
    const volumes = [volume(0, grid), volume(1000, grid), volume(500, [4, 4, 4])];
    const { controller, fetched } = setup(volumes);
    const ref = { path: '/case', bValue: 1000, dims: grid };
    const [a, b] = await Promise.all([controller.loadImage('s', ref), controller.loadImage('s', ref)]);
    expect(a).toBe(b);
    expect(fetched).toEqual([volumes[1].url]);
    // The reader may switch among the volumes on the study's grid only.
    expect(a.choices).toEqual(volumes.filter((v) => v.dims.every((d, i) => d === grid[i])).map((v) => v.label));
    expect(a.chosen).toBe(a.choices.indexOf(volumes[1].label));
    expect(Array.from(a.voxels)).toEqual(new Array(8).fill(1000 & 0xff));
  });

  it('forgets a failed load, so asking again tries again', async () => {
    const { controller, opens } = setup([volume(1000, grid)], true);
    const ref = { path: '/case', bValue: 1000, dims: grid };
    await expect(controller.loadImage('s', ref)).rejects.toThrow('busy');
    await expect(controller.loadImage('s', ref)).resolves.toMatchObject({ dims: grid });
    expect(opens()).toBe(2);
  });
});
