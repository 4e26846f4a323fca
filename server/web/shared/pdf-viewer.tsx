/**
 * The PDF viewer: every page of a document as a canvas rendered by pdf.js, lazily (only pages
 * near the screen are drawn, and far ones are released, so a long contract stays light on a
 * phone), with zoom, fit-width (the default, kept on rotation) and a page indicator. Overlays —
 * the reader's own signature fields — sit on the pages as focusable buttons, positioned from
 * their PDF rectangles (user space, ISO 32000-1 §8.3.2.3) through the page's viewport, so that
 * page rotation and crop boxes are honoured.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { Button } from './components.js';
import { useI18n } from './i18n.js';
import { IconFitWidth, IconMinus, IconPlus } from './icons.js';
import type { PDFDocumentProxy, PDFPageProxy, RenderTask } from './pdfjs.js';
import type { SharedKey } from './strings.js';

/** A rectangle in PDF user space (points, y up). */
export interface PdfRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Something drawn over a page: a field to fill or sign. */
export interface PdfOverlay {
  id: string;
  /** 1-based page. */
  page: number;
  rect: PdfRect;
  /** The accessible name of the overlay button. */
  label: string;
  /** What is shown inside (a signature preview, a hint). */
  content?: ComponentChildren;
  /** `todo` (still to do), `done` (ready) — styles only. */
  state?: 'todo' | 'done';
  kind?: 'signature' | 'seal' | 'text' | 'date';
  onActivate?: () => void;
}

/** A request to bring an overlay into view and focus it; a new `seq` repeats the request. */
export interface OverlayFocus {
  id: string;
  seq: number;
}

/**
 * What a page layer (see the viewer's `layer` prop) knows of its page: the page's viewport at
 * scale 1 (1 CSS px per point, after /Rotate and the crop box, ISO 32000-1 §7.7.3.3 and
 * §14.11.2), so that it can turn positions on the page into PDF user space and back.
 */
export interface PageLayerInfo {
  /** 1-based page. */
  page: number;
  /** The page's size at scale 1 (CSS px = points), after rotation. */
  width: number;
  height: number;
  /** The viewport transform at scale 1: user space → CSS px, y down (`PageViewport.transform`). */
  transform: readonly number[];
  /** The current zoom (CSS px per point). */
  scale: number;
}

interface PageBox {
  /** Size in CSS pixels at scale 1 (1 px per point), after rotation. */
  width: number;
  height: number;
  /** The viewport transform at scale 1. */
  transform: number[];
  /** Overlay rectangles as fractions of the page box (left, top, width, height). */
  boxes: Map<string, [number, number, number, number]>;
}

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];
const MAX_DPR = 2;

