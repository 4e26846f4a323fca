/**
 * The contract lists (待我签署, 待企业签署, 待他人签署, inbox, outbox, drafts, deadline near,
 * expiry near, all), each with its count; filters by title, sender, signer, status and label;
 * rows selected for batch actions (remind, download, label); and the contract detail: its
 * documents in the pdf.js viewer, the signers with their statuses, the audit timeline and the
 * actions the API says the state allows.
 */
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/api-client.js';
import { Button, Field, Notice, saveBytes, useToast } from '../shared/components.js';
import { formatTime, useI18n } from '../shared/i18n.js';
import { IconDownload } from '../shared/icons.js';
import { PdfViewer } from '../shared/pdf-viewer.js';
import { openPdf, type PDFDocumentProxy } from '../shared/pdfjs.js';
import { BOXES, type AuditEventView, type Box, type ContractQuery, type ContractState, type ContractSummary, type ContractView } from './console-api.js';
import { EmptyState, LoadView, PageHeader, ReasonDialog, Section, SignerBadge, StateBadge, fromLocalInput, toLocalInput, useConsole, useLoad, type Key } from './console-ui.js';
import { Link, consolePath, useRouter } from './router.js';

const STATES: readonly ContractState[] = ['draft', 'signing', 'completed', 'rejected', 'revoked', 'expired', 'invalidated'];

