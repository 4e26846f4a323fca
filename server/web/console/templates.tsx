/**
 * Templates (合同模板): the list, and a new template made from an uploaded base PDF with fields
 * dragged onto it (text and date fields take variables; signature and seal fields belong to a
 * role), each variable named; saved with `POST /templates`, then previewed with sample values
 * (`POST /templates/{id}/preview`, the values typed in override the server's samples).
 */
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/api-client.js';
import { Button, Field, Notice, useToast } from '../shared/components.js';
import { formatTime, useI18n } from '../shared/i18n.js';
import { PdfViewer } from '../shared/pdf-viewer.js';
import { openPdf, type PDFDocumentProxy } from '../shared/pdfjs.js';
import type { TemplateDetailView, UploadedFileView } from './console-api.js';
import { EmptyState, LoadView, PageHeader, Section, canWriteTemplates, useConsole, useLoad, type Key } from './console-ui.js';
import { FieldDesigner, type FieldKind, type PlacedField } from './field-designer.js';
import { Link, consolePath, useRouter } from './router.js';

/** `/console/templates` (list), `/console/templates/new`, `/console/templates/<id>` (preview). */
export function TemplatesPage(props: { id?: string }) {
  if (props.id === 'new') return <NewTemplate />;
  if (props.id) return <TemplatePreview id={props.id} />;
  return <TemplateList />;
}

function TemplateList() {
  const { t, lang } = useI18n<Key>();
  const { api, roles } = useConsole();
  const list = useLoad(() => api.templates(), []);
  return (
    <>
      <PageHeader title={t('templates.title')} actions={canWriteTemplates(roles) ? <Link class="btn btn-primary" href={consolePath(['templates', 'new'])}>{t('templates.new')}</Link> : undefined} />
      <LoadView loaded={list.loaded} onRetry={list.reload}>
        {(data) => data.items.length === 0 ? <EmptyState title={t('templates.empty')} /> : (
          <ul class="card-list">
            {data.items.map((x) => (
              <li key={x.id} class="card item-card" data-template={x.id}>
                <Link href={consolePath(['templates', x.id])} class="row-title">{x.name}</Link>
                <p class="muted">{t('templates.meta', { vars: x.variables.length, roles: x.roles.join(', ') || '—', time: formatTime(x.createdAt, lang) })}</p>
              </li>
            ))}
          </ul>
        )}
      </LoadView>
    </>
  );
}

const ROLE_RE = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

