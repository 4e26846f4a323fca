/**
 * Reads the contract: one tab per document of a bundle, each document fetched (with the link's
 * Authorization header) and opened with pdf.js on first view, then kept; the viewer shows every
 * page with the signer's own fields highlighted.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../shared/api-client.js';
import { Notice } from '../shared/components.js';
import { useI18n } from '../shared/i18n.js';
import type { LinkApi, LinkPageView } from '../shared/link-api.js';
import { PdfViewer, type OverlayFocus, type PdfOverlay } from '../shared/pdf-viewer.js';
import { openPdf, type PDFDocumentProxy } from '../shared/pdfjs.js';
import type { SharedKey } from '../shared/strings.js';
import type { SignKey } from './sign-strings.js';

type Key = SharedKey | SignKey;

type Loaded = { state: 'loading' } | { state: 'ready'; doc: PDFDocumentProxy } | { state: 'failed'; message: string };

/** The documents of the contract as tabs over the viewer. */
export function DocumentReader(props: {
  api: LinkApi;
  documents: LinkPageView['contract']['documents'];
  active: string;
  onSelect: (docId: string) => void;
  overlays?: readonly PdfOverlay[];
  /** The field "next field" last went to (highlighted). */
  activeOverlay?: string;
  focus?: OverlayFocus;
}) {
  const { t, lang } = useI18n<Key>();
  const cache = useRef(new Map<string, Promise<PDFDocumentProxy>>());
  const [loaded, setLoaded] = useState<Record<string, Loaded>>({});
  const docs = props.documents;
  const active = docs.find((d) => d.id === props.active) ?? docs[0];
  // A new revision (after a signature) has a new hash, so it is fetched again.
  const key = (d: { id: string; sha256: string }) => `${d.id}:${d.sha256}`;

  useEffect(() => {
    if (!active) return;
    const k = key(active);
    let p = cache.current.get(k);
    if (!p) {
      p = props.api.document(active.id).then((bytes) => openPdf(bytes));
      cache.current.set(k, p);
      p.catch(() => cache.current.delete(k));
    }
    let live = true;
    if (!loaded[k] || loaded[k].state === 'failed') setLoaded((l) => ({ ...l, [k]: { state: 'loading' } }));
    p.then(
      (doc) => { if (live) setLoaded((l) => ({ ...l, [k]: { state: 'ready', doc } })); },
      (e: unknown) => { if (live) setLoaded((l) => ({ ...l, [k]: { state: 'failed', message: errorText(e, t, lang) } })); },
    );
    return () => { live = false; };
  }, [active?.id, active?.sha256]);

  const onTabKey = (e: KeyboardEvent) => {
    const i = docs.findIndex((d) => d.id === active.id);
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % docs.length;
    else if (e.key === 'ArrowLeft') j = (i - 1 + docs.length) % docs.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = docs.length - 1;
    if (j < 0) return;
    e.preventDefault();
    props.onSelect(docs[j].id);
    requestAnimationFrame(() => document.getElementById(`doc-tab-${docs[j].id}`)?.focus());
  };

  if (!active) return null;
  const state = loaded[key(active)] ?? { state: 'loading' };
  const mine = (docId: string) => (props.overlays ?? []).filter((o) => o.id.startsWith(`${docId}:`)).length;
  return (
    <section class="reader" aria-label={t('sign.documents')}>
      {docs.length > 1 && (
        <div class="tabs" role="tablist" aria-label={t('sign.documents')} onKeyDown={onTabKey}>
          {docs.map((d) => (
            <button
              key={d.id}
              id={`doc-tab-${d.id}`}
              type="button"
              role="tab"
              class="tab"
              aria-selected={d.id === active.id}
              aria-controls={`doc-panel-${d.id}`}
              tabIndex={d.id === active.id ? 0 : -1}
              onClick={() => props.onSelect(d.id)}
            >
              {t('sign.docTab', { name: d.name, pages: d.pages })}
              {mine(d.id) > 0 && <span class="tab-dot" aria-hidden="true" />}
            </button>
          ))}
        </div>
      )}
      <div id={`doc-panel-${active.id}`} role={docs.length > 1 ? 'tabpanel' : undefined} aria-labelledby={docs.length > 1 ? `doc-tab-${active.id}` : undefined}>
        {state.state === 'loading' && <p class="reader-loading" role="status"><span class="boot-spinner" aria-hidden="true" />{t('sign.docLoading', { name: active.name })}</p>}
        {state.state === 'failed' && <div class="reader-failed"><Notice tone="bad" alert>{t('sign.docFailed', { name: active.name, message: state.message })}</Notice></div>}
        {state.state === 'ready' && (
          <PdfViewer
            key={key(active)}
            doc={state.doc}
            name={active.name}
            overlays={(props.overlays ?? []).filter((o) => o.id.startsWith(`${active.id}:`))}
            activeOverlay={props.activeOverlay}
            focus={props.focus && props.focus.id.startsWith(`${active.id}:`) ? props.focus : undefined}
          />
        )}
      </div>
    </section>
  );
}
