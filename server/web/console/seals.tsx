/**
 * Seals (印章管理): generate a seal from a spec with a live SVG preview drawn by the server
 * (`POST /seals/preview`, the same geometry the PDF appearance uses), or upload an image; enable
 * and disable; grant to members and revoke grants; and the seal-use ledger (用印记录) with
 * filters and CSV export.
 */
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/api-client.js';
import { Button, Field, Notice, saveBytes, useToast } from '../shared/components.js';
import { formatTime, useI18n } from '../shared/i18n.js';
import type { SealCategory, SealSpecInput, SealView } from './console-api.js';
import { EmptyState, LoadView, PageHeader, Section, canManageSeals, fromLocalInput, useConsole, useLoad, type Key } from './console-ui.js';

const CATEGORIES: readonly SealCategory[] = ['contract', 'official', 'finance', 'invoice', 'legal_representative', 'hr', 'other'];

/** The seals screen. */
export function SealsPage() {
  const { t } = useI18n<Key>();
  const { api, roles } = useConsole();
  const seals = useLoad(() => api.seals(), []);
  const manage = canManageSeals(roles);
  const [open, setOpen] = useState<string | undefined>();
  return (
    <>
      <PageHeader title={t('seals.title')} sub={t('seals.lead')} />
      {manage && <GenerateSeal onCreated={seals.reload} />}
      {manage && <UploadSeal onCreated={seals.reload} />}
      <Section title={t('seals.list')} id="seal-list">
        <LoadView loaded={seals.loaded} onRetry={seals.reload}>
          {(data) => data.items.length === 0 ? <EmptyState title={t('seals.empty')} /> : (
            <ul class="seal-grid">
              {data.items.map((s) => (
                <li key={s.id} class="card seal-card" data-seal={s.id}>
                  <img class="seal-img" src={s.imageUrl} alt={t('seals.imageOf', { name: s.name })} width={96} height={96} />
                  <div class="seal-info">
                    <b>{s.name}</b>
                    <span class="muted">{t(`category.${s.category}` as Key)} · {t(`seals.source.${s.source}` as Key)}</span>
                    <span class={`badge ${s.enabled ? 'badge-ok' : 'badge-neutral'}`}>{s.enabled ? t('seals.enabled') : t('seals.disabled')}</span>
                  </div>
                  {manage && (
                    <div class="seal-actions">
                      <EnableToggle seal={s} onChanged={seals.reload} />
                      <Button size="small" pressed={open === s.id} onClick={() => setOpen(open === s.id ? undefined : s.id)}>{t('seals.grants')}</Button>
                    </div>
                  )}
                  {manage && open === s.id && <Grants seal={s} />}
                </li>
              ))}
            </ul>
          )}
        </LoadView>
      </Section>
      {manage && seals.loaded.state === 'ready' && <Ledger seals={seals.loaded.data.items} />}
    </>
  );
}

function EnableToggle(props: { seal: SealView; onChanged: () => void }) {
  const { t, lang } = useI18n<Key>();
  const { api } = useConsole();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  return (
    <Button size="small" busy={busy} label={props.seal.enabled ? t('seals.disableOne', { name: props.seal.name }) : t('seals.enableOne', { name: props.seal.name })} onClick={async () => {
      setBusy(true);
      try {
        await api.setSealEnabled(props.seal.id, !props.seal.enabled);
        props.onChanged();
      } catch (err) {
        toast(errorText(err, t, lang), 'bad');
      } finally {
        setBusy(false);
      }
    }}>{props.seal.enabled ? t('seals.disable') : t('seals.enable')}</Button>
  );
}

