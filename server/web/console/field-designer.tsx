/**
 * The field designer: a palette of field kinds (signature, seal, date, text) that are DRAGGED onto
 * the pages of a PDF shown by the shared viewer (pointer events: mouse, pen and touch alike), and
 * the placed fields, which can be dragged again, nudged with the arrow keys and removed. A drop
 * position on the displayed page becomes a rectangle in PDF user space (points, origin bottom-left,
 * as `POST /contracts` and `TemplateDefinition` take it) through the page's viewport transform
 * (`pdf-geometry.ts`), so rotated pages and offset media boxes land where they are shown.
 * Keyboard users press a palette button instead of dragging: the field goes to the middle of the
 * page on screen, and the arrow keys move it from there.
 */
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { useI18n } from '../shared/i18n.js';
import type { PageLayerInfo } from '../shared/pdf-viewer.js';
import { PdfViewer } from '../shared/pdf-viewer.js';
import type { PDFDocumentProxy } from '../shared/pdfjs.js';
import type { Key } from './console-ui.js';
import { boxAround, clampBox, pdfRectToViewBox, viewBoxToPdfRect, type PdfRect } from './pdf-geometry.js';

/** What a field is. */
export type FieldKind = 'signature' | 'seal' | 'date' | 'text';

/** A field placed on a page. */
export interface PlacedField {
  id: string;
  kind: FieldKind;
  /** 1-based page. */
  page: number;
  /** PDF user space, points, origin bottom-left. */
  rect: PdfRect;
  /** Who it belongs to (a signer's index in the send form, or a template role). */
  owner: string;
  /** A template field's name (its variable). */
  name?: string;
  /** A text field's prompt (what the signer fills in, e.g. 身份证号). */
  label?: string;
  /** Whether the signer must fill a text field. */
  required?: boolean;
}

/** Default sizes in points: a signature 150 × 50, a seal 40 mm (113 pt), a date and a text line. */
export const FIELD_SIZE: Record<FieldKind, { w: number; h: number }> = {
  signature: { w: 150, h: 50 },
  seal: { w: 113, h: 113 },
  date: { w: 120, h: 24 },
  text: { w: 160, h: 24 },
};

let seq = 0;
/** A new field id. */
export const newFieldId = () => `f${Date.now().toString(36)}${(seq++).toString(36)}`;

interface Drag {
  /** A palette kind being dropped, or a placed field being moved. */
  kind: FieldKind;
  fieldId?: string;
  pointerId: number;
  x: number;
  y: number;
  /** Where the pointer grabbed a placed field, in CSS px from its top-left. */
  grabX: number;
  grabY: number;
  moved: boolean;
}

