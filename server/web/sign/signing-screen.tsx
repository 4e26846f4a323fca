/**
 * The signer's working screen: who invites them and by when, the signers, the contract to read
 * (every page of every document, their own fields highlighted), "next field" navigation, and the
 * two decisions — sign (through the signing sheet) or reject with a reason.
 */
import { useMemo, useState } from 'preact/hooks';
import { errorText } from '../shared/api-client.js';
import { Button, Dialog, Field, describedBy } from '../shared/components.js';
import { formatTime, useI18n } from '../shared/i18n.js';
import { IconNext, IconPen } from '../shared/icons.js';
import { inkImage, type InkStroke } from '../shared/ink.js';
import type { LinkApi, LinkPageView } from '../shared/link-api.js';
import type { OverlayFocus, PdfOverlay } from '../shared/pdf-viewer.js';
import type { SharedKey } from '../shared/strings.js';
import { DocumentReader } from './document-reader.js';
import { SignSheet, type SheetStep } from './sign-sheet.js';
import type { SignKey } from './sign-strings.js';
import { SignerList } from './status-screens.js';

type Key = SharedKey | SignKey;

/** The fields of mine that have a place on a page, in reading order (document, page, top to bottom). */
export function placedFields(view: LinkPageView): PlacedField[] {
  const order = new Map(view.contract.documents.map((d, i) => [d.id, i]));
  return view.me.fields
    .filter((f): f is typeof f & { rect: { x: number; y: number; w: number; h: number } } => !!f.rect && typeof f.rect.x === 'number')
    .map((f, i) => ({ id: `${f.doc}:${i}`, doc: f.doc, page: f.page, rect: f.rect, kind: f.kind, name: f.name, label: f.label, required: f.required }))
    .sort((a, b) => (order.get(a.doc)! - order.get(b.doc)!) || a.page - b.page || b.rect.y - a.rect.y);
}

/** One of my fields with a place on a page: a signature or seal, or a date or text I fill. */
export interface PlacedField {
  id: string;
  doc: string;
  page: number;
  rect: { x: number; y: number; w: number; h: number };
  kind: 'signature' | 'seal' | 'date' | 'text';
  name?: string;
  label?: string;
  required?: boolean;
}

/** Today as the core fills a date field: YYYY-MM-DD in China Standard Time. */
function signingDate(): string {
  const cst = new Date(Date.now() + 8 * 3600_000);
  return `${cst.getUTCFullYear()}-${String(cst.getUTCMonth() + 1).padStart(2, '0')}-${String(cst.getUTCDate()).padStart(2, '0')}`;
}

