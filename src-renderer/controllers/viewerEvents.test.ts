import { describe, expect, it } from 'vitest';
import { createViewerEvents, type ViewerEvents } from './viewerEvents';

describe('the viewer event map', () => {
  it('tells each listener why the volume changed, until it unsubscribes', () => {
    const events = createViewerEvents();
    const causes: ViewerEvents['volume-shown']['cause'][] = [];
    const off = events.on('volume-shown', ({ cause }) => causes.push(cause));
    events.emit('volume-shown', { caseId: 'c', volumeId: 'v0', index: 0, cause: 'case-opened' });
    events.emit('volume-shown', { caseId: 'c', volumeId: 'v1', index: 1, cause: 'volume-switched' });
    off();
    events.emit('volume-shown', { caseId: 'd', volumeId: 'v0', index: 0, cause: 'case-opened' });
    expect(causes).toEqual(['case-opened', 'volume-switched']);
  });

  it('keeps the events apart, and every event carries its cause', () => {
    const events = createViewerEvents();
    const views: string[] = [];
    events.on('view-changed', ({ cause }) => views.push(cause));
    events.emit('threshold-range', { range: [10, 20], cause: 'stroke-started' });
    events.emit('view-changed', { cause: 'window' });
    expect(views).toEqual(['window']);
    // @ts-expect-error: a view change says what changed
    events.emit('view-changed', {});
    // @ts-expect-error: the old ad-hoc API had no such event
    events.on('viewChange', () => {});
  });
});
