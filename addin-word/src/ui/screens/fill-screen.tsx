/** Fill: one form for every variable in the document. */
import { useEffect, useState } from 'preact/hooks';
import type { AppDeps } from '../../app/app-deps.js';
import type { VariableInfo } from '../../app/document-outline.js';
import { fillAll, variableForm } from '../../app/fill-variables.js';
import { Button, ErrorNotice, Field, Status, useAction } from '../components.js';
import { useT } from '../ui-context.js';

/** The Fill screen. */
export function FillScreen(props: { deps: AppDeps }) {
  const t = useT();
  const [rows, setRows] = useState<VariableInfo[]>();
  const [values, setValues] = useState<Record<string, string>>({});
  const [status, setStatus] = useState('');
  const load = useAction(async () => {
    const vars = await variableForm(props.deps);
    setRows(vars);
    setValues(Object.fromEntries(vars.map((v) => [v.name, v.value])));
  });
  const fill = useAction(async () => {
    const out = await fillAll(props.deps, values);
    setStatus([t('fill.done', { count: out.filledControls }), out.unfilled.length ? t('fill.unfilled', { names: out.unfilled.join('、') }) : ''].filter(Boolean).join(' '));
  });
  useEffect(() => { void load.run(); }, []);
  return (
    <form class="screen" aria-labelledby="fill-h" onSubmit={(e) => { e.preventDefault(); setStatus(''); void fill.run(); }}>
      <h2 id="fill-h">{t('fill.heading')}</h2>
      <ErrorNotice error={load.error} />
      {rows && rows.length === 0 && <p class="hint">{t('fill.none')}</p>}
      {rows?.map((v, i) => (
        <Field key={v.name} id={`var-${i}`} label={v.name} hint={v.controlIds.length > 1 ? t('fill.occurrences', { count: v.controlIds.length }) : undefined}>
          <input id={`var-${i}`} name={v.name} value={values[v.name] ?? ''} onInput={(e) => setValues({ ...values, [v.name]: e.currentTarget.value })} />
        </Field>
      ))}
      {rows && rows.length > 0 && <Button type="submit" kind="primary" busy={fill.busy}>{t('fill.button')}</Button>}
      {status && <Status>{status}</Status>}
      <ErrorNotice error={fill.error} />
      <Button onClick={() => void load.run()} busy={load.busy}>{t('common.refresh')}</Button>
    </form>
  );
}
