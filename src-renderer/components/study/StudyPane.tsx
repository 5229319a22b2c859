/**
 * One blinded overlay of a trial: the case's axial slice with the mask outlined. Every label is
 * drawn by this one component with the same colour and width (OUTLINE_COLOUR, OUTLINE_WIDTH_PX), so
 * A and B differ only in the segmentation itself. Drawn on a 2D canvas from the voxels, not in the
 * Cornerstone viewer, whose annotation layers carry per-rater colours and names. Shown in
 * radiological convention like the viewer's axial view.
 */
import { useEffect, useRef } from 'react';
import type { StudyImage } from '../../controllers/studyController';
import { outlineSegments, radiologicalFlips, sliceRgba } from './sliceRender';

const OUTLINE_COLOUR = '#ffd400';
const OUTLINE_WIDTH_PX = 2;
const PANE_WIDTH_PX = 400;
const PANE_MAX_HEIGHT_PX = 440;

function paneSize(image: StudyImage): { width: number; height: number } {
  const [nx, ny] = image.dims;
  const aspect = (ny * image.spacingMm[1]) / (nx * image.spacingMm[0]);
  const width = Math.min(PANE_WIDTH_PX, PANE_MAX_HEIGHT_PX / aspect);
  return { width: Math.round(width), height: Math.round(width * aspect) };
}

interface Props {
  label: 'A' | 'B';
  image: StudyImage;
  window: readonly [number, number];
  mask: Uint8Array;
  slice: number;
  /** Off while the reader looks at the tissue under the outlines; always the same for A and B. */
  showOutline: boolean;
  onWheel(delta: number): void;
  /** A left-button drag, in CSS pixels since the last event: window/level for both panes. */
  onDrag(dx: number, dy: number): void;
}

export function StudyPane({ label, image, window: win, mask, slice, showOutline, onWheel, onDrag }: Props) {
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const { width, height } = paneSize(image);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const ratio = globalThis.devicePixelRatio || 1;
    el.width = Math.round(width * ratio);
    el.height = Math.round(height * ratio);
    const ctx = el.getContext('2d');
    if (!ctx) return;
    const [nx, ny] = image.dims;
    const source = document.createElement('canvas');
    source.width = nx;
    source.height = ny;
    const sctx = source.getContext('2d');
    if (!sctx) return;
    sctx.putImageData(
      new ImageData(sliceRgba(image.voxels, image.dims, slice, win, image.inverted) as Uint8ClampedArray<ArrayBuffer>, nx, ny),
      0,
      0,
    );
    // Radiological convention (patient left on the right, anterior up), the same for every label.
    const { flipX, flipY } = radiologicalFlips(image.direction);
    ctx.setTransform(flipX ? -1 : 1, 0, 0, flipY ? -1 : 1, flipX ? el.width : 0, flipY ? el.height : 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(source, 0, 0, el.width, el.height);
    if (!showOutline) return;
    const sx = el.width / nx;
    const sy = el.height / ny;
    const seg = outlineSegments(mask, image.dims, slice);
    ctx.strokeStyle = OUTLINE_COLOUR;
    ctx.lineWidth = OUTLINE_WIDTH_PX * ratio;
    ctx.lineCap = 'square';
    ctx.beginPath();
    for (let s = 0; s < seg.length; s += 4) {
      ctx.moveTo(seg[s] * sx, seg[s + 1] * sy);
      ctx.lineTo(seg[s + 2] * sx, seg[s + 3] * sy);
    }
    ctx.stroke();
  }, [image, win, mask, slice, showOutline, width, height]);

  return (
    <figure className="study-pane" data-testid={`study-pane-${label}`}>
      <figcaption className="study-pane-label">{label}</figcaption>
      <canvas
        ref={canvas}
        style={{ width: `${width}px`, height: `${height}px` }}
        data-testid={`study-canvas-${label}`}
        data-outline={showOutline ? 'shown' : 'hidden'}
        onWheel={(e) => onWheel(e.deltaY > 0 ? 1 : -1)}
        onPointerDown={(e) => {
          if (e.button === 0) e.currentTarget.setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => {
          if (e.currentTarget.hasPointerCapture(e.pointerId)) onDrag(e.movementX, e.movementY);
        }}
      />
    </figure>
  );
}
