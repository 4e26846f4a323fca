/**
 * Sign it myself: a contract waiting for me, or this document signed by me alone now; then my
 * signature or a granted seal, the willingness check (SMS code or signing password), and the
 * signed PDF to download or open. The screen says plainly that Word cannot hold a signed PDF.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ContractView, SessionInfo, WillingnessChallenge, WillingnessMethod } from '../../api/signet-api.js';
import type { AppDeps } from '../../app/app-deps.js';
import { readOutline } from '../../app/document-outline.js';
import {
  contractsToSign, finishSigning, planSigning, signDocumentNow, startWillingnessCheck, type SigningChoice, type SigningPlan, type SigningResult,
} from '../../app/sign-myself.js';
import { Button, ErrorNotice, Field, Section, Status, useAction } from '../components.js';
import { DocxFallback } from '../docx-fallback.js';
import { objectUrl, saveDownload } from '../download.js';
import { useT } from '../ui-context.js';

/** The Sign screen. */
export function SignScreen(props: { deps: AppDeps; session: SessionInfo }) {
  const t = useT();
  const { deps, session } = props;
  const [waiting, setWaiting] = useState<ContractView[]>();
  const [roles, setRoles] = useState<string[]>([]);
  const [role, setRole] = useState('');
  const [as, setAs] = useState<'person' | 'organization'>('person');
  const [plan, setPlan] = useState<SigningPlan>();
  const [choiceId, setChoiceId] = useState('');
  const [method, setMethod] = useState<WillingnessMethod>('sms_otp');
  const [challenge, setChallenge] = useState<WillingnessChallenge>();
  const [secret, setSecret] = useState('');
  const [result, setResult] = useState<SigningResult & { urls: string[] }>();

  const load = useAction(async () => {
    const [list, outline] = await Promise.all([contractsToSign(deps, session), readOutline(deps.gateway)]);
    setWaiting(list);
    setRoles(outline.roles);
    setRole((r) => r || outline.roles[0] || '');
  });
  const adopt = (p: SigningPlan) => {
    setPlan(p);
    setChoiceId(p.choices[0]?.id ?? '');
    setMethod(p.methods[0]);
    setChallenge(undefined);
    setSecret('');
  };
  const choose = useAction(async (contractId: string) => adopt(await planSigning(deps, session, contractId)));
  const signNow = useAction(async () => adopt(await signDocumentNow(deps, session, { role, as })));
  const start = useAction(async () => { if (plan) setChallenge(await startWillingnessCheck(deps, plan, method)); });
  const finish = useAction(async () => {
    if (!plan || !challenge) return;
    const r = await finishSigning(deps, plan, { challenge, secret, choiceId });
    setResult({ ...r, urls: r.files.map((f) => objectUrl(f.bytes, f.mediaType)) });
    setPlan(undefined);
    setChallenge(undefined);
    setSecret('');
  });
  const back = () => {
    setPlan(undefined);
    setChallenge(undefined);
    setResult(undefined);
    void load.run();
  };
  useEffect(() => { void load.run(); }, []);
  useEffect(() => () => { for (const u of result?.urls ?? []) URL.revokeObjectURL(u); }, [result]);

  const choiceLabel = (c: SigningChoice) => {
    if (c.kind === 'default') return t('sign.defaultSignature', { name: session.user.name });
    if (c.kind === 'mark') return c.label || t('sign.savedMark');
    return c.label;
  };

  return (
    <div class="screen">
      <h2 id="sign-h">{t('sign.heading')}</h2>
      <p class="notice" id="sign-notice">{t('sign.notice')}</p>
      <ErrorNotice error={load.error} />

      {!plan && !result && (
        <>
          <Section title={t('sign.waiting')} id="sign-waiting-h">
            {waiting && waiting.length === 0 && <p class="hint">{t('sign.noneWaiting')}</p>}
            <ul class="cards">
              {waiting?.map((c) => (
                <li key={c.id} class="card row">
                  <span class="grow">{c.title}<br /><small class="muted">{c.id}</small></span>
                  <Button label={t('sign.signContract', { title: c.title })} busy={choose.busy} onClick={() => void choose.run(c.id)}>{t('sign.signShort')}</Button>
                </li>
              ))}
            </ul>
            <ErrorNotice error={choose.error} />
          </Section>
          <Section title={t('sign.now')} id="sign-now-h">
            <p class="hint">{t('sign.nowHint')}</p>
            {roles.length === 0 ? <p class="hint">{t('sign.noRoles')}</p> : (
              <form aria-labelledby="sign-now-h" onSubmit={(e) => { e.preventDefault(); void signNow.run(); }}>
                <Field id="sign-role" label={t('sign.role')}>
                  <select id="sign-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
                    {roles.map((r) => <option key={r} value={r}>{r}</option>)}
                  </select>
                </Field>
                <fieldset class="group">
                  <legend>{t('sign.as')}</legend>
                  <label class="check"><input type="radio" name="sign-as" checked={as === 'person'} onChange={() => setAs('person')} />{t('sign.asPerson', { name: session.user.name })}</label>
                  {session.enterprise && (
                    <label class="check"><input type="radio" name="sign-as" checked={as === 'organization'} onChange={() => setAs('organization')} />{t('sign.asEnterprise', { name: session.enterprise.name })}</label>
                  )}
                </fieldset>
                <Button type="submit" busy={signNow.busy}>{t('sign.createAndSign')}</Button>
                <ErrorNotice error={signNow.error} />
                <DocxFallback gateway={deps.gateway} error={signNow.error} />
              </form>
            )}
          </Section>
        </>
      )}

      {plan && (
        <section class="section" aria-labelledby="sign-plan-h">
          <h2 id="sign-plan-h">{plan.contract.title}</h2>
          <p class="muted">{t('sign.signingAs', { name: plan.signer.name, role: plan.signer.role ?? '—' })}</p>
          {!challenge ? (
            <form onSubmit={(e) => { e.preventDefault(); void start.run(); }}>
              <fieldset class="group">
                <legend>{t('sign.option')}</legend>
                {plan.choices.map((c) => (
                  <label key={c.id} class="check">
                    <input type="radio" name="sign-choice" value={c.id} checked={choiceId === c.id} onChange={() => setChoiceId(c.id)} />
                    {choiceLabel(c)}
                  </label>
                ))}
              </fieldset>
              <fieldset class="group">
                <legend>{t('sign.method')}</legend>
                {plan.methods.map((m) => (
                  <label key={m} class="check">
                    <input type="radio" name="sign-method" value={m} checked={method === m} onChange={() => setMethod(m)} />
                    {t(`willingness.${m}`)}
                  </label>
                ))}
                {method === 'password' && session.user.hasSigningPassword === false && <p class="hint">{t('sign.noSigningPassword')}</p>}
              </fieldset>
              <Button type="submit" kind="primary" busy={start.busy} disabled={!choiceId}>{method === 'sms_otp' ? t('sign.sendCode') : t('sign.next')}</Button>
              <Button kind="link" onClick={back}>{t('sign.back')}</Button>
              <ErrorNotice error={start.error} />
            </form>
          ) : (
            <form onSubmit={(e) => { e.preventDefault(); void finish.run(); }}>
              {challenge.method === 'sms_otp' ? (
                <>
                  <Status>{t('sign.codeSent', { mobile: challenge.maskedMobile ?? '' })}</Status>
                  <Field id="sign-code" label={t('sign.code')}>
                    <input id="sign-code" required inputMode="numeric" autocomplete="one-time-code" maxLength={8} value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
                  </Field>
                </>
              ) : (
                <Field id="sign-password" label={t('sign.password')}>
                  <input id="sign-password" type="password" required autocomplete="off" maxLength={64} value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
                </Field>
              )}
              <Button type="submit" kind="primary" busy={finish.busy}>{t('sign.finish')}</Button>
              <Button kind="link" onClick={back}>{t('sign.back')}</Button>
              <ErrorNotice error={finish.error} />
            </form>
          )}
        </section>
      )}

      {result && (
        <div class="result">
          <Status>{t('sign.done', { title: result.contract.title })}</Status>
          <p class="hint">{result.completed ? t('sign.completed') : t('sign.othersPending')}</p>
          {result.files.map((f, i) => (
            <div key={f.fileName} class="row">
              <Button kind="primary" label={result.files.length > 1 ? `${t('sign.download')} ${f.fileName}` : undefined} onClick={() => saveDownload(f)}>{t('sign.download')}</Button>
              <a href={result.urls[i]} target="_blank" rel="noopener">{t('sign.open')}</a>
            </div>
          ))}
          <Button kind="link" onClick={back}>{t('sign.back')}</Button>
        </div>
      )}
    </div>
  );
}
