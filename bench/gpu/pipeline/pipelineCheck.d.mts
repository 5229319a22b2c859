// Types of pipelineCheck.mjs for the TypeScript e2e spec that imports it.
export function buildPipelinePage(): void;
export function startPipelineServer(
  modelRoot: string,
  options?: { port?: number; onResult?: (body: string) => void; pageDir?: string },
): Promise<{ url: string; close(): Promise<void> }>;