/** The list screen: boxes, filters, rows, batch actions. */
export function ContractList() {
  const { t, lang } = useI18n<Key>();
  const { api, counts, refreshCounts } = useConsole();
  const { route, navigate } = useRouter();
  const toast = useToast();
  const box = (BOXES.includes(route.query.get('box') as Box) ? route.query.get('box') : 'todo') as Box;
  const q: ContractQuery = {
    box,
    title: route.query.get('title') ?? undefined,
    sender: route.query.get('sender') ?? undefined,
    signer: route.query.get('signer') ?? undefined,
    status: (route.query.get('status') as ContractState | null) ?? undefined,
    label: route.query.get('label') ?? undefined,
    limit: 50,
  };
  const key = JSON.stringify(q);
  const list = useLoad((signal) => api.contracts(q, signal), [key]);
  const labels = useLoad(() => api.labels(), [key]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState<string | undefined>();
  const [labelDialog, setLabelDialog] = useState(false);
  useEffect(() => setSelected(new Set()), [key]);
  useEffect(refreshCounts, [key]);

  const filters = { title: q.title ?? '', sender: q.sender ?? '', signer: q.signer ?? '', status: q.status ?? '', label: q.label ?? '' };
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [key]);
  const apply = (e: Event) => {
    e.preventDefault();
    navigate(consolePath(['contracts'], { box, ...draft }));
  };

  const items = list.loaded.state === 'ready' ? list.loaded.data.items : [];
  const toggle = (id: string) => setSelected((s) => {
    const n = new Set(s);
    if (n.has(id)) n.delete(id);
    else n.add(id);
    return n;
  });
  const allSelected = items.length > 0 && items.every((c) => selected.has(c.id));

  const batch = async (action: 'remind' | 'download' | 'label', labelsToSet?: string[]) => {
    setBusy(action);
    try {
      const res = await api.batch(action, [...selected], labelsToSet ? { labels: labelsToSet } : {});
      const ok = res.results.filter((r) => r.ok).length;
      if (action === 'download') {
        let files = 0;
        for (const r of res.results) {
          for (const d of r.documents ?? []) {
            const file = await api.downloadPath(d.path);
            saveBytes(file.bytes, file.filename ?? d.name);
            files++;
          }
        }
        toast(t('batch.downloaded', { files, skipped: res.results.length - ok }), files ? 'ok' : 'bad');
      } else {
        toast(t('batch.done', { ok, failed: res.results.length - ok }), ok === res.results.length ? 'ok' : 'bad');
      }
      list.reload();
      labels.reload();
      refreshCounts();
    } catch (err) {
      toast(errorText(err, t, lang), 'bad');
    } finally {
      setBusy(undefined);
    }
  };

  const countOf = (b: Box): number | undefined => (b === 'all' ? undefined : counts?.[b]);
  return (
    <>
      <PageHeader title={t('contracts.title')} actions={<Link class="btn btn-primary" href={consolePath(['send'])}>{t('nav.send')}</Link>} />
      <nav class="box-nav" aria-label={t('contracts.boxes')}>
        <ul>
          {BOXES.map((b) => {
            const n = countOf(b);
            return (
              <li key={b}>
                <Link href={consolePath(['contracts'], { box: b })} current={b === box} class="box-link" label={n === undefined ? t(`box.${b}` as Key) : t('box.withCount', { box: t(`box.${b}` as Key), count: n })}>
                  <span>{t(`box.${b}` as Key)}</span>{n !== undefined && <span class="count" data-box={b}>{n}</span>}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <details class="card filters" open={Object.values(filters).some(Boolean)}>
        <summary>{t('filters.title')}</summary>
        <form class="filter-grid" onSubmit={apply}>
          <Field id="f-title" label={t('filters.contractTitle')}><input id="f-title" class="input" value={draft.title} onInput={(e) => setDraft({ ...draft, title: (e.currentTarget as HTMLInputElement).value })} /></Field>
          <Field id="f-sender" label={t('filters.sender')}><input id="f-sender" class="input" value={draft.sender} onInput={(e) => setDraft({ ...draft, sender: (e.currentTarget as HTMLInputElement).value })} /></Field>
          <Field id="f-signer" label={t('filters.signer')}><input id="f-signer" class="input" value={draft.signer} onInput={(e) => setDraft({ ...draft, signer: (e.currentTarget as HTMLInputElement).value })} /></Field>
          <Field id="f-status" label={t('filters.status')}>
            <select id="f-status" class="input" value={draft.status} onChange={(e) => setDraft({ ...draft, status: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{t('filters.any')}</option>
              {STATES.map((s) => <option key={s} value={s}>{t(`state.${s}` as Key)}</option>)}
            </select>
          </Field>
          <Field id="f-label" label={t('filters.label')}>
            <select id="f-label" class="input" value={draft.label} onChange={(e) => setDraft({ ...draft, label: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{t('filters.any')}</option>
              {labels.loaded.state === 'ready' && labels.loaded.data.items.map((l) => <option key={l.label} value={l.label}>{`${l.label} (${l.count})`}</option>)}
            </select>
          </Field>
          <div class="filter-actions">
            <Button kind="primary" type="submit">{t('filters.apply')}</Button>
            <Button onClick={() => navigate(consolePath(['contracts'], { box }))}>{t('filters.clear')}</Button>
          </div>
        </form>
      </details>
      <div class="batch-bar" role="toolbar" aria-label={t('batch.toolbar')}>
        <label class="check">
          <input type="checkbox" checked={allSelected} disabled={items.length === 0} onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((c) => c.id)))} />
          <span>{t('batch.selectAll')}</span>
        </label>
        <span class="muted" aria-live="polite">{t('batch.selected', { count: selected.size })}</span>
        <Button size="small" disabled={selected.size === 0} busy={busy === 'remind'} onClick={() => void batch('remind')}>{t('batch.remind')}</Button>
        <Button size="small" disabled={selected.size === 0} busy={busy === 'download'} onClick={() => void batch('download')}>{t('batch.download')}</Button>
        <Button size="small" disabled={selected.size === 0} busy={busy === 'label'} onClick={() => setLabelDialog(true)}>{t('batch.label')}</Button>
      </div>
      <LoadView loaded={list.loaded} onRetry={list.reload}>
        {(data) => data.items.length === 0 ? <EmptyState title={t('contracts.empty')} /> : (
          <>
            <p class="muted list-total">{t('contracts.total', { total: data.total })}</p>
            <ul class="contract-rows" aria-label={t(`box.${box}` as Key)}>
              {data.items.map((c) => <ContractRow key={c.id} c={c} selected={selected.has(c.id)} onToggle={() => toggle(c.id)} />)}
            </ul>
          </>
        )}
      </LoadView>
      {labelDialog && (
        <ReasonDialog
          title={t('batch.labelTitle')}
          label={t('batch.labelInput')}
          intro={t('batch.labelIntro')}
          confirm={t('common.confirm')}
          type="text"
          onClose={() => setLabelDialog(false)}
          onSubmit={async (v) => { await batch('label', v.split(/[,，\s]+/).map((x) => x.trim()).filter(Boolean)); }}
        />
      )}
    </>
  );
}

function ContractRow(props: { c: ContractSummary; selected: boolean; onToggle: () => void }) {
  const { t, lang } = useI18n<Key>();
  const c = props.c;
  return (
    <li class={`contract-row${props.selected ? ' is-selected' : ''}`} data-contract={c.id}>
      <input type="checkbox" class="row-check" checked={props.selected} onChange={props.onToggle} aria-label={t('batch.selectOne', { title: c.title })} />
      <div class="row-main">
        <Link href={consolePath(['contracts', c.id])} class="row-title">{c.title}</Link>
        <p class="row-meta">
          <StateBadge state={c.state} />
          <span>{t('contracts.sender', { name: c.sender.name ?? c.sender.appId ?? '—' })}</span>
          <span>{formatTime(c.sentAt ?? c.createdAt, lang)}</span>
          {c.deadline && <span>{t('contracts.deadline', { time: formatTime(c.deadline, lang) })}</span>}
        </p>
        <p class="row-signers">
          {c.signers.map((s) => <span key={s.id} class="row-signer" data-signer={s.id}>{s.name} <SignerBadge state={s.state as 'unread'} /></span>)}
        </p>
        {c.labels.length > 0 && <p class="row-labels">{c.labels.map((l) => <span key={l} class="label-chip">{l}</span>)}</p>}
      </div>
    </li>
  );
}

const EVENT_KEYS: Record<string, Key> = {
  'contract.created': 'event.created', 'contract.sent': 'event.sent', 'signer.invited': 'event.invited', 'signer.read': 'event.read', 'signer.signed': 'event.signed',
  'signer.rejected': 'event.rejected', 'contract.completed': 'event.completed', 'contract.revoked': 'event.revoked', 'contract.expired': 'event.expired',
  'contract.invalidated': 'event.invalidated', 'contract.invalidation_requested': 'event.invalidationRequested', 'contract.deadline_extended': 'event.extended',
  'contract.labelled': 'event.labelled', 'contract.viewed': 'event.viewed', 'contract.previewed': 'event.previewed', 'contract.downloaded': 'event.downloaded',
  'contract.evidence_exported': 'event.evidence', 'contract.rejected': 'event.contractRejected', 'contract.reminded': 'event.reminded',
};

/**
 * Who a timeline event is about: the signer the event names (`data.signer` is the signer's id,
 * `s1`, …), by name; else a name the event carries; else the actor's name. Never the contract id.
 */
export function whoOf(c: Pick<ContractView, 'signers'>, e: Pick<AuditEventView, 'data' | 'actor'>): string {
  const signer = typeof e.data?.signer === 'string' ? c.signers.find((s) => s.id === e.data!.signer) : undefined;
  if (signer) return signer.name;
  const named = e.data?.signerName ?? e.data?.name;
  if (typeof named === 'string' && named) return named;
  return e.actor?.name ?? '';
}

/** One contract: documents, signers, timeline, actions. */
export function ContractDetail(props: { id: string }) {
  const { t, lang } = useI18n<Key>();
  const { api, refreshCounts } = useConsole();
  const toast = useToast();
  const detail = useLoad(() => api.contract(props.id), [props.id]);
  const history = useLoad(() => api.history(props.id), [props.id, detail.loaded.state === 'ready' ? detail.loaded.data.state : '']);
  const [dialog, setDialog] = useState<'revoke' | 'invalidate' | 'extend' | 'labels' | undefined>();
  const [busy, setBusy] = useState<string | undefined>();

  const run = async (name: string, fn: () => Promise<unknown>, done: string) => {
    setBusy(name);
    try {
      await fn();
      toast(done, 'ok');
      detail.reload();
      refreshCounts();
    } catch (err) {
      toast(errorText(err, t, lang), 'bad');
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <LoadView loaded={detail.loaded} onRetry={detail.reload}>
      {(c: ContractView) => {
        const can = (a: ContractView['actions'][number]) => c.actions.includes(a);
        const download = async () => {
          for (const d of c.documents) {
            const f = await api.download(c.id, d.id);
            saveBytes(f.bytes, f.filename ?? d.name);
          }
        };
        const evidence = async () => {
          const f = await api.evidence(c.id);
          saveBytes(f.bytes, f.filename ?? `${c.title}-evidence.zip`, 'application/zip');
        };
        return (
          <>
            <PageHeader
              title={c.title}
              sub={<><StateBadge state={c.state} /> <span class="muted">{t('detail.sentBy', { name: c.sender.name ?? c.sender.appId ?? '—', time: formatTime(c.sentAt ?? c.createdAt, lang) })}</span></>}
              actions={<Link href={consolePath(['contracts'])} class="btn btn-ghost btn-small">{t('common.back')}</Link>}
            />
            <div class="action-row" role="toolbar" aria-label={t('detail.actions')}>
              {can('send') && <Button kind="primary" busy={busy === 'send'} onClick={() => void run('send', () => api.send(c.id), t('detail.sent'))}>{t('action.send')}</Button>}
              {can('remind') && <Button busy={busy === 'remind'} onClick={() => void run('remind', () => api.remind(c.id), t('detail.reminded'))}>{t('action.remind')}</Button>}
              {can('extend') && <Button onClick={() => setDialog('extend')}>{t('action.extend')}</Button>}
              {can('download') && <Button busy={busy === 'download'} onClick={() => void run('download', download, t('detail.downloaded'))}><IconDownload />{t('action.download')}</Button>}
              {can('evidence') && <Button busy={busy === 'evidence'} onClick={() => void run('evidence', evidence, t('detail.evidenceSaved'))}>{t('action.evidence')}</Button>}
              {can('finish') && <Button busy={busy === 'finish'} onClick={() => void run('finish', () => api.finish(c.id), t('detail.finished'))}>{t('action.finish')}</Button>}
              <Button onClick={() => setDialog('labels')}>{t('action.labels')}</Button>
              {can('revoke') && <Button kind="danger" onClick={() => setDialog('revoke')}>{t('action.revoke')}</Button>}
              {can('invalidate') && <Button kind="danger" onClick={() => setDialog('invalidate')}>{t('action.invalidate')}</Button>}
            </div>
            {c.endReason && <Notice tone={c.state === 'completed' ? 'ok' : 'warn'}>{t('detail.endReason', { reason: c.endReason })}</Notice>}
            <div class="detail-grid">
              <Section title={t('detail.signers', { count: c.signers.length })} id="signers">
                <ol class="signer-list detail-signers">
                  {c.signers.map((s) => (
                    <li key={s.id} data-signer={s.id}>
                      <span class={`avatar${s.kind === 'organization' ? ' avatar-org' : ''}`} aria-hidden="true">{s.name.slice(0, 1)}</span>
                      <span class="who">
                        <b>{s.name}</b>
                        <small>{[s.kind === 'organization' ? t('signer.org') : t('signer.person'), c.order === 'sequential' ? t('signer.step', { step: s.step }) : '', s.account ?? ''].filter(Boolean).join(' · ')}</small>
                        {s.signedAt && <small>{t('signer.signedAt', { time: formatTime(s.signedAt, lang) })}</small>}
                        {s.rejectReason && <small class="reject-reason">{t('signer.rejectReason', { reason: s.rejectReason })}</small>}
                      </span>
                      <SignerBadge state={s.state} />
                    </li>
                  ))}
                </ol>
                <dl class="facts">
                  {c.deadline && <><dt>{t('detail.deadline')}</dt><dd>{formatTime(c.deadline, lang)}</dd></>}
                  {c.expiresAt && <><dt>{t('detail.expiresAt')}</dt><dd>{formatTime(c.expiresAt, lang)}</dd></>}
                  {c.completedAt && <><dt>{t('detail.completedAt')}</dt><dd>{formatTime(c.completedAt, lang)}</dd></>}
                  <dt>{t('detail.labels')}</dt><dd>{c.labels.length ? c.labels.map((l) => <span key={l} class="label-chip">{l}</span>) : '—'}</dd>
                </dl>
              </Section>
              <Section title={t('detail.timeline')} id="timeline">
                <LoadView loaded={history.loaded} onRetry={history.reload}>
                  {(h) => (
                    <ol class="timeline">
                      {h.items.map((e) => (
                        <li key={e.seq} data-type={e.type}>
                          <time dateTime={e.at}>{formatTime(e.at, lang, { seconds: true })}</time>
                          <span>{EVENT_KEYS[e.type] ? t(EVENT_KEYS[e.type], { who: whoOf(c, e) }) : e.type}</span>
                          <span class="mono hash" title={t('detail.hash')}>{e.hash.slice(0, 10)}</span>
                        </li>
                      ))}
                    </ol>
                  )}
                </LoadView>
              </Section>
            </div>
            <Section title={t('detail.documents', { count: c.documents.length })} id="documents" class="documents">
              <Documents c={c} />
            </Section>
            {dialog === 'revoke' && <ReasonDialog title={t('action.revoke')} label={t('detail.revokeReason')} confirm={t('action.revoke')} danger onClose={() => setDialog(undefined)} onSubmit={async (r) => { await api.revoke(c.id, r); toast(t('detail.revoked'), 'ok'); detail.reload(); refreshCounts(); }} />}
            {dialog === 'invalidate' && <ReasonDialog title={t('action.invalidate')} intro={t('detail.invalidateIntro')} label={t('detail.invalidateReason')} confirm={t('action.invalidate')} danger onClose={() => setDialog(undefined)} onSubmit={async (r) => { await api.invalidate(c.id, r); toast(t('detail.invalidated'), 'ok'); detail.reload(); refreshCounts(); }} />}
            {dialog === 'extend' && <ReasonDialog title={t('action.extend')} label={t('detail.newDeadline')} type="datetime-local" initial={toLocalInput(c.deadline ?? new Date(Date.now() + 7 * 86400_000).toISOString())} confirm={t('common.confirm')} onClose={() => setDialog(undefined)} onSubmit={async (v) => { const iso = fromLocalInput(v); if (!iso) throw new Error(t('detail.badDate')); await api.extend(c.id, iso); toast(t('detail.extended'), 'ok'); detail.reload(); }} />}
            {dialog === 'labels' && <ReasonDialog title={t('action.labels')} label={t('batch.labelInput')} intro={t('batch.labelIntro')} type="text" required={false} initial={c.labels.join(', ')} confirm={t('common.confirm')} onClose={() => setDialog(undefined)} onSubmit={async (v) => { await api.setLabels(c.id, v.split(/[,，\s]+/).map((x) => x.trim()).filter(Boolean)); detail.reload(); }} />}
          </>
        );
      }}
    </LoadView>
  );
}

/** The contract's documents, one at a time, in the viewer (the current revision). */
function Documents(props: { c: ContractView }) {
  const { t, lang } = useI18n<Key>();
  const { api } = useConsole();
  const [active, setActive] = useState(0);
  const [doc, setDoc] = useState<{ id: string; pdf?: PDFDocumentProxy; error?: unknown } | undefined>();
  const d = props.c.documents[active];
  useEffect(() => {
    let live = true;
    setDoc(undefined);
    api.preview(props.c.id, d.id).then((bytes) => openPdf(bytes)).then(
      (pdf) => { if (live) setDoc({ id: d.id, pdf }); },
      (error: unknown) => { if (live) setDoc({ id: d.id, error }); },
    );
    return () => { live = false; };
  }, [props.c.id, d.id, props.c.documents.map((x) => x.sha256).join()]);
  return (
    <>
      {props.c.documents.length > 1 && (
        <div class="tabs" role="tablist" aria-label={t('detail.documentsTabs')}>
          {props.c.documents.map((x, i) => (
            <button key={x.id} type="button" role="tab" class="tab" aria-selected={i === active} onClick={() => setActive(i)}>{x.name}</button>
          ))}
        </div>
      )}
      <p class="muted doc-meta">{t('detail.docMeta', { name: d.name, pages: d.pages, signatures: d.signatures })} <span class="mono">SHA-256 {d.sha256.slice(0, 16)}…</span></p>
      {!doc && <p class="load-line" role="status"><span class="boot-spinner" aria-hidden="true" />{t('viewer.loading')}</p>}
      {doc?.error !== undefined && <Notice tone="bad">{errorText(doc.error, t, lang)}</Notice>}
      {doc?.pdf && <PdfViewer doc={doc.pdf} name={d.name} overlays={fieldOverlays(props.c, d.id, t)} />}
    </>
  );
}

function fieldOverlays(c: ContractView, docId: string, t: (k: Key, p?: Record<string, string | number>) => string) {
  return c.signers.flatMap((s) => s.fields.filter((f) => f.doc === docId && f.rect).map((f, i) => ({
    id: `${s.id}-${i}`, page: f.page, rect: f.rect!, kind: f.kind, state: s.state === 'signed' ? 'done' as const : 'todo' as const,
    label: f.kind === 'date' || f.kind === 'text' ? t('detail.fillFieldOf', { field: f.label ?? t(`field.${f.kind}` as Key), name: s.name, page: f.page }) : t('detail.fieldOf', { name: s.name, page: f.page }),
    content: <span class="overlay-hint">{f.kind === 'date' || f.kind === 'text' ? `${f.label ?? t(`field.${f.kind}` as Key)} · ${s.name}` : s.name}</span>,
  })));
}
