// Types of webgpuCheck.mjs for the TypeScript e2e spec that imports it.
import type { Page } from '@playwright/test';

export interface WebGpuCheckResult {
  adapter: string;
  file: string;
  size: [number, number, number];
  maxAbsDiff: number;
  webgpuMs: number;
  wasmMs: number;
}

export function startCheckServer(port?: number, modelDir?: string): Promise<{ url: string; close(): Promise<void> }>;
export function runWebGpuCheck(
  page: Page,
  url: string,
  options: {
    sizes: Array<[number, number, number]>;
    reps?: number;
    members?: string[];
    allowFallbackAdapter?: boolean;
    /** Input channels (the demo model: 2) and output name (the demo model: 'logits'); the input is 'image'. */
    channels?: number;
    output?: string;
  },
): Promise<WebGpuCheckResult[]>;
