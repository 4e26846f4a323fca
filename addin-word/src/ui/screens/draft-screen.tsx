/** Draft: the template and clause library, variables, and party markers. */
import { useEffect, useState } from 'preact/hooks';
import type { AppDeps } from '../../app/app-deps.js';
import { readOutline, type DocumentOutline } from '../../app/document-outline.js';
import { insertClause, insertVariableAtCursor, loadLibrary, makeVariable, markParty, type Library } from '../../app/draft.js';
import { MARKER_KINDS, type MarkerKind } from '../../office/signet-tag.js';
import { Button, ErrorNotice, Field, Section, Status, describedBy, useAction } from '../components.js';
import { useT } from '../ui-context.js';

/** The Draft screen. */
export function DraftScreen(props: { deps: AppDeps }) {
  const t = useT();
  const { deps } = props;
  const [library, setLibrary] = useState<Library>();
  const [outline, setOutline] = useState<DocumentOutline>();
  const [query, setQuery] = useState('');
  const [varName, setVarName] = useState('');
  const [kind, setKind] = useState<MarkerKind>('sign');
  const [role, setRole] = useState('partyA');
  const [status, setStatus] = useState('');

  const load = useAction(async (q?: string) => {
    const [lib, out] = await Promise.all([loadLibrary(deps, q), readOutline(deps.gateway)]);
    setLibrary(lib);
    setOutline(out);
  });
  const refreshOutline = async () => setOutline(await readOutline(deps.gateway));
  const act = useAction(async (what: () => Promise<string>) => {
    setStatus('');
    setStatus(await what());
    await refreshOutline();
  });
  useEffect(() => { void load.run(); }, []);

  return (
    <div class="screen">
      <Section title={t('draft.library')} id="draft-library-h">
        <form class="row" role="search" onSubmit={(e) => { e.preventDefault(); void load.run(query); }}>
          <label class="sr-only" for="library-q">{t('draft.search')}</label>
          <input id="library-q" type="search" placeholder={t('draft.search')} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
          <Button type="submit" busy={load.busy}>{t('draft.searchButton')}</Button>
        </form>
        <ErrorNotice error={load.error} />
        <h3>{t('draft.clauses')}</h3>
        {library && library.clauses.length === 0 && <p class="hint">{t('draft.noClauses')}</p>}
        <ul class="list">
          {library?.clauses.map((c) => (
            <li key={c.id} class="list-item">
              <span class="grow">{c.title}{c.category && <small class="muted"> · {c.category}</small>}</span>
              <Button label={t('draft.insertClauseLabel', { title: c.title })} busy={act.busy}
                onClick={() => void act.run(async () => { await insertClause(deps, c); return t('draft.clauseInserted', { title: c.title }); })}>
                {t('draft.insertClause')}
              </Button>
            </li>
          ))}
        </ul>
        <h3>{t('draft.templates')}</h3>
        {library && library.templates.length === 0 && <p class="hint">{t('draft.noTemplates')}</p>}
        <ul class="list">
          {library?.templates.map((tpl) => (
            <li key={tpl.id} class="list-item list-item-stack">
              <span>{tpl.name}</span>
              {tpl.variables.length > 0 && (
                <ul class="chips" aria-label={t('draft.templateVars', { vars: tpl.variables.join('、') })}>
                  {tpl.variables.map((v) => (
                    <li key={v}>
                      <button type="button" class="chip chip-button" aria-label={t('draft.insertVariableLabel', { name: v })} disabled={act.busy}
                        onClick={() => void act.run(async () => { await insertVariableAtCursor(deps, v); return t('draft.variableInserted', { name: v }); })}>
                        + {v}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      </Section>

      <Section title={t('draft.variable')} id="draft-variable-h">
        <form onSubmit={(e) => { e.preventDefault(); void act.run(async () => { const c = await makeVariable(deps, varName); setVarName(''); return t('draft.variableMade', { name: c.tag.kind === 'var' ? c.tag.name : varName }); }); }}>
          <Field id="var-name" label={t('draft.variableName')} hint={t('draft.variableHint')}>
            <input id="var-name" required maxLength={40} value={varName} aria-describedby={describedBy('var-name', { hint: true })}
              onInput={(e) => setVarName(e.currentTarget.value)} />
          </Field>
          <Button type="submit" kind="primary" busy={act.busy}>{t('draft.makeVariable')}</Button>
        </form>
      </Section>

      <Section title={t('draft.parties')} id="draft-parties-h">
        <form onSubmit={(e) => { e.preventDefault(); void act.run(async () => { const c = await markParty(deps, kind, role); return t('draft.markerInserted', { anchor: c.tagText }); }); }}>
          <p class="hint" id="parties-hint">{t('draft.partiesHint')}</p>
          <div class="row row-top">
            <Field id="marker-kind" label={t('draft.markerKind')}>
              <select id="marker-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as MarkerKind)}>
                {MARKER_KINDS.map((k) => <option key={k} value={k}>{t(`marker.${k}`)}</option>)}
              </select>
            </Field>
            <Field id="marker-role" label={t('draft.role')} hint={t('draft.roleHint')}>
              <input id="marker-role" required maxLength={32} pattern="[A-Za-z][A-Za-z0-9_\-]*" list="known-roles" value={role}
                aria-describedby={describedBy('marker-role', { hint: true })} onInput={(e) => setRole(e.currentTarget.value)} />
            </Field>
          </div>
          <datalist id="known-roles">
            {[...new Set(['partyA', 'partyB', ...(outline?.roles ?? [])])].map((r) => <option key={r} value={r} />)}
          </datalist>
          <Button type="submit" kind="primary" busy={act.busy}>{t('draft.insertMarker')}</Button>
        </form>
      </Section>
      {status && <Status>{status}</Status>}
      <ErrorNotice error={act.error} />

      <Section title={t('draft.outline')} id="draft-outline-h">
        <h3>{t('draft.variables')}</h3>
        {outline && outline.variables.length === 0 && <p class="hint">{t('draft.none')}</p>}
        <ul class="chips" aria-label={t('draft.variables')}>
          {outline?.variables.map((v) => <li key={v.name} class="chip">{v.name}</li>)}
        </ul>
        <h3>{t('draft.markers')}</h3>
        {outline && outline.markers.length === 0 && <p class="hint">{t('draft.none')}</p>}
        <ul class="chips" aria-label={t('draft.markers')}>
          {outline?.markers.map((m) => <li key={m.controlId} class="chip chip-marker">{t(`marker.${m.kind}`)} · {m.role}</li>)}
        </ul>
        <Button onClick={() => void load.run(query)} busy={load.busy}>{t('common.refresh')}</Button>
      </Section>
    </div>
  );
}