/** The designer: the palette above the viewer, the fields over its pages. */
export function FieldDesigner(props: {
  doc: PDFDocumentProxy;
  name: string;
  kinds: readonly FieldKind[];
  fields: readonly PlacedField[];
  onChange: (fields: PlacedField[]) => void;
  /** The owner new fields get (the selected signer or role). */
  owner: string;
  /** The text inside a placed field. */
  labelOf: (f: PlacedField) => string;
  /** Above the palette (the owner picker). */
  toolbar?: ComponentChildren;
}) {
  const { t } = useI18n<Key>();
  const infos = useRef(new Map<number, PageLayerInfo>());
  const [drag, setDrag] = useState<Drag | undefined>();
  const [current, setCurrent] = useState(1);
  const [announce, setAnnounce] = useState('');
  const root = useRef<HTMLDivElement>(null);
  const fieldsRef = useRef(props.fields);
  fieldsRef.current = props.fields;

  const kindName = (k: FieldKind) => t(`field.${k}` as Key);

  /** The page under a viewport point and the point on it at scale 1, if any. */
  const pageAt = (clientX: number, clientY: number): { page: number; x: number; y: number; info: PageLayerInfo } | undefined => {
    const pages = root.current?.querySelectorAll<HTMLElement>('.pdf-page') ?? [];
    for (const el of pages) {
      const r = el.getBoundingClientRect();
      if (clientX < r.left || clientX > r.right || clientY < r.top || clientY > r.bottom) continue;
      const page = Number(el.dataset.page);
      const info = infos.current.get(page);
      if (!info) return undefined;
      return { page, x: (clientX - r.left) / info.scale, y: (clientY - r.top) / info.scale, info };
    }
    return undefined;
  };

  const place = (kind: FieldKind, page: number, cx: number, cy: number, info: PageLayerInfo, fieldId?: string) => {
    const size = FIELD_SIZE[kind];
    const existing = fieldId ? fieldsRef.current.find((f) => f.id === fieldId) : undefined;
    const shown = existing ? pdfRectToViewBox(info.transform, existing.rect) : { width: size.w, height: size.h };
    const box = boxAround(cx, cy, shown.width, shown.height, info.width, info.height);
    const rect = viewBoxToPdfRect(info.transform, box);
    if (existing) {
      props.onChange(fieldsRef.current.map((f) => (f.id === fieldId ? { ...f, page, rect } : f)));
      setAnnounce(t('designer.moved', { kind: kindName(kind), page }));
    } else {
      props.onChange([...fieldsRef.current, { id: newFieldId(), kind, page, rect, owner: props.owner }]);
      setAnnounce(t('designer.placed', { kind: kindName(kind), page }));
    }
  };

  const onPalettePointerDown = (kind: FieldKind) => (e: PointerEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    const s = FIELD_SIZE[kind];
    setDrag({ kind, pointerId: e.pointerId, x: e.clientX, y: e.clientY, grabX: s.w / 2, grabY: s.h / 2, moved: false });
  };

  const onFieldPointerDown = (f: PlacedField) => (e: PointerEvent) => {
    if (e.button !== 0 || (e.target as HTMLElement).closest('.field-remove')) return;
    e.preventDefault();
    e.stopPropagation();
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    setDrag({ kind: f.kind, fieldId: f.id, pointerId: e.pointerId, x: e.clientX, y: e.clientY, grabX: e.clientX - r.left, grabY: e.clientY - r.top, moved: false });
  };

  const onPointerMove = (e: PointerEvent) => {
    if (!drag || e.pointerId !== drag.pointerId) return;
    e.preventDefault();
    setDrag({ ...drag, x: e.clientX, y: e.clientY, moved: drag.moved || Math.hypot(e.clientX - drag.x, e.clientY - drag.y) > 3 });
  };

  const onPointerUp = (e: PointerEvent) => {
    if (!drag || e.pointerId !== drag.pointerId) return;
    const d = drag;
    setDrag(undefined);
    if (!d.moved) {
      // A tap on a palette button places the field on the page in view (as the keyboard does).
      if (!d.fieldId) placeInView(d.kind);
      return;
    }
    const hit = pageAt(e.clientX, e.clientY);
    if (!hit) {
      setAnnounce(t('designer.missed'));
      return;
    }
    // The centre of the dragged box, where the ghost showed it.
    const info = hit.info;
    const existing = d.fieldId ? fieldsRef.current.find((f) => f.id === d.fieldId) : undefined;
    const shown = existing ? pdfRectToViewBox(info.transform, existing.rect) : { width: FIELD_SIZE[d.kind].w, height: FIELD_SIZE[d.kind].h };
    const grabX = existing ? d.grabX / info.scale : shown.width / 2;
    const grabY = existing ? d.grabY / info.scale : shown.height / 2;
    place(d.kind, hit.page, hit.x - grabX + shown.width / 2, hit.y - grabY + shown.height / 2, info, d.fieldId);
  };

  const placeInView = (kind: FieldKind) => {
    const info = infos.current.get(current) ?? infos.current.get(1);
    if (!info) return;
    const el = root.current?.querySelector<HTMLElement>(`.pdf-page[data-page="${info.page}"]`);
    let cy = info.height / 2;
    if (el) {
      const r = el.getBoundingClientRect();
      const mid = (Math.max(r.top, 0) + Math.min(r.bottom, window.innerHeight)) / 2;
      cy = Math.min(info.height, Math.max(0, (mid - r.top) / info.scale));
    }
    place(kind, info.page, info.width / 2, cy, info);
  };

  const nudge = (f: PlacedField, dx: number, dy: number) => {
    const info = infos.current.get(f.page);
    if (!info) return;
    const box = pdfRectToViewBox(info.transform, f.rect);
    const moved = clampBox({ ...box, left: box.left + dx, top: box.top + dy }, info.width, info.height);
    props.onChange(fieldsRef.current.map((x) => (x.id === f.id ? { ...x, rect: viewBoxToPdfRect(info.transform, moved) } : x)));
  };

  const remove = (f: PlacedField) => {
    props.onChange(fieldsRef.current.filter((x) => x.id !== f.id));
    setAnnounce(t('designer.removed', { kind: kindName(f.kind) }));
  };

  const layer = (info: PageLayerInfo) => {
    infos.current.set(info.page, info);
    const mine = props.fields.filter((f) => f.page === info.page);
    return (
      <div class="designer-layer">
        {mine.map((f) => {
          const b = pdfRectToViewBox(info.transform, f.rect);
          const label = props.labelOf(f);
          return (
            <div
              key={f.id}
              class={`placed-field placed-${f.kind}${drag?.fieldId === f.id && drag.moved ? ' is-dragging' : ''}`}
              data-field={f.id}
              data-kind={f.kind}
              data-owner={f.owner}
              role="button"
              tabIndex={0}
              aria-label={t('designer.fieldLabel', { label, page: f.page })}
              aria-roledescription={t('designer.roleDescription')}
              style={{ left: `${b.left * info.scale}px`, top: `${b.top * info.scale}px`, width: `${b.width * info.scale}px`, height: `${b.height * info.scale}px` }}
              onPointerDown={onFieldPointerDown(f)}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={() => setDrag(undefined)}
              onKeyDown={(e) => {
                const step = e.shiftKey ? 20 : 4;
                const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
                if (moves[e.key]) {
                  e.preventDefault();
                  nudge(f, ...moves[e.key]);
                } else if (e.key === 'Delete' || e.key === 'Backspace') {
                  e.preventDefault();
                  remove(f);
                }
              }}
            >
              <span class="placed-text">{label}</span>
              <button type="button" class="field-remove" aria-label={t('designer.remove', { label })} title={t('designer.remove', { label })} onClick={() => remove(f)}>×</button>
            </div>
          );
        })}
      </div>
    );
  };

  const ghost = drag && drag.moved && !drag.fieldId ? drag : undefined;
  return (
    <div class="designer" ref={root}>
      <div class="designer-bar">
        {props.toolbar}
        <div class="palette" role="group" aria-label={t('designer.palette')}>
          {props.kinds.map((k) => (
            <button
              key={k}
              type="button"
              class={`btn btn-secondary btn-small palette-item palette-${k}`}
              data-kind={k}
              aria-label={t('designer.add', { kind: kindName(k) })}
              title={t('designer.dragHint')}
              onPointerDown={onPalettePointerDown(k)}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={() => setDrag(undefined)}
              onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); placeInView(k); } }}
            >
              <span class={`palette-swatch swatch-${k}`} aria-hidden="true" />{kindName(k)}
            </button>
          ))}
        </div>
        <p class="hint">{t('designer.hint')}</p>
      </div>
      <PdfViewer doc={props.doc} name={props.name} layer={layer} onPageChange={setCurrent} />
      {ghost && (
        <div class={`drag-ghost placed-field placed-${ghost.kind}`} aria-hidden="true" style={{ left: `${ghost.x - ghost.grabX * (infos.current.get(current)?.scale ?? 1)}px`, top: `${ghost.y - ghost.grabY * (infos.current.get(current)?.scale ?? 1)}px`, width: `${FIELD_SIZE[ghost.kind].w * (infos.current.get(current)?.scale ?? 1)}px`, height: `${FIELD_SIZE[ghost.kind].h * (infos.current.get(current)?.scale ?? 1)}px` }}>
          <span class="placed-text">{kindName(ghost.kind)}</span>
        </div>
      )}
      <p class="visually-hidden" aria-live="polite">{announce}</p>
    </div>
  );
}