function NewTemplate() {
  const { t, lang } = useI18n<Key>();
  const { api } = useConsole();
  const { navigate } = useRouter();
  const toast = useToast();
  const [name, setName] = useState('');
  const [file, setFile] = useState<UploadedFileView | undefined>();
  const [pdf, setPdf] = useState<PDFDocumentProxy | undefined>();
  const [fields, setFields] = useState<PlacedField[]>([]);
  const [role, setRole] = useState('partyA');
  const [labels, setLabels] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const onFile = async (f: File | undefined) => {
    if (!f) return;
    setErrors([]);
    try {
      setFile(await api.uploadPdf(f, f.name));
      setPdf(await openPdf(await f.arrayBuffer()));
      setFields([]);
      if (!name) setName(f.name.replace(/\.pdf$/i, ''));
    } catch (err) {
      setErrors([errorText(err, t, lang)]);
    }
  };

  // A new value field gets a unique variable name (text1, date1, …); signature and seal fields, the chosen role.
  const onChange = (next: PlacedField[]) => {
    const used = new Set(next.map((f) => f.name).filter(Boolean));
    setFields(next.map((f) => {
      if (f.name) return f;
      let n = 1;
      while (used.has(`${f.kind}${n}`)) n++;
      const fieldName = `${f.kind}${n}`;
      used.add(fieldName);
      return { ...f, name: fieldName };
    }));
  };
  const rename = (id: string, v: string) => setFields(fields.map((f) => (f.id === id ? { ...f, name: v } : f)));
  const reRole = (id: string, v: string) => setFields(fields.map((f) => (f.id === id ? { ...f, owner: v } : f)));

  const save = async () => {
    const problems: string[] = [];
    if (!name.trim()) problems.push(t('templates.needName'));
    if (!file) problems.push(t('send.needFile'));
    if (fields.length === 0) problems.push(t('templates.needFields'));
    const names = new Set<string>();
    for (const f of fields) {
      if (!f.name?.trim()) problems.push(t('templates.fieldNameMissing'));
      else if (names.has(f.name)) problems.push(t('templates.fieldNameDup', { name: f.name }));
      names.add(f.name ?? '');
      if ((f.kind === 'signature' || f.kind === 'seal') && !ROLE_RE.test(f.owner)) problems.push(t('templates.badRole', { role: f.owner }));
    }
    if (problems.length) return setErrors(problems);
    setErrors([]);
    setBusy(true);
    try {
      const definition = {
        fields: fields.map((f) => {
          const base = { name: f.name!.trim(), page: f.page, rect: f.rect, ...(labels[f.id] ? { label: labels[f.id] } : {}) };
          return f.kind === 'signature' || f.kind === 'seal' ? { ...base, type: f.kind, role: f.owner } : { ...base, type: f.kind };
        }),
      };
      const created = await api.createTemplate(name.trim(), file!.fileId, definition as unknown as Parameters<typeof api.createTemplate>[2]);
      toast(t('templates.saved'), 'ok');
      navigate(consolePath(['templates', created.id]));
    } catch (err) {
      const details = (err as { details?: { problems?: { message: string }[] } }).details?.problems;
      setErrors(details?.length ? details.map((p) => p.message) : [errorText(err, t, lang)]);
    } finally {
      setBusy(false);
    }
  };

  const kinds: FieldKind[] = ['text', 'date', 'signature', 'seal'];
  return (
    <>
      <PageHeader title={t('templates.new')} actions={<Link href={consolePath(['templates'])} class="btn btn-ghost btn-small">{t('common.back')}</Link>} />
      <Section title={t('templates.basics')} id="tpl-basics">
        <Field id="tpl-name" label={t('templates.name')}>
          <input id="tpl-name" class="input" value={name} maxLength={100} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <Field id="tpl-file" label={t('templates.basePdf')} hint={file ? t('send.fileInfo', { name: file.name, pages: file.pages }) : t('send.fileHint')}>
          <input id="tpl-file" class="input" type="file" accept="application/pdf,.pdf" onChange={(e) => void onFile((e.currentTarget as HTMLInputElement).files?.[0])} />
        </Field>
      </Section>
      {pdf && (
        <Section title={t('templates.fields')} id="tpl-fields">
          <FieldDesigner
            doc={pdf}
            name={file?.name ?? ''}
            kinds={kinds}
            fields={fields}
            onChange={onChange}
            owner={role}
            labelOf={(f) => (f.kind === 'signature' || f.kind === 'seal' ? `${t(`field.${f.kind}` as Key)} · ${f.owner}` : `${t(`field.${f.kind}` as Key)} · {${f.name ?? ''}}`)}
            toolbar={(
              <Field id="tpl-role" label={t('templates.role')} hint={t('templates.roleHint')}>
                <input id="tpl-role" class="input" value={role} onInput={(e) => setRole((e.currentTarget as HTMLInputElement).value)} />
              </Field>
            )}
          />
          {fields.length > 0 && (
            <table class="field-table">
              <caption>{t('templates.fieldList')}</caption>
              <thead><tr><th scope="col">{t('templates.kind')}</th><th scope="col">{t('templates.variable')}</th><th scope="col">{t('templates.label')}</th><th scope="col">{t('templates.role')}</th></tr></thead>
              <tbody>
                {fields.map((f, i) => (
                  <tr key={f.id} data-field-row={f.id}>
                    <td>{t(`field.${f.kind}` as Key)} · {t('templates.pageN', { page: f.page })}</td>
                    <td><input class="input" aria-label={t('templates.variableOf', { n: i + 1 })} value={f.name ?? ''} onInput={(e) => rename(f.id, (e.currentTarget as HTMLInputElement).value)} /></td>
                    <td><input class="input" aria-label={t('templates.labelOf', { n: i + 1 })} value={labels[f.id] ?? ''} onInput={(e) => setLabels({ ...labels, [f.id]: (e.currentTarget as HTMLInputElement).value })} /></td>
                    <td>{f.kind === 'signature' || f.kind === 'seal'
                      ? <input class="input" aria-label={t('templates.roleOf', { n: i + 1 })} value={f.owner} onInput={(e) => reRole(f.id, (e.currentTarget as HTMLInputElement).value)} />
                      : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
      )}
      {errors.length > 0 && <Notice tone="bad" alert><ul class="problems">{errors.map((e) => <li key={e}>{e}</li>)}</ul></Notice>}
      <div class="form-actions">
        <Button kind="primary" busy={busy} onClick={() => void save()}>{t('templates.save')}</Button>
      </div>
    </>
  );
}

function TemplatePreview(props: { id: string }) {
  const { t, lang } = useI18n<Key>();
  const { api } = useConsole();
  const detail = useLoad(() => api.template(props.id), [props.id]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [pdf, setPdf] = useState<PDFDocumentProxy | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const preview = async (tpl: TemplateDetailView) => {
    setBusy(true);
    setError(undefined);
    try {
      const vars: Record<string, unknown> = {};
      for (const v of tpl.variables) {
        const x = values[v.name];
        if (x === undefined || x === '') continue;
        vars[v.name] = v.type === 'number' ? Number(x) : v.type === 'checkbox' ? x === 'true' : x;
      }
      setPdf(await openPdf(await api.previewTemplate(tpl.id, vars)));
    } catch (err) {
      const details = (err as { details?: { problems?: { message: string }[] } }).details?.problems;
      setError(details?.length ? details.map((p) => p.message).join('；') : errorText(err, t, lang));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (detail.loaded.state === 'ready') void preview(detail.loaded.data);
  }, [detail.loaded.state]);
  return (
    <LoadView loaded={detail.loaded} onRetry={detail.reload}>
      {(tpl) => (
        <>
          <PageHeader title={tpl.name} sub={t('templates.meta', { vars: tpl.variables.length, roles: tpl.roles.join(', ') || '—', time: formatTime(tpl.createdAt, lang) })} actions={<Link href={consolePath(['templates'])} class="btn btn-ghost btn-small">{t('common.back')}</Link>} />
          <Section title={t('templates.sample')} id="tpl-sample">
            <p class="muted">{t('templates.sampleHint')}</p>
            <form onSubmit={(e) => { e.preventDefault(); void preview(tpl); }}>
              <div class="row-grid">
                {tpl.variables.map((v) => (
                  <Field key={v.name} id={`pv-${v.name}`} label={`${v.label ?? v.name} (${v.name})`}>
                    <input id={`pv-${v.name}`} class="input" type={(v.type === 'date' ? 'date' : v.type === 'number' ? 'number' : 'text') as 'text'} value={values[v.name] ?? ''} onInput={(e) => setValues({ ...values, [v.name]: (e.currentTarget as HTMLInputElement).value })} />
                  </Field>
                ))}
              </div>
              <Button kind="primary" type="submit" busy={busy}>{t('templates.preview')}</Button>
            </form>
            {error && <Notice tone="bad" alert>{error}</Notice>}
          </Section>
          <Section title={t('templates.previewPdf')} id="tpl-preview">
            {pdf ? <PdfViewer key={String(pdf.fingerprints?.[0]) + String(busy)} doc={pdf} name={tpl.name} /> : <p class="load-line" role="status"><span class="boot-spinner" aria-hidden="true" />{t('viewer.loading')}</p>}
          </Section>
        </>
      )}
    </LoadView>
  );
}
