/**
 * The handwriting pad: a canvas that records pointer events (finger, stylus with pressure, mouse)
 * as strokes of {x, y, t, pressure} points in CSS pixels, y down — the stroke data the API takes
 * and the core turns into the signature's vector outline. Coalesced events are used where the
 * browser has them, so fast strokes keep their shape. Undo removes the last stroke; clear, all.
 */
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { Button } from './components.js';
import { useI18n } from './i18n.js';
import { IconUndo } from './icons.js';
import { drawInk, type InkPoint, type InkStroke } from './ink.js';
import type { SharedKey } from './strings.js';

/** The pad. `strokes` is controlled by the parent, so a drawing survives closing a dialog. */
export function SignaturePad(props: { strokes: readonly InkStroke[]; onChange: (strokes: InkStroke[]) => void; id?: string; height?: number }) {
  const { t } = useI18n<SharedKey>();
  const canvas = useRef<HTMLCanvasElement>(null);
  const live = useRef<{ strokes: InkStroke[]; current?: InkStroke; t0: number; pointer?: number }>({ strokes: [...props.strokes], t0: 0 });
  const frame = useRef(0);
  const height = props.height ?? 200;

  const redraw = () => {
    frame.current = 0;
    const c = canvas.current;
    if (!c) return;
    const ctx = c.getContext('2d')!;
    const dpr = c.width / Math.max(1, c.clientWidth);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, c.width, c.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    // The pen is sized for a signature spanning most of the pad (the core sizes it by the ink's extent).
    const unit = (0.8 * Math.max(c.clientWidth, c.clientHeight)) / 500;
    const all = live.current.current ? [...live.current.strokes, live.current.current] : live.current.strokes;
    drawInk(ctx, all, { unit: Math.max(unit, 0.5) });
  };
  const schedule = () => {
    if (!frame.current) frame.current = requestAnimationFrame(redraw);
  };

  // The bitmap follows the pad's size and the screen's pixel density.
  useLayoutEffect(() => {
    const c = canvas.current!;
    const fitSize = () => {
      const dpr = Math.min(3, window.devicePixelRatio || 1);
      c.width = Math.round(c.clientWidth * dpr);
      c.height = Math.round(c.clientHeight * dpr);
      redraw();
    };
    fitSize();
    const ro = new ResizeObserver(fitSize);
    ro.observe(c);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    if (live.current.current) return;
    live.current.strokes = [...props.strokes];
    schedule();
  }, [props.strokes]);

  const point = (e: PointerEvent, t0: number): InkPoint => {
    const r = canvas.current!.getBoundingClientRect();
    const p: InkPoint = { x: Math.round((e.clientX - r.left) * 100) / 100, y: Math.round((e.clientY - r.top) * 100) / 100, t: Math.max(0, Math.round(e.timeStamp - t0)) };
    if (e.pressure > 0) p.pressure = Math.round(e.pressure * 1000) / 1000;
    return p;
  };

  const onDown = (e: PointerEvent) => {
    if (!e.isPrimary || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    try {
      canvas.current!.setPointerCapture(e.pointerId);
    } catch {
      // A synthetic pointer (tests, assistive tools) cannot be captured; drawing still works.
    }
    live.current.pointer = e.pointerId;
    live.current.t0 = e.timeStamp;
    live.current.current = [point(e, e.timeStamp)];
    schedule();
  };
  const onMove = (e: PointerEvent) => {
    const l = live.current;
    if (!l.current || e.pointerId !== l.pointer) return;
    e.preventDefault();
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) l.current.push(point(ev, l.t0));
    schedule();
  };
  const onUp = (e: PointerEvent) => {
    const l = live.current;
    if (!l.current || e.pointerId !== l.pointer) return;
    if (e.type === 'pointerup') l.current.push(point(e, l.t0));
    l.strokes = [...l.strokes, dedupe(l.current)];
    l.current = undefined;
    l.pointer = undefined;
    schedule();
    props.onChange(l.strokes);
  };

  const empty = props.strokes.length === 0 && !live.current.current;
  return (
    <div class="sigpad">
      <div class="sigpad-surface" style={{ height: `${height}px` }}>
        <canvas
          id={props.id}
          ref={canvas}
          class="sigpad-canvas"
          role="img"
          aria-label={t('pad.label')}
          onPointerDown={onDown}
          onPointerMove={onMove}
          onPointerUp={onUp}
          onPointerCancel={onUp}
          onContextMenu={(e) => e.preventDefault()}
        />
        <span class="sigpad-baseline" aria-hidden="true" />
        {empty && <span class="sigpad-placeholder" aria-hidden="true">{t('pad.placeholder')}</span>}
      </div>
      <div class="sigpad-tools">
        <p class="hint">{t('pad.hint')}</p>
        <Button kind="ghost" size="small" label={t('pad.undo')} disabled={props.strokes.length === 0} onClick={() => props.onChange(props.strokes.slice(0, -1))}>
          <IconUndo />
        </Button>
        <Button kind="secondary" size="small" disabled={props.strokes.length === 0} onClick={() => props.onChange([])}>{t('pad.clear')}</Button>
      </div>
    </div>
  );
}

/** Drops repeated samples at the same place and time (some browsers repeat the last coalesced event). */
function dedupe(s: InkStroke): InkStroke {
  return s.filter((p, i) => i === 0 || p.x !== s[i - 1].x || p.y !== s[i - 1].y || p.t !== s[i - 1].t);
}
