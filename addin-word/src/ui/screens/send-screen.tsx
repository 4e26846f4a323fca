/**
 * Send: signers (persons by name and mobile; organizations by enterprise, with an optional seal),
 * each with the role of their markers and an order, a deadline and policies; then export the PDF
 * and send.
 */
import { useEffect, useState } from 'preact/hooks';
import {
  WILLINGNESS_METHODS, type SealView, type SendPolicies, type SessionInfo, type SignerDraft, type SigningLevel, type WillingnessMethod,
} from '../../api/signet-api.js';
import type { AppDeps } from '../../app/app-deps.js';
import { readOutline, type DocumentOutline } from '../../app/document-outline.js';
import { DEFAULT_POLICIES, sendForSignature, type FormProblem, type SendOutcome } from '../../app/send-for-signature.js';
import { Button, ErrorNotice, Field, Section, Status, describedBy, problemsOf, useAction } from '../components.js';
import { DocxFallback } from '../docx-fallback.js';
import { useT } from '../ui-context.js';

const LEVELS: SigningLevel[] = ['B-T', 'B-LT', 'B-LTA'];
const CERTIFY: SendPolicies['certify'][] = [0, 1, 2, 3];
const HANDWRITING: SendPolicies['handwriting'][] = ['optional', 'required', 'forbidden'];

