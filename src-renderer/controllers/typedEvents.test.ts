import { describe, expect, it } from 'vitest';
import { createTypedEvents } from './typedEvents';

// A type alias, not an interface extending Record<string, unknown>: an index signature would let any name through.
type Events = {
  moved: { x: number; cause: 'drag' | 'key' };
  cleared: null;
};

describe('createTypedEvents', () => {
  it('hands each listener the payload of its own event only', () => {
    const events = createTypedEvents<Events>();
    const moved: Events['moved'][] = [];
    let cleared = 0;
    events.on('moved', (d) => moved.push(d));
    events.on('cleared', () => cleared++);
    events.emit('moved', { x: 3, cause: 'key' });
    events.emit('cleared', null);
    expect(moved).toEqual([{ x: 3, cause: 'key' }]);
    expect(cleared).toBe(1);
  });

  it('stops calling a listener after the function `on` returned, or `off`, removes it', () => {
    const events = createTypedEvents<Events>();
    const seen: number[] = [];
    const a = (d: Events['moved']) => seen.push(d.x);
    const b = (d: Events['moved']) => seen.push(-d.x);
    const offA = events.on('moved', a);
    events.on('moved', b);
    events.emit('moved', { x: 1, cause: 'drag' });
    offA();
    events.emit('moved', { x: 2, cause: 'drag' });
    events.off('moved', b);
    events.emit('moved', { x: 3, cause: 'drag' });
    expect(seen).toEqual([1, -1, -2]);
  });

  it('still calls a listener that another one removes during the same emit', () => {
    const events = createTypedEvents<Events>();
    const seen: string[] = [];
    let offSecond = () => {};
    events.on('cleared', () => {
      seen.push('first');
      offSecond();
    });
    offSecond = events.on('cleared', () => seen.push('second'));
    events.emit('cleared', null);
    events.emit('cleared', null);
    expect(seen).toEqual(['first', 'second', 'first']);
  });

  it('rejects unknown names and wrong payloads at compile time', () => {
    const events = createTypedEvents<Events>();
    // @ts-expect-error: no such event
    events.on('resized', () => {});
    // @ts-expect-error: 'moved' carries its cause
    events.emit('moved', { x: 1 });
    // @ts-expect-error: the cause is one of the listed ones
    events.emit('moved', { x: 1, cause: 'wheel' });
    expect(true).toBe(true);
  });
});
