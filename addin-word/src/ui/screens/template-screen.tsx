/** Save as template: publish the document (its PDF, with a signature or seal field at each marker) as an enterprise template. */
import { useEffect, useState } from 'preact/hooks';
import type { AppDeps } from '../../app/app-deps.js';
import { readOutline, type DocumentOutline } from '../../app/document-outline.js';
import { saveAsTemplate } from '../../app/save-template.js';
import { Button, ErrorNotice, Field, Status, useAction } from '../components.js';
import { DocxFallback } from '../docx-fallback.js';
import { useT } from '../ui-context.js';

/** The Template screen. */
export function TemplateScreen(props: { deps: AppDeps }) {
  const t = useT();
  const [name, setName] = useState('');
  const [outline, setOutline] = useState<DocumentOutline>();
  const [saved, setSaved] = useState('');
  const load = useAction(async () => {
    const [out, title] = await Promise.all([readOutline(props.deps.gateway), props.deps.gateway.documentTitle()]);
    setOutline(out);
    setName((n) => n || title);
  });
  const save = useAction(async () => {
    setSaved('');
    const tpl = await saveAsTemplate(props.deps, { name });
    setSaved(t('template.saved', { name: tpl.name }));
  });
  useEffect(() => { void load.run(); }, []);
  return (
    <form class="screen" aria-labelledby="tpl-h" onSubmit={(e) => { e.preventDefault(); void save.run(); }}>
      <h2 id="tpl-h">{t('template.heading')}</h2>
      <ErrorNotice error={load.error} />
      <Field id="tpl-name" label={t('template.name')}>
        <input id="tpl-name" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      {outline && <p class="hint">{t('template.summary', { markers: outline.markers.filter((m) => m.kind !== 'date').length })}</p>}
      {outline && outline.variables.length > 0 && <p class="hint">{t('template.variablesNote', { vars: outline.variables.map((v) => v.name).join('、') })}</p>}
      <Button type="submit" kind="primary" busy={save.busy}>{t('template.button')}</Button>
      {saved && <Status>{saved}</Status>}
      <ErrorNotice error={save.error} />
      <DocxFallback gateway={props.deps.gateway} error={save.error} />
    </form>
  );
}