/** Shows one PDF document. */
export function PdfViewer(props: {
  doc: PDFDocumentProxy;
  /** The document's name, for the pages' accessible labels. */
  name: string;
  overlays?: readonly PdfOverlay[];
  activeOverlay?: string;
  /** Scrolls this overlay into the middle of the screen and focuses it (once the pages are laid out). */
  focus?: OverlayFocus;
  onPageChange?: (page: number) => void;
  /** Something drawn over each page (a field designer): positioned in the page box, which it fills. */
  layer?: (info: PageLayerInfo) => ComponentChildren;
}) {
  const { t } = useI18n<SharedKey>();
  const { doc } = props;
  const [boxes, setBoxes] = useState<PageBox[] | undefined>();
  const [fit, setFit] = useState(true);
  const [scale, setScale] = useState(1);
  const [visible, setVisible] = useState<ReadonlySet<number>>(new Set([1]));
  const [current, setCurrent] = useState(1);
  const wrap = useRef<HTMLDivElement>(null);
  const pagesRef = useRef<(HTMLDivElement | null)[]>([]);
  const overlays = props.overlays ?? [];
  const overlayKey = overlays.map((o) => `${o.id}:${o.page}:${o.rect.x},${o.rect.y},${o.rect.w},${o.rect.h}`).join('|');

  // Page sizes and overlay boxes, from each page's viewport at scale 1.
  useEffect(() => {
    let live = true;
    (async () => {
      const out: PageBox[] = [];
      for (let i = 1; i <= doc.numPages; i++) {
        const page = await doc.getPage(i);
        const vp = page.getViewport({ scale: 1 });
        const map = new Map<string, [number, number, number, number]>();
        for (const o of overlays.filter((x) => x.page === i)) {
          const [x1, y1, x2, y2] = vp.convertToViewportRectangle([o.rect.x, o.rect.y, o.rect.x + o.rect.w, o.rect.y + o.rect.h]);
          const left = Math.min(x1, x2), top = Math.min(y1, y2);
          map.set(o.id, [left / vp.width, top / vp.height, Math.abs(x2 - x1) / vp.width, Math.abs(y2 - y1) / vp.height]);
        }
        out.push({ width: vp.width, height: vp.height, transform: [...vp.transform], boxes: map });
      }
      if (live) setBoxes(out);
    })().catch(() => undefined);
    return () => { live = false; };
  }, [doc, overlayKey]);

  // Fit width: the widest page fills the column, and keeps doing so when the column resizes.
  useLayoutEffect(() => {
    if (!fit || !boxes || !wrap.current) return;
    const el = wrap.current;
    const apply = () => {
      const avail = el.clientWidth - 16;
      const widest = Math.max(...boxes.map((b) => b.width));
      if (avail > 0 && widest > 0) setScale(Math.min(4, Math.max(0.25, avail / widest)));
    };
    apply();
    const ro = new ResizeObserver(apply);
    ro.observe(el);
    return () => ro.disconnect();
  }, [fit, boxes]);

  // Which pages are near the screen (drawn), and which one is mostly on it (the indicator).
  useEffect(() => {
    if (!boxes) return;
    const ratios = new Map<number, number>();
    const near = new IntersectionObserver((entries) => {
      setVisible((prev) => {
        const next = new Set(prev);
        for (const e of entries) {
          const n = Number((e.target as HTMLElement).dataset.page);
          if (e.isIntersecting) next.add(n);
          else next.delete(n);
        }
        return next;
      });
    }, { rootMargin: '150% 0px' });
    const onScreen = new IntersectionObserver((entries) => {
      for (const e of entries) ratios.set(Number((e.target as HTMLElement).dataset.page), e.intersectionRatio);
      let best = 0, page = 1;
      for (const [n, r] of ratios) if (r > best) { best = r; page = n; }
      if (best > 0) setCurrent(page);
    }, { threshold: [0, 0.25, 0.5, 0.75, 1] });
    for (const el of pagesRef.current) if (el) { near.observe(el); onScreen.observe(el); }
    return () => { near.disconnect(); onScreen.disconnect(); };
  }, [boxes]);

  useEffect(() => props.onPageChange?.(current), [current]);

  useEffect(() => {
    if (!props.focus || !boxes) return;
    const id = props.focus.id;
    // The overlay exists once the pages are laid out at the current scale.
    const raf = requestAnimationFrame(() => {
      const el = wrap.current?.querySelector<HTMLElement>(`[data-overlay="${CSS.escape(id)}"]`);
      if (!el) return;
      const reduce = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
      el.scrollIntoView({ block: 'center', inline: 'center', behavior: reduce ? 'auto' : 'smooth' });
      el.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(raf);
  }, [props.focus?.seq, props.focus?.id, boxes]);

  const zoom = (dir: 1 | -1) => {
    const i = ZOOMS.findIndex((z) => z >= scale - 1e-6);
    const idx = dir > 0 ? (ZOOMS[i] > scale + 1e-6 ? i : i + 1) : (i <= 0 ? 0 : i - 1);
    setFit(false);
    setScale(ZOOMS[Math.max(0, Math.min(ZOOMS.length - 1, idx < 0 ? ZOOMS.length - 1 : idx))]);
  };

  const pages = doc.numPages;
  return (
    <div class="pdf-viewer">
      <div class="pdf-toolbar" role="toolbar" aria-label={t('viewer.toolbar')}>
        <span class="pdf-page-indicator" aria-live="polite">{t('viewer.pageOf', { page: current, pages })}</span>
        <span class="pdf-toolbar-spacer" />
        <Button kind="ghost" size="icon" label={t('viewer.zoomOut')} disabled={scale <= ZOOMS[0] + 1e-6} onClick={() => zoom(-1)}><IconMinus /></Button>
        <span class="pdf-zoom" aria-label={t('viewer.zoomLevel', { percent: Math.round(scale * 100) })}>{Math.round(scale * 100)}%</span>
        <Button kind="ghost" size="icon" label={t('viewer.zoomIn')} disabled={scale >= ZOOMS[ZOOMS.length - 1] - 1e-6} onClick={() => zoom(1)}><IconPlus /></Button>
        <Button kind="ghost" size="icon" label={t('viewer.fitWidth')} pressed={fit} onClick={() => setFit(true)}><IconFitWidth /></Button>
      </div>
      <div class="pdf-pages" ref={wrap}>
        {!boxes && <p class="pdf-loading" role="status">{t('viewer.loading')}</p>}
        {boxes?.map((b, i) => (
          <div
            key={i}
            ref={(el) => { pagesRef.current[i] = el; }}
            class="pdf-page"
            data-page={i + 1}
            role="group"
            aria-label={`${props.name} · ${t('viewer.pageLabel', { page: i + 1, pages })}`}
            style={{ width: `${Math.round(b.width * scale)}px`, height: `${Math.round(b.height * scale)}px` }}
          >
            <PageCanvas doc={doc} page={i + 1} scale={scale} show={visible.has(i + 1)} />
            {props.layer?.({ page: i + 1, width: b.width, height: b.height, transform: b.transform, scale })}
            {overlays.filter((o) => o.page === i + 1 && b.boxes.has(o.id)).map((o) => {
              const [l, tp, w, h] = b.boxes.get(o.id)!;
              return (
                <button
                  key={o.id}
                  type="button"
                  data-overlay={o.id}
                  class={`pdf-overlay pdf-overlay-${o.kind ?? 'signature'} is-${o.state ?? 'todo'}${props.activeOverlay === o.id ? ' is-active' : ''}`}
                  style={{ left: `${l * 100}%`, top: `${tp * 100}%`, width: `${w * 100}%`, height: `${h * 100}%` }}
                  aria-label={o.label}
                  onClick={o.onActivate}
                >
                  {o.content}
                </button>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

/** One page's canvas: drawn while `show`, released otherwise, redrawn when the scale changes. */
function PageCanvas(props: { doc: PDFDocumentProxy; page: number; scale: number; show: boolean }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    const canvas = ref.current!;
    if (!props.show) {
      // Free the bitmap of a page far from the screen.
      canvas.width = 0;
      canvas.height = 0;
      setDrawn(false);
      return;
    }
    let task: RenderTask | undefined;
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const page: PDFPageProxy = await props.doc.getPage(props.page);
        if (cancelled) return;
        const dpr = Math.min(MAX_DPR, window.devicePixelRatio || 1);
        const vp = page.getViewport({ scale: props.scale * dpr });
        const off = document.createElement('canvas');
        off.width = Math.ceil(vp.width);
        off.height = Math.ceil(vp.height);
        task = page.render({ canvas: off, viewport: vp });
        await task.promise;
        if (cancelled) return;
        // Swap in the finished bitmap at once, so zooming never shows a blank page.
        canvas.width = off.width;
        canvas.height = off.height;
        canvas.getContext('2d')!.drawImage(off, 0, 0);
        off.width = 0;
        setDrawn(true);
      } catch {
        // A cancelled render (zoom, scroll away) is expected.
      }
    }, 30);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      task?.cancel();
    };
  }, [props.doc, props.page, props.scale, props.show]);
  return <canvas ref={ref} class={`pdf-canvas${drawn ? ' is-drawn' : ''}`} aria-hidden="true" />;
}