/** Now as the core prints it in a signature widget (`2025-01-15 14:30:05 +08:00`), in the reader's zone. */
function widgetTime(): string {
  const d = new Date();
  const off = -d.getTimezoneOffset();
  const p = (n: number) => String(Math.abs(Math.trunc(n))).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${off >= 0 ? '+' : '-'}${p(off / 60)}:${p(off % 60)}`;
}

/** The screen. */
export function SigningScreen(props: { api: LinkApi; view: LinkPageView; onView: (v: LinkPageView) => void; reload: () => Promise<LinkPageView> }) {
  const { t, lang } = useI18n<Key>();
  const { view } = props;
  const c = view.contract;
  const fields = useMemo(() => placedFields(view), [view]);
  const [doc, setDoc] = useState(fields[0]?.doc ?? c.documents[0]?.id);
  const [cursor, setCursor] = useState(-1);
  const [focus, setFocus] = useState<OverlayFocus | undefined>();
  const [strokes, setStrokes] = useState<InkStroke[]>([]);
  const [sheet, setSheet] = useState<SheetStep | 'open' | undefined>();
  const [rejecting, setRejecting] = useState(false);
  const texts = useMemo(() => fields.filter((f) => f.kind === 'text' && f.name), [fields]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [fillError, setFillError] = useState<string | undefined>();
  const textLabel = (f: PlacedField) => f.label ?? t('sign.field.text');
  const openSheet = (start?: SheetStep) => {
    const missing = texts.filter((f) => f.required !== false && !(values[f.name!] ?? '').trim());
    if (missing.length) {
      setFillError(t('sign.fill.missing', { names: missing.map(textLabel).join('、') }));
      document.getElementById(`fill-${missing[0].name}`)?.focus();
      return;
    }
    setFillError(undefined);
    setSheet(start ?? 'open');
  };
  const org = view.me.kind === 'organization';
  const canSign = view.actions.includes('sign');
  const canReject = view.actions.includes('reject');

  // The core's appearance (SignatureAppearance): the ink in a square at the left, with the signer's
  // name, the time and "签署 Signed" beside it when the field is at least 1.8 times as wide as high.
  const preview = useMemo(() => (strokes.length ? { square: inkImage(strokes, 160, 160, 2), wide: inkImage(strokes, 300, 120, 2) } : undefined), [strokes]);
  const inkIn = (rect: { w: number; h: number }) => {
    if (!preview) return undefined;
    if (rect.w < 1.8 * rect.h) return <img class="ink-preview" src={preview.wide} alt="" />;
    const left = Math.min(rect.h / rect.w, 0.5) * 100;
    return (
      <span class="ink-field" style={{ gridTemplateColumns: `${left}% 1fr` }}>
        <img class="ink-preview" src={preview.square} alt="" />
        <span class="ink-text"><span>{view.me.name}</span><span>{widgetTime()}</span><span>签署 Signed</span></span>
      </span>
    );
  };

  const goTo = (i: number) => {
    const f = fields[i];
    if (!f) return;
    setCursor(i);
    setDoc(f.doc);
    setFocus({ id: f.id, seq: Date.now() });
  };
  const nextField = () => goTo((cursor + 1) % fields.length);

  const kindName = (k: PlacedField['kind']) => t(k === 'seal' ? 'sign.field.seal' : k === 'date' ? 'sign.field.date' : k === 'text' ? 'sign.field.text' : 'sign.field.signature');
  const fillOverlay = (f: PlacedField, i: number): PdfOverlay => {
    const v = f.name ? (values[f.name] ?? '').trim() : '';
    return {
      id: f.id,
      page: f.page,
      rect: f.rect,
      kind: 'text',
      state: f.kind === 'date' || v ? 'done' : 'todo',
      label: `${f.kind === 'date' ? kindName('date') : textLabel(f)} ${i + 1}/${fields.length}`,
      content: <span class="overlay-hint">{f.kind === 'date' ? signingDate() : v || textLabel(f)}</span>,
      onActivate: f.kind === 'text' && canSign ? () => { setCursor(i); document.getElementById(`fill-${f.name}`)?.focus(); } : undefined,
    };
  };
  const overlays: PdfOverlay[] = fields.map((f, i) => f.kind === 'date' || f.kind === 'text' ? fillOverlay(f, i) : ({
    id: f.id,
    page: f.page,
    rect: f.rect,
    kind: f.kind,
    state: f.kind === 'signature' && preview ? 'done' : 'todo',
    label: t(f.kind === 'signature' && preview ? 'sign.field.labelDone' : 'sign.field.label', { kind: kindName(f.kind), n: i + 1, total: fields.length, page: f.page }),
    content: f.kind === 'signature' && preview
      ? inkIn(f.rect)
      : <span class="overlay-hint">{f.kind === 'seal' ? t('sign.field.sealHint') : <><IconPen />{t('sign.field.tap')}</>}</span>,
    onActivate: canSign ? () => { setCursor(i); openSheet(f.kind === 'signature' && !org ? 'handwriting' : undefined); } : undefined,
  }));

  const sender = c.sender.enterpriseName ?? c.sender.name ?? t('sign.unknownSender');
  return (
    <>
      <section class="card intro" aria-labelledby="contract-title">
        <div class="card-body">
          <p class="intro-from">{t('sign.invitedBy', { sender })}</p>
          <h2 id="contract-title" class="intro-title">{c.title}</h2>
          <p class="intro-meta">
            {t(fields.length ? 'sign.summary' : 'sign.summaryNoFields', { docs: c.documents.length, fields: fields.length })}
            {c.deadline && <><br />{t('sign.deadline', { time: formatTime(c.deadline, lang) })}</>}
          </p>
          <details class="intro-signers">
            <summary>{t('sign.signers', { count: view.others.length + 1 })}</summary>
            <SignerList view={view} />
          </details>
        </div>
      </section>
      {fields.length === 0 && <p class="reader-note hint">{t('sign.noFieldsHint')}</p>}
      {canSign && texts.length > 0 && (
        <section class="card fill-card" aria-labelledby="fill-title">
          <div class="card-body">
            <h2 id="fill-title" class="card-title">{t('sign.fill.title')}</h2>
            <p class="hint">{t('sign.fill.intro')}</p>
            {texts.map((f) => (
              <Field key={f.name} id={`fill-${f.name}`} label={<>{textLabel(f)}{f.required !== false && <span class="req">{t('sign.fill.required')}</span>}</>}>
                <input id={`fill-${f.name}`} class="input" maxLength={200} value={values[f.name!] ?? ''} required={f.required !== false}
                  aria-invalid={fillError && f.required !== false && !(values[f.name!] ?? '').trim() ? 'true' : undefined}
                  onInput={(e) => { const v = (e.currentTarget as HTMLInputElement).value; setValues((old) => ({ ...old, [f.name!]: v })); setFillError(undefined); }} />
              </Field>
            ))}
            {fillError && <p class="field-error" role="alert">{fillError}</p>}
          </div>
        </section>
      )}
      <DocumentReader api={props.api} documents={c.documents} active={doc} onSelect={setDoc} overlays={overlays} activeOverlay={fields[cursor]?.id} focus={focus} />
      <div class="action-bar" role="group" aria-label={t('sign.actions')}>
        {canReject && <Button kind="danger" onClick={() => setRejecting(true)}>{t('sign.reject')}</Button>}
        {fields.length > 0 && (
          <Button kind="secondary" label={t('sign.nextField', { n: ((cursor + 1) % fields.length) + 1, total: fields.length })} onClick={nextField}>
            <IconNext />{t('sign.next')} <span class="count">{((cursor + 1) % fields.length) + 1}/{fields.length}</span>
          </Button>
        )}
        {canSign && <Button kind="primary" onClick={() => openSheet()}><IconPen />{org ? t('sign.seal') : t('sign.sign')}</Button>}
      </div>
      {sheet && (
        <SignSheet
          api={props.api}
          view={view}
          strokes={strokes}
          onStrokes={setStrokes}
          values={Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v))}
          start={sheet === 'open' ? undefined : sheet}
          onClose={() => setSheet(undefined)}
          onSigned={(v) => { setSheet(undefined); props.onView(v); }}
          onIdentityPassed={async () => {
            const v = await props.reload();
            return v;
          }}
        />
      )}
      {rejecting && <RejectDialog api={props.api} onClose={() => setRejecting(false)} onRejected={(v) => { setRejecting(false); props.onView(v); }} />}
    </>
  );
}

function RejectDialog(props: { api: LinkApi; onClose: () => void; onRejected: (v: LinkPageView) => void }) {
  const { t, lang } = useI18n<Key>();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (!reason.trim()) return setError(t('sign.rejectDialog.reasonRequired'));
    setBusy(true);
    try {
      props.onRejected(await props.api.reject(reason.trim()));
    } catch (e) {
      setError(errorText(e, t, lang));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={t('sign.rejectDialog.title')}
      onClose={busy ? undefined : props.onClose}
      describedBy="reject-intro"
      initialFocus="#reject-reason"
      footer={<>
        <Button kind="secondary" disabled={busy} onClick={props.onClose}>{t('common.cancel')}</Button>
        <Button kind="danger-solid" busy={busy} onClick={() => void submit()}>{t('sign.rejectDialog.confirm')}</Button>
      </>}
    >
      <p id="reject-intro" class="step-intro">{t('sign.rejectDialog.intro')}</p>
      <Field id="reject-reason" label={t('sign.rejectDialog.reason')} hint={t('sign.rejectDialog.reasonHint')} error={error}>
        <textarea id="reject-reason" class="input" maxLength={500} value={reason} aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy('reject-reason', { hint: true, error })}
          onInput={(e) => { setReason((e.currentTarget as HTMLTextAreaElement).value); setError(undefined); }} />
      </Field>
    </Dialog>
  );
}
