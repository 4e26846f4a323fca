/**
 * Send a contract (发起签署): from an uploaded PDF, a template or a bundle (合同组合); the signers
 * and their order; for an uploaded PDF, each signer's fields dragged onto the pages (signature, seal,
 * the signing date, and text the signer fills, with what it asks for and whether it is required);
 * the willingness policy, handwriting, deadline, expiry and labels; then save as a draft or
 * send. The request is `POST /contracts` exactly as docs/api-surface.md describes it: rectangles in
 * PDF user space (points, origin bottom-left), one `fields` list per signer.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { errorText } from '../shared/api-client.js';
import { Button, Field, Notice, useToast } from '../shared/components.js';
import { useI18n } from '../shared/i18n.js';
import { openPdf, type PDFDocumentProxy } from '../shared/pdfjs.js';
import type { CreateContractBody, UploadedFileView } from './console-api.js';
import { PageHeader, Section, fromLocalInput, useConsole, useLoad, type Key } from './console-ui.js';
import { FieldDesigner, type PlacedField } from './field-designer.js';
import { consolePath, useRouter } from './router.js';

interface SignerRow {
  key: string;
  kind: 'person' | 'organization';
  name: string;
  mobile: string;
  seal: string;
  role: string;
}

let rowSeq = 1;
const newRow = (): SignerRow => ({ key: `sg${rowSeq++}`, kind: 'person', name: '', mobile: '', seal: '', role: '' });

type Source = 'upload' | 'template' | 'bundle';

/** The send form. */
export function SendPage() {
  const { t, lang } = useI18n<Key>();
  const { api, me, refreshCounts } = useConsole();
  const { navigate } = useRouter();
  const toast = useToast();
  const [source, setSource] = useState<Source>('upload');
  const [title, setTitle] = useState('');
  const [file, setFile] = useState<UploadedFileView | undefined>();
  const [pdf, setPdf] = useState<PDFDocumentProxy | undefined>();
  const [uploading, setUploading] = useState(false);
  const [templateId, setTemplateId] = useState('');
  const [bundleId, setBundleId] = useState('');
  const [vars, setVars] = useState<Record<string, string>>({});
  const [signers, setSigners] = useState<SignerRow[]>(() => [newRow()]);
  const [order, setOrder] = useState<'sequential' | 'parallel'>('sequential');
  const [owner, setOwner] = useState<string>(signers[0].key);
  const [fields, setFields] = useState<PlacedField[]>([]);
  const [methods, setMethods] = useState<ReadonlySet<string>>(new Set(['sms_otp', 'password']));
  const [handwriting, setHandwriting] = useState<'optional' | 'required' | 'forbidden'>('optional');
  const [deadline, setDeadline] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const [labels, setLabels] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  // After a first try to save or send, the form's problems show, and go away as they are fixed.
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState<'draft' | 'send' | undefined>();

  const templates = useLoad(() => (source === 'template' ? api.templates() : Promise.resolve(undefined)), [source]);
  const bundles = useLoad(() => (source === 'bundle' ? api.bundles() : Promise.resolve(undefined)), [source]);
  const seals = useLoad(() => api.seals().catch(() => ({ items: [], total: 0 })), []);
  const template = useLoad(() => (source === 'template' && templateId ? api.template(templateId) : Promise.resolve(undefined)), [source, templateId]);
  const bundle = useLoad(() => (source === 'bundle' && bundleId ? api.bundle(bundleId) : Promise.resolve(undefined)), [source, bundleId]);
  const variables = (source === 'template' ? (template.loaded.state === 'ready' ? template.loaded.data?.variables : undefined) : source === 'bundle' ? (bundle.loaded.state === 'ready' ? bundle.loaded.data?.variables : undefined) : undefined) ?? [];
  const roles = (source === 'template' ? (template.loaded.state === 'ready' ? template.loaded.data?.roles : undefined) : source === 'bundle' ? (bundle.loaded.state === 'ready' ? bundle.loaded.data?.roles : undefined) : undefined) ?? [];

  useEffect(() => {
    if (!signers.some((s) => s.key === owner)) setOwner(signers[0]?.key ?? '');
  }, [signers]);

  const onFile = async (f: File | undefined) => {
    if (!f) return;
    setUploading(true);
    setErrors([]);
    try {
      const uploaded = await api.uploadPdf(f, f.name);
      setFile(uploaded);
      setFields([]);
      setPdf(await openPdf(await f.arrayBuffer()));
      if (!title) setTitle(f.name.replace(/\.pdf$/i, ''));
    } catch (err) {
      setErrors([errorText(err, t, lang)]);
    } finally {
      setUploading(false);
    }
  };

  const update = (key: string, patch: Partial<SignerRow>) => setSigners((rows) => rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const move = (i: number, d: -1 | 1) => setSigners((rows) => {
    const j = i + d;
    if (j < 0 || j >= rows.length) return rows;
    const n = [...rows];
    [n[i], n[j]] = [n[j], n[i]];
    return n;
  });
  const signerName = (key: string) => {
    const i = signers.findIndex((s) => s.key === key);
    return signers[i]?.name || t('send.signerN', { n: i + 1 });
  };

  // Text fields in the order they were placed: "text field 1", "text field 2", … in the list and the problems.
  const textFields = fields.filter((f) => f.kind === 'text');
  const patchField = (id: string, patch: Partial<PlacedField>) => setFields((all) => all.map((f) => (f.id === id ? { ...f, ...patch } : f)));
  // A new text field is required until the sender says otherwise (as the API's default).
  const onFieldsChange = (next: PlacedField[]) => setFields(next.map((f) => (f.kind === 'text' && f.required === undefined ? { ...f, required: true } : f)));
  const fieldText = (f: PlacedField) => (f.kind === 'text' && f.label?.trim() ? f.label.trim() : t(`field.${f.kind}` as Key));

  const body = useMemo((): { body?: CreateContractBody; problems: string[] } => {
    const problems: string[] = [];
    if (source === 'upload' && !file) problems.push(t('send.needFile'));
    if (source === 'template' && !templateId) problems.push(t('send.needTemplate'));
    if (source === 'bundle' && !bundleId) problems.push(t('send.needBundle'));
    if (signers.length === 0) problems.push(t('send.needSigner'));
    signers.forEach((s, i) => {
      if (!s.name.trim()) problems.push(t('send.signerNameMissing', { n: i + 1 }));
      if (s.kind === 'person' && !/^1\d{10}$/.test(s.mobile.trim())) problems.push(t('send.signerMobileInvalid', { n: i + 1 }));
    });
    if (source === 'upload') {
      textFields.forEach((f, i) => {
        if (!f.label?.trim()) problems.push(t('send.textLabelMissing', { n: i + 1 }));
      });
    }
    if (methods.size === 0) problems.push(t('send.needMethod'));
    const dl = deadline ? fromLocalInput(deadline) : undefined;
    if (deadline && !dl) problems.push(t('detail.badDate'));
    const b: CreateContractBody = {
      ...(title.trim() ? { title: title.trim() } : {}),
      ...(source === 'upload' && file ? { documents: [{ fileId: file.fileId, name: file.name }] } : {}),
      ...(source !== 'upload' ? { template: { ...(source === 'template' ? { templateId } : { bundleId }), vars: typedVars(vars, variables) } } : {}),
      signers: signers.map((s, i) => ({
        kind: s.kind,
        name: s.name.trim(),
        ...(s.kind === 'person' ? { mobile: s.mobile.trim() } : { enterpriseId: me.currentEnterprise?.id, ...(s.mobile.trim() ? { mobile: s.mobile.trim() } : {}), ...(s.seal ? { seal: s.seal } : {}) }),
        ...(s.role ? { role: s.role } : {}),
        ...(order === 'sequential' ? { step: i + 1 } : {}),
        willingness: { methods: [...methods] as ('sms_otp' | 'password')[], handwriting },
        ...(source === 'upload' ? { fields: fields.filter((f) => f.owner === s.key).map(fieldInput) } : {}),
      })) as CreateContractBody['signers'],
      order,
      ...(dl ? { deadline: dl } : {}),
      ...(expiresAt ? { expiresAt: new Date(`${expiresAt}T23:59:59`).toISOString() } : {}),
      ...(labels.trim() ? { labels: labels.split(/[,，\s]+/).map((x) => x.trim()).filter(Boolean) } : {}),
    };
    return { body: problems.length ? undefined : b, problems };
  }, [source, file, templateId, bundleId, vars, variables, signers, order, fields, methods, handwriting, deadline, expiresAt, labels, title, lang]);

  const submit = async (send: boolean) => {
    setChecked(true);
    if (!body.body) {
      setErrors([]);
      return;
    }
    setErrors([]);
    setBusy(send ? 'send' : 'draft');
    try {
      const created = await api.createContract({ ...body.body, send });
      toast(send ? t('send.sentToast') : t('send.draftToast'), 'ok');
      refreshCounts();
      navigate(consolePath(['contracts', created.id]));
    } catch (err) {
      setErrors([errorText(err, t, lang)]);
    } finally {
      setBusy(undefined);
    }
  };

  const shown = [...(checked ? body.problems : []), ...errors];
  return (
    <>
      <PageHeader title={t('send.title')} sub={t('send.lead')} />
      <Section title={t('send.source')} id="send-source">
        <div class="seg" role="radiogroup" aria-label={t('send.source')}>
          {(['upload', 'template', 'bundle'] as const).map((s) => (
            <label key={s} class="seg-option"><input type="radio" name="send-source" value={s} checked={source === s} onChange={() => setSource(s)} />{t(`send.source.${s}` as Key)}</label>
          ))}
        </div>
        {source === 'upload' && (
          <Field id="send-file" label={t('send.file')} hint={file ? t('send.fileInfo', { name: file.name, pages: file.pages }) : t('send.fileHint')}>
            <input id="send-file" class="input" type="file" accept="application/pdf,.pdf" disabled={uploading} onChange={(e) => void onFile((e.currentTarget as HTMLInputElement).files?.[0])} />
          </Field>
        )}
        {source === 'template' && (
          <Field id="send-template" label={t('send.template')}>
            <select id="send-template" class="input" value={templateId} onChange={(e) => { setTemplateId((e.currentTarget as HTMLSelectElement).value); setVars({}); }}>
              <option value="">{t('send.choose')}</option>
              {templates.loaded.state === 'ready' && templates.loaded.data?.items.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
            </select>
          </Field>
        )}
        {source === 'bundle' && (
          <Field id="send-bundle" label={t('send.bundle')}>
            <select id="send-bundle" class="input" value={bundleId} onChange={(e) => { setBundleId((e.currentTarget as HTMLSelectElement).value); setVars({}); }}>
              <option value="">{t('send.choose')}</option>
              {bundles.loaded.state === 'ready' && bundles.loaded.data?.items.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
            </select>
          </Field>
        )}
        {variables.length > 0 && (
          <fieldset class="vars">
            <legend>{t('send.vars')}</legend>
            {variables.map((v) => (
              v.type === 'checkbox' ? (
                <label key={v.name} class="check"><input type="checkbox" checked={vars[v.name] === 'true'} onChange={(e) => setVars({ ...vars, [v.name]: String((e.currentTarget as HTMLInputElement).checked) })} /><span>{v.label ?? v.name}</span></label>
              ) : (
                <Field key={v.name} id={`var-${v.name}`} label={`${v.label ?? v.name}${v.required ? ' *' : ''}`}>
                  <input id={`var-${v.name}`} class="input" type={(v.type === 'date' ? 'date' : v.type === 'number' ? 'number' : 'text') as 'text'} value={vars[v.name] ?? ''} onInput={(e) => setVars({ ...vars, [v.name]: (e.currentTarget as HTMLInputElement).value })} />
                </Field>
              )
            ))}
          </fieldset>
        )}
        <Field id="send-title" label={t('send.contractTitle')}>
          <input id="send-title" class="input" value={title} maxLength={200} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
        </Field>
      </Section>

      <Section title={t('send.signers')} id="send-signers">
        <Field id="send-order" label={t('send.order')}>
          <select id="send-order" class="input" value={order} onChange={(e) => setOrder((e.currentTarget as HTMLSelectElement).value as 'sequential')}>
            <option value="sequential">{t('send.sequential')}</option>
            <option value="parallel">{t('send.parallel')}</option>
          </select>
        </Field>
        <ol class="signer-rows">
          {signers.map((s, i) => (
            <li key={s.key} class="signer-row card" data-signer-row={i + 1}>
              <fieldset>
                <legend>{t('send.signerN', { n: i + 1 })}</legend>
                <div class="row-grid">
                  <Field id={`${s.key}-kind`} label={t('send.signerKind')}>
                    <select id={`${s.key}-kind`} class="input" value={s.kind} onChange={(e) => update(s.key, { kind: (e.currentTarget as HTMLSelectElement).value as 'person', name: (e.currentTarget as HTMLSelectElement).value === 'organization' ? me.currentEnterprise?.name ?? '' : s.name })}>
                      <option value="person">{t('signer.person')}</option>
                      {me.currentEnterprise && <option value="organization">{t('send.ownEnterprise')}</option>}
                    </select>
                  </Field>
                  <Field id={`${s.key}-name`} label={s.kind === 'person' ? t('send.signerName') : t('send.orgName')}>
                    <input id={`${s.key}-name`} class="input" value={s.name} autoComplete="off" onInput={(e) => update(s.key, { name: (e.currentTarget as HTMLInputElement).value })} />
                  </Field>
                  <Field id={`${s.key}-mobile`} label={s.kind === 'person' ? t('send.signerMobile') : t('send.operatorMobile')}>
                    <input id={`${s.key}-mobile`} class="input" type="tel" inputMode="tel" autoComplete="off" value={s.mobile} onInput={(e) => update(s.key, { mobile: (e.currentTarget as HTMLInputElement).value })} />
                  </Field>
                  {s.kind === 'organization' && (
                    <Field id={`${s.key}-seal`} label={t('send.seal')}>
                      <select id={`${s.key}-seal`} class="input" value={s.seal} onChange={(e) => update(s.key, { seal: (e.currentTarget as HTMLSelectElement).value })}>
                        <option value="">{t('send.anySeal')}</option>
                        {seals.loaded.state === 'ready' && seals.loaded.data.items.filter((x) => x.enabled).map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
                      </select>
                    </Field>
                  )}
                  {roles.length > 0 && (
                    <Field id={`${s.key}-role`} label={t('send.role')}>
                      <select id={`${s.key}-role`} class="input" value={s.role} onChange={(e) => update(s.key, { role: (e.currentTarget as HTMLSelectElement).value })}>
                        <option value="">{t('send.choose')}</option>
                        {roles.map((r) => <option key={r} value={r}>{r}</option>)}
                      </select>
                    </Field>
                  )}
                </div>
                <div class="row-actions">
                  <Button size="small" kind="ghost" disabled={i === 0} label={t('send.moveUp', { n: i + 1 })} onClick={() => move(i, -1)}>↑</Button>
                  <Button size="small" kind="ghost" disabled={i === signers.length - 1} label={t('send.moveDown', { n: i + 1 })} onClick={() => move(i, 1)}>↓</Button>
                  <Button size="small" kind="danger" disabled={signers.length === 1} label={t('send.removeSigner', { n: i + 1 })} onClick={() => { setSigners(signers.filter((x) => x.key !== s.key)); setFields(fields.filter((f) => f.owner !== s.key)); }}>{t('send.remove')}</Button>
                </div>
              </fieldset>
            </li>
          ))}
        </ol>
        <Button onClick={() => setSigners([...signers, newRow()])}>{t('send.addSigner')}</Button>
      </Section>

      {source === 'upload' && (
        <Section title={t('send.fields')} id="send-fields">
          {!pdf ? <p class="muted">{t('send.fieldsNeedFile')}</p> : (
            <FieldDesigner
              doc={pdf}
              name={file?.name ?? ''}
              kinds={['signature', 'seal', 'date', 'text']}
              fields={fields}
              onChange={onFieldsChange}
              owner={owner}
              labelOf={(f) => `${fieldText(f)} · ${signerName(f.owner)}`}
              toolbar={(
                <Field id="send-owner" label={t('send.fieldOwner')}>
                  <select id="send-owner" class="input" value={owner} onChange={(e) => setOwner((e.currentTarget as HTMLSelectElement).value)}>
                    {signers.map((s, i) => <option key={s.key} value={s.key}>{s.name || t('send.signerN', { n: i + 1 })}</option>)}
                  </select>
                </Field>
              )}
            />
          )}
          {pdf && <p class="muted" aria-live="polite">{t('send.fieldCount', { count: fields.length })}</p>}
          {pdf && fields.length > 0 && (
            <table class="field-table send-fields">
              <caption>{t('send.fieldList')}</caption>
              <thead><tr><th scope="col">{t('templates.kind')}</th><th scope="col">{t('send.fieldFor')}</th><th scope="col">{t('send.fieldLabel')}</th><th scope="col">{t('send.fieldRequired')}</th></tr></thead>
              <tbody>
                {fields.map((f) => {
                  const n = textFields.indexOf(f) + 1;
                  return (
                    <tr key={f.id} data-field-row={f.id} data-kind={f.kind}>
                      <td>{t('send.fieldKindPage', { kind: t(`field.${f.kind}` as Key), page: f.page })}</td>
                      <td>{signerName(f.owner)}</td>
                      {f.kind === 'text' ? (
                        <>
                          <td><input class="input" aria-label={t('send.fieldLabelOf', { n })} title={t('send.fieldLabelHint')} maxLength={50} value={f.label ?? ''} onInput={(e) => patchField(f.id, { label: (e.currentTarget as HTMLInputElement).value })} /></td>
                          <td><label class="check"><input type="checkbox" aria-label={t('send.fieldRequiredOf', { n })} checked={f.required !== false} onChange={(e) => patchField(f.id, { required: (e.currentTarget as HTMLInputElement).checked })} /><span aria-hidden="true">{t('send.fieldRequired')}</span></label></td>
                        </>
                      ) : (
                        <td colSpan={2} class="muted">{f.kind === 'date' ? t('send.fieldDateNote') : t('send.fieldSignNote')}</td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Section>
      )}

      <Section title={t('send.policies')} id="send-policies">
        <fieldset class="checks">
          <legend>{t('send.willingness')}</legend>
          {(['sms_otp', 'password'] as const).map((m) => (
            <label key={m} class="check">
              <input type="checkbox" checked={methods.has(m)} onChange={() => setMethods((s) => { const n = new Set(s); if (n.has(m)) n.delete(m); else n.add(m); return n; })} />
              <span>{t(`method.${m}` as Key)}</span>
            </label>
          ))}
        </fieldset>
        <div class="row-grid">
          <Field id="send-handwriting" label={t('send.handwriting')}>
            <select id="send-handwriting" class="input" value={handwriting} onChange={(e) => setHandwriting((e.currentTarget as HTMLSelectElement).value as 'optional')}>
              <option value="optional">{t('hand.optional')}</option>
              <option value="required">{t('hand.required')}</option>
              <option value="forbidden">{t('hand.forbidden')}</option>
            </select>
          </Field>
          <Field id="send-deadline" label={t('send.deadline')}>
            <input id="send-deadline" class="input" type="datetime-local" value={deadline} onInput={(e) => setDeadline((e.currentTarget as HTMLInputElement).value)} />
          </Field>
          <Field id="send-expires" label={t('send.expiresAt')}>
            <input id="send-expires" class="input" type="date" value={expiresAt} onInput={(e) => setExpiresAt((e.currentTarget as HTMLInputElement).value)} />
          </Field>
          <Field id="send-labels" label={t('send.labels')} hint={t('batch.labelIntro')}>
            <input id="send-labels" class="input" value={labels} onInput={(e) => setLabels((e.currentTarget as HTMLInputElement).value)} />
          </Field>
        </div>
      </Section>

      {shown.length > 0 && (
        <Notice tone="bad" alert>
          <ul class="problems">{shown.map((e) => <li key={e}>{e}</li>)}</ul>
        </Notice>
      )}
      <div class="form-actions">
        <Button busy={busy === 'draft'} disabled={!!busy} onClick={() => void submit(false)}>{t('send.saveDraft')}</Button>
        <Button kind="primary" busy={busy === 'send'} disabled={!!busy} onClick={() => void submit(true)}>{t('send.send')}</Button>
      </div>
    </>
  );
}

/** A placed field as `POST /contracts` takes it: page and rectangle, the kind, and for a text field what it asks for and whether it is required. */
export function fieldInput(f: PlacedField): NonNullable<CreateContractBody['signers'][number]['fields']>[number] {
  return {
    page: f.page,
    rect: f.rect,
    kind: f.kind,
    ...(f.kind === 'text' ? { ...(f.label?.trim() ? { label: f.label.trim() } : {}), required: f.required !== false } : {}),
  };
}

/** The form's variable values typed as the template declares them (numbers, booleans), empty ones left out. */
export function typedVars(values: Record<string, string>, variables: readonly { name: string; type: string }[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === '') continue;
    const type = variables.find((x) => x.name === k)?.type;
    out[k] = type === 'number' ? Number(v) : type === 'checkbox' ? v === 'true' : v;
  }
  return out;
}