/** `datetime-local` value for a date (local time, minutes). */
function localInputValue(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function emptySigner(role: string, order: number): SignerDraft {
  return { kind: 'person', name: '', mobile: '', role, order };
}

/** The Send screen. */
export function SendScreen(props: { deps: AppDeps; session: SessionInfo; onSent?(o: SendOutcome): void }) {
  const t = useT();
  const { deps, session } = props;
  const mine = session.enterprise;
  const [seals, setSeals] = useState<SealView[]>([]);
  const [outline, setOutline] = useState<DocumentOutline>();
  const [title, setTitle] = useState('');
  const [signers, setSigners] = useState<SignerDraft[]>([]);
  const [deadline, setDeadline] = useState(localInputValue(new Date(Date.now() + 7 * 86400_000)));
  const [policies, setPolicies] = useState<SendPolicies>(DEFAULT_POLICIES);
  const [sent, setSent] = useState<SendOutcome>();

  const load = useAction(async () => {
    // Seals are only for choosing one of my enterprise's; a person account without one has none.
    const [out, docTitle, sealList] = await Promise.all([readOutline(deps.gateway), deps.gateway.documentTitle(), mine ? deps.api.listSeals().catch(() => []) : []]);
    setSeals(sealList);
    setOutline(out);
    setTitle((cur) => cur || docTitle);
    setSigners((cur) => (cur.length ? cur : (out.roles.length ? out.roles : ['partyA']).map((r, i) => emptySigner(r, i + 1))));
  });
  const send = useAction(async () => {
    setSent(undefined);
    const outcome = await sendForSignature(deps, { title, signers, deadline: deadline ? new Date(deadline).toISOString() : undefined, policies });
    setSent(outcome);
    props.onSent?.(outcome);
  });
  useEffect(() => { void load.run(); }, []);

  const problems = problemsOf(send.error);
  const fieldError = (signer: number | undefined, field: FormProblem['field']) => {
    const p = problems.find((x) => x.signer === signer && x.field === field);
    return p ? t(p.key, p.params) : undefined;
  };
  const update = (i: number, patch: Partial<SignerDraft>) => setSigners(signers.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const setKind = (i: number, kind: SignerDraft['kind']) => setSigners(signers.map((s, j) => {
    if (j !== i) return s;
    const base: SignerDraft = { kind, name: s.name, mobile: s.mobile, role: s.role, order: s.order };
    return kind === 'person' ? base : { ...base, ...(mine ? { enterpriseId: mine.id, name: s.name || mine.name } : { enterpriseId: '' }) };
  }));
  const toggleMethod = (m: WillingnessMethod, on: boolean) => setPolicies({
    ...policies, willingness: on ? WILLINGNESS_METHODS.filter((x) => x === m || policies.willingness.includes(x)) : policies.willingness.filter((x) => x !== m),
  });

  return (
    <form class="screen" aria-labelledby="send-h" noValidate onSubmit={(e) => { e.preventDefault(); void send.run(); }}>
      <h2 id="send-h">{t('send.heading')}</h2>
      <ErrorNotice error={load.error} />
      <Field id="send-title" label={t('send.title')} error={fieldError(undefined, 'title')}>
        <input id="send-title" required maxLength={200} value={title} aria-invalid={fieldError(undefined, 'title') ? 'true' : undefined}
          aria-describedby={describedBy('send-title', { error: fieldError(undefined, 'title') })} onInput={(e) => setTitle(e.currentTarget.value)} />
      </Field>

      <Section title={t('send.signers')} id="send-signers-h">
        <p class="hint">{outline && (outline.roles.length ? t('send.rolesInDocument', { roles: outline.roles.join(', ') }) : t('send.noRolesInDocument'))}</p>
        {signers.map((s, i) => {
          const id = (f: string) => `signer-${i}-${f}`;
          const err = (f: FormProblem['field']) => fieldError(i, f);
          return (
            <fieldset key={i} class="signer">
              <legend>{t('send.signer', { n: i + 1 })}</legend>
              <Field id={id('kind')} label={t('send.kind')}>
                <select id={id('kind')} value={s.kind} onChange={(e) => setKind(i, e.currentTarget.value as SignerDraft['kind'])}>
                  <option value="person">{t('send.person')}</option>
                  <option value="organization">{t('send.organization')}</option>
                </select>
              </Field>
              <Field id={id('name')} label={t('send.name')} error={err('name')}>
                <input id={id('name')} required maxLength={100} autocomplete="name" value={s.name} aria-invalid={err('name') ? 'true' : undefined}
                  aria-describedby={describedBy(id('name'), { error: err('name') })} onInput={(e) => update(i, { name: e.currentTarget.value })} />
              </Field>
              {s.kind === 'organization' && (
                <>
                  <Field id={id('enterprise')} label={t('send.enterprise')}>
                    <select id={id('enterprise')} value={mine && s.enterpriseId === mine.id ? 'mine' : 'other'}
                      onChange={(e) => update(i, e.currentTarget.value === 'mine' && mine ? { enterpriseId: mine.id, name: s.name || mine.name } : { enterpriseId: '', seal: undefined })}>
                      {mine && <option value="mine">{t('send.myEnterprise', { name: mine.name })}</option>}
                      <option value="other">{t('send.otherEnterprise')}</option>
                    </select>
                  </Field>
                  {mine && s.enterpriseId === mine.id ? (
                    <Field id={id('seal')} label={t('send.seal')}>
                      <select id={id('seal')} value={s.seal ?? ''} onChange={(e) => update(i, { seal: e.currentTarget.value || undefined })}>
                        <option value="">{t('send.anySeal')}</option>
                        {seals.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
                      </select>
                    </Field>
                  ) : (
                    <Field id={id('enterprise-id')} label={t('send.enterpriseId')} hint={t('send.enterpriseIdHint')} error={err('enterprise')}>
                      <input id={id('enterprise-id')} required maxLength={128} value={s.enterpriseId ?? ''} aria-invalid={err('enterprise') ? 'true' : undefined}
                        aria-describedby={describedBy(id('enterprise-id'), { hint: true, error: err('enterprise') })} onInput={(e) => update(i, { enterpriseId: e.currentTarget.value })} />
                    </Field>
                  )}
                </>
              )}
              <Field id={id('mobile')} label={t(s.kind === 'person' ? 'send.mobile' : 'send.operatorMobile')} error={err('mobile')}>
                <input id={id('mobile')} type="tel" required={s.kind === 'person'} inputMode="numeric" maxLength={11} autocomplete="tel" value={s.mobile}
                  aria-invalid={err('mobile') ? 'true' : undefined} aria-describedby={describedBy(id('mobile'), { error: err('mobile') })}
                  onInput={(e) => update(i, { mobile: e.currentTarget.value })} />
              </Field>
              <div class="row row-top">
                <Field id={id('role')} label={t('send.role')} error={err('role')}>
                  <input id={id('role')} required maxLength={32} list="send-roles" value={s.role} aria-invalid={err('role') ? 'true' : undefined}
                    aria-describedby={describedBy(id('role'), { error: err('role') })} onInput={(e) => update(i, { role: e.currentTarget.value })} />
                </Field>
                <Field id={id('order')} label={t('send.order')} error={err('order')}>
                  <input id={id('order')} type="number" min={1} max={50} step={1} required value={s.order} class="narrow"
                    aria-invalid={err('order') ? 'true' : undefined} aria-describedby={describedBy(id('order'), { error: err('order') })}
                    onInput={(e) => update(i, { order: Number(e.currentTarget.value) })} />
                </Field>
              </div>
              {signers.length > 1 && (
                <Button kind="link" onClick={() => setSigners(signers.filter((_, j) => j !== i))}>{t('send.removeSigner', { n: i + 1 })}</Button>
              )}
            </fieldset>
          );
        })}
        <datalist id="send-roles">{outline?.roles.map((r) => <option key={r} value={r} />)}</datalist>
        <p class="hint">{t('send.orderHint')}</p>
        {fieldError(undefined, 'signers') && <ul class="field-error">{problems.filter((p) => p.field === 'signers').map((p, k) => <li key={k}>{t(p.key, p.params)}</li>)}</ul>}
        <Button onClick={() => setSigners([...signers, emptySigner(outline?.roles.find((r) => !signers.some((s) => s.role === r)) ?? '', signers.length + 1)])}>
          {t('send.addSigner')}
        </Button>
      </Section>

      <Section title={t('send.policies')} id="send-policies-h">
        <Field id="send-deadline" label={t('send.deadline')} error={fieldError(undefined, 'deadline')}>
          <input id="send-deadline" type="datetime-local" value={deadline} aria-invalid={fieldError(undefined, 'deadline') ? 'true' : undefined}
            aria-describedby={describedBy('send-deadline', { error: fieldError(undefined, 'deadline') })} onInput={(e) => setDeadline(e.currentTarget.value)} />
        </Field>
        <fieldset class="group">
          <legend>{t('send.willingness')}</legend>
          {WILLINGNESS_METHODS.map((m) => (
            <label key={m} class="check">
              <input type="checkbox" checked={policies.willingness.includes(m)} onChange={(e) => toggleMethod(m, e.currentTarget.checked)} />
              {t(`willingness.${m}`)}
            </label>
          ))}
          {fieldError(undefined, 'willingness') && <p class="field-error">{fieldError(undefined, 'willingness')}</p>}
        </fieldset>
        <Field id="send-level" label={t('send.level')}>
          <select id="send-level" value={policies.level} onChange={(e) => setPolicies({ ...policies, level: e.currentTarget.value as SigningLevel })}>
            {LEVELS.map((l) => <option key={l} value={l}>{t(`level.${l}`)}</option>)}
          </select>
        </Field>
        <Field id="send-certify" label={t('send.certify')}>
          <select id="send-certify" value={String(policies.certify)} onChange={(e) => setPolicies({ ...policies, certify: Number(e.currentTarget.value) as SendPolicies['certify'] })}>
            {CERTIFY.map((c) => <option key={c} value={String(c)}>{t(`certify.${c}`)}</option>)}
          </select>
        </Field>
        <Field id="send-handwriting" label={t('send.handwriting')}>
          <select id="send-handwriting" value={policies.handwriting} onChange={(e) => setPolicies({ ...policies, handwriting: e.currentTarget.value as SendPolicies['handwriting'] })}>
            {HANDWRITING.map((h) => <option key={h} value={h}>{t(`handwriting.${h}`)}</option>)}
          </select>
        </Field>
      </Section>

      <Button type="submit" kind="primary" busy={send.busy}>{t('send.button')}</Button>
      <ErrorNotice error={send.error} />
      <DocxFallback gateway={deps.gateway} error={send.error} />
      {sent && <Status>{t('send.sent', { id: sent.contract.id })}</Status>}
    </form>
  );
}
