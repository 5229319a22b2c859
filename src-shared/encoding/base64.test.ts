import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random/mulberry32';
import { Base64Error, base64ToBytes, bytesToBase64 } from './base64';

function randomBytes(n: number, seed: number): Uint8Array {
  const rand = mulberry32(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
}

// Node's Buffer is the independent reference: a different implementation of the same RFC 4648.
describe('base64', () => {
  it("encodes every length and byte value as Node's Buffer does, and decodes back", () => {
    for (let n = 0; n <= 12; n++) {
      const bytes = randomBytes(n, n + 1);
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(base64ToBytes(text))).toEqual(Array.from(bytes));
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(bytesToBase64(all)).toBe(Buffer.from(all).toString('base64'));
  });

  it('round-trips a payload longer than one output chunk', () => {
    const bytes = randomBytes(100_001, 7);
    const text = bytesToBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect(Buffer.compare(Buffer.from(base64ToBytes(text)), Buffer.from(bytes))).toBe(0);
  });

  it('accepts unpadded text', () => {
    expect(Array.from(base64ToBytes('AQI'))).toEqual([1, 2]);
    expect(Array.from(base64ToBytes('AQ'))).toEqual([1]);
  });

  it('refuses text that is not base64, saying where', () => {
    expect(() => base64ToBytes('AQ!D')).toThrow(Base64Error);
    expect(() => base64ToBytes('AQ!D')).toThrow(/"!" at position 2/);
    expect(() => base64ToBytes('AQIDB')).toThrow(/cannot encode whole bytes/);
  });
});