function GenerateSeal(props: { onCreated: () => void }) {
  const { t, lang } = useI18n<Key>();
  const { api, me } = useConsole();
  const toast = useToast();
  const [type, setType] = useState<'round' | 'oval' | 'square'>('round');
  const [name, setName] = useState(me.currentEnterprise?.name ?? '');
  const [sealType, setSealType] = useState('合同专用章');
  const [code, setCode] = useState('');
  const [taxNumber, setTaxNumber] = useState('');
  const [text, setText] = useState('');
  const [category, setCategory] = useState<SealCategory>('contract');
  const [sealName, setSealName] = useState('合同专用章');
  const [svg, setSvg] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const spec = (): SealSpecInput => (type === 'round'
    ? { type, name, sealType, ...(code ? { code } : {}) }
    : type === 'oval' ? { type, name, sealType, ...(taxNumber ? { taxNumber } : {}) } : { type, text });
  const specKey = JSON.stringify(spec());

  // Live preview: redrawn by the server a moment after the last keystroke.
  useEffect(() => {
    const s = spec();
    if ((s.type !== 'square' && !s.name) || (s.type === 'square' && !s.text) || (s.code && !/^\d{13}$/.test(s.code))) {
      setSvg(undefined);
      return;
    }
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      api.previewSeal(s, ctl.signal).then((x) => { setSvg(x); setError(undefined); }, (err: unknown) => { if (!ctl.signal.aborted) setError(errorText(err, t, lang)); });
    }, 250);
    return () => { clearTimeout(timer); ctl.abort(); };
  }, [specKey]);

  const create = async (e: Event) => {
    e.preventDefault();
    if (!sealName.trim()) return setError(t('seals.needName'));
    if (code && !/^\d{13}$/.test(code)) return setError(t('seals.badCode'));
    setBusy(true);
    try {
      await api.createSeal(sealName.trim(), category, spec());
      toast(t('seals.created', { name: sealName }), 'ok');
      props.onCreated();
    } catch (err) {
      setError(errorText(err, t, lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={t('seals.generate')} id="seal-generate">
      <form class="seal-form" onSubmit={(e) => void create(e)}>
        <div class="seal-fields">
          <Field id="seal-shape" label={t('seals.shape')}>
            <select id="seal-shape" class="input" value={type} onChange={(e) => setType((e.currentTarget as HTMLSelectElement).value as 'round')}>
              <option value="round">{t('seals.shape.round')}</option>
              <option value="oval">{t('seals.shape.oval')}</option>
              <option value="square">{t('seals.shape.square')}</option>
            </select>
          </Field>
          {type !== 'square' ? (
            <>
              <Field id="seal-ent" label={t('seals.entName')}><input id="seal-ent" class="input" value={name} maxLength={60} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} /></Field>
              <Field id="seal-type" label={t('seals.sealType')}><input id="seal-type" class="input" value={sealType} maxLength={20} onInput={(e) => setSealType((e.currentTarget as HTMLInputElement).value)} /></Field>
              {type === 'round'
                ? <Field id="seal-code" label={t('seals.code')} hint={t('seals.codeHint')}><input id="seal-code" class="input mono" inputMode="numeric" maxLength={13} value={code} onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)} /></Field>
                : <Field id="seal-tax" label={t('seals.taxNumber')}><input id="seal-tax" class="input mono" maxLength={32} value={taxNumber} onInput={(e) => setTaxNumber((e.currentTarget as HTMLInputElement).value)} /></Field>}
            </>
          ) : (
            <Field id="seal-text" label={t('seals.text')} hint={t('seals.textHint')}><input id="seal-text" class="input" value={text} maxLength={40} onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)} /></Field>
          )}
          <Field id="seal-name" label={t('seals.sealName')}><input id="seal-name" class="input" value={sealName} maxLength={50} onInput={(e) => setSealName((e.currentTarget as HTMLInputElement).value)} /></Field>
          <Field id="seal-category" label={t('seals.category')}>
            <select id="seal-category" class="input" value={category} onChange={(e) => setCategory((e.currentTarget as HTMLSelectElement).value as SealCategory)}>
              {CATEGORIES.map((c) => <option key={c} value={c}>{t(`category.${c}` as Key)}</option>)}
            </select>
          </Field>
        </div>
        <figure class="seal-preview" aria-live="polite">
          {svg ? <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`} alt={t('seals.previewAlt')} data-preview="seal" /> : <div class="seal-preview-empty">{t('seals.previewEmpty')}</div>}
          <figcaption>{t('seals.preview')}</figcaption>
        </figure>
        {error && <Notice tone="bad" alert>{error}</Notice>}
        <div class="form-actions"><Button kind="primary" type="submit" busy={busy}>{t('seals.create')}</Button></div>
      </form>
    </Section>
  );
}

function UploadSeal(props: { onCreated: () => void }) {
  const { t, lang } = useI18n<Key>();
  const { api } = useConsole();
  const toast = useToast();
  const [file, setFile] = useState<File | undefined>();
  const [name, setName] = useState('');
  const [category, setCategory] = useState<SealCategory>('official');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  return (
    <Section title={t('seals.upload')} id="seal-upload">
      <form class="row-grid" onSubmit={async (e) => {
        e.preventDefault();
        if (!file || !name.trim()) return setError(t('seals.uploadNeeds'));
        setBusy(true);
        try {
          await api.uploadSeal(file, name.trim(), category);
          toast(t('seals.created', { name }), 'ok');
          props.onCreated();
          setError(undefined);
        } catch (err) {
          setError(errorText(err, t, lang));
        } finally {
          setBusy(false);
        }
      }}>
        <Field id="seal-upload-file" label={t('seals.image')} hint={t('seals.imageHint')}><input id="seal-upload-file" class="input" type="file" accept="image/png,image/jpeg,image/svg+xml" onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0])} /></Field>
        <Field id="seal-upload-name" label={t('seals.sealName')}><input id="seal-upload-name" class="input" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} /></Field>
        <Field id="seal-upload-category" label={t('seals.category')}>
          <select id="seal-upload-category" class="input" value={category} onChange={(e) => setCategory((e.currentTarget as HTMLSelectElement).value as SealCategory)}>
            {CATEGORIES.map((c) => <option key={c} value={c}>{t(`category.${c}` as Key)}</option>)}
          </select>
        </Field>
        {error && <Notice tone="bad" alert>{error}</Notice>}
        <div class="form-actions"><Button type="submit" busy={busy}>{t('seals.uploadSubmit')}</Button></div>
      </form>
    </Section>
  );
}

function Grants(props: { seal: SealView }) {
  const { t, lang } = useI18n<Key>();
  const { api, me } = useConsole();
  const toast = useToast();
  const grants = useLoad(() => api.grants(props.seal.id), [props.seal.id]);
  const members = useLoad(() => (me.currentEnterprise ? api.members(me.currentEnterprise.id) : Promise.resolve({ items: [], total: 0 })), []);
  const [userId, setUserId] = useState('');
  const [expires, setExpires] = useState('');
  const grant = async (e: Event) => {
    e.preventDefault();
    if (!userId) return;
    try {
      await api.grant(props.seal.id, userId, expires ? fromLocalInput(expires) : undefined);
      toast(t('seals.granted'), 'ok');
      grants.reload();
    } catch (err) {
      toast(errorText(err, t, lang), 'bad');
    }
  };
  const gid = `grant-${props.seal.id}`;
  return (
    <div class="grants" aria-label={t('seals.grantsOf', { name: props.seal.name })} role="region">
      <LoadView loaded={grants.loaded} onRetry={grants.reload}>
        {(g) => g.items.length === 0 ? <p class="muted">{t('seals.noGrants')}</p> : (
          <ul class="grant-list">
            {g.items.map((x) => (
              <li key={x.id} data-grant={x.id} class={x.active ? '' : 'is-inactive'}>
                <span>{x.userName ?? x.userId}</span>
                <span class="muted">{x.expiresAt ? t('seals.until', { time: formatTime(x.expiresAt, lang) }) : t('seals.noExpiry')}</span>
                <span class={`badge ${x.active ? 'badge-ok' : 'badge-neutral'}`}>{x.active ? t('seals.active') : t('seals.inactive')}</span>
                {x.active && <Button size="small" kind="danger" label={t('seals.revokeGrant', { name: x.userName ?? x.userId })} onClick={async () => { try { await api.revokeGrant(props.seal.id, x.id); grants.reload(); } catch (err) { toast(errorText(err, t, lang), 'bad'); } }}>{t('seals.revoke')}</Button>}
              </li>
            ))}
          </ul>
        )}
      </LoadView>
      <form class="row-grid" onSubmit={(e) => void grant(e)}>
        <Field id={`${gid}-user`} label={t('seals.member')}>
          <select id={`${gid}-user`} class="input" value={userId} onChange={(e) => setUserId((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('send.choose')}</option>
            {members.loaded.state === 'ready' && members.loaded.data.items.map((m) => <option key={m.userId} value={m.userId}>{`${m.name ?? ''} ${m.mobileMasked}`.trim()}</option>)}
          </select>
        </Field>
        <Field id={`${gid}-exp`} label={t('seals.expiry')}><input id={`${gid}-exp`} class="input" type="datetime-local" value={expires} onInput={(e) => setExpires((e.currentTarget as HTMLInputElement).value)} /></Field>
        <div class="form-actions"><Button kind="primary" type="submit" disabled={!userId}>{t('seals.grant')}</Button></div>
      </form>
    </div>
  );
}

function Ledger(props: { seals: readonly SealView[] }) {
  const { t, lang } = useI18n<Key>();
  const { api } = useConsole();
  const toast = useToast();
  const [seal, setSeal] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [applied, setApplied] = useState<{ seal?: string; from?: string; to?: string }>({});
  const ledger = useLoad(() => api.ledger({ ...applied, limit: 100 }), [JSON.stringify(applied)]);
  const q = () => ({ ...(seal ? { seal } : {}), ...(from ? { from: new Date(`${from}T00:00:00`).toISOString() } : {}), ...(to ? { to: new Date(`${to}T00:00:00`).toISOString() } : {}) });
  return (
    <Section title={t('ledger.title')} id="seal-ledger">
      <form class="filter-grid" onSubmit={(e) => { e.preventDefault(); setApplied(q()); }}>
        <Field id="ledger-seal" label={t('ledger.seal')}>
          <select id="ledger-seal" class="input" value={seal} onChange={(e) => setSeal((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">{t('filters.any')}</option>
            {props.seals.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </Field>
        <Field id="ledger-from" label={t('ledger.from')}><input id="ledger-from" class="input" type="date" value={from} onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} /></Field>
        <Field id="ledger-to" label={t('ledger.to')}><input id="ledger-to" class="input" type="date" value={to} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} /></Field>
        <div class="filter-actions">
          <Button kind="primary" type="submit">{t('filters.apply')}</Button>
          <Button onClick={async () => { try { const f = await api.ledgerCsv(q()); saveBytes(f.bytes, f.filename ?? 'seal-ledger.csv', 'text/csv'); } catch (err) { toast(errorText(err, t, lang), 'bad'); } }}>{t('ledger.csv')}</Button>
        </div>
      </form>
      <LoadView loaded={ledger.loaded} onRetry={ledger.reload}>
        {(data) => data.items.length === 0 ? <p class="muted">{t('ledger.empty')}</p> : (
          <div class="table-wrap">
            <table class="data-table">
              <caption class="visually-hidden">{t('ledger.title')}</caption>
              <thead><tr><th scope="col">{t('ledger.time')}</th><th scope="col">{t('ledger.seal')}</th><th scope="col">{t('ledger.contract')}</th><th scope="col">{t('ledger.operator')}</th><th scope="col">{t('ledger.outcome')}</th></tr></thead>
              <tbody>
                {data.items.map((e) => (
                  <tr key={e.id}>
                    <td>{formatTime(e.at, lang)}</td><td>{e.sealName}</td><td>{e.contractTitle}</td><td class="mono">{`${e.operator.kind}:${e.operator.id}`}</td>
                    <td><span class={`badge ${e.outcome === 'stamped' ? 'badge-ok' : 'badge-bad'}`}>{t(`ledger.${e.outcome}` as Key)}</span></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </LoadView>
    </Section>
  );
}
