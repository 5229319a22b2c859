/**
 * `ArrayBuffer.prototype.transfer` for Node 20, which lacks it: detaches the buffer the way
 * Chromium's does (structuredClone with a transfer list detaches in Node too), so tests see what
 * freeGrid.ts does to a grid in the renderer. Returns the function that takes it away again.
 */
export function withTransfer(): () => void {
  const proto = ArrayBuffer.prototype as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
  if (proto.transfer) return () => undefined;
  Object.defineProperty(proto, 'transfer', {
    configurable: true,
    writable: true,
    value(this: ArrayBuffer, length: number): ArrayBuffer {
      // A global of Node and the browser, outside src-shared's environment-free types.
      const { structuredClone } = globalThis as unknown as { structuredClone(v: ArrayBuffer, o: { transfer: ArrayBuffer[] }): ArrayBuffer };
      const moved = structuredClone(this, { transfer: [this] });
      return moved.slice(0, length);
    },
  });
  return () => {
    delete proto.transfer;
  };
}
