/**
 * The signing sheet: the steps the contract's policy asks for, in order — real-name verification
 * when the person is not verified yet (name and ID number, checked with the mobile's operator,
 * then the SMS code), the handwritten signature (unless the policy forbids it), and the
 * willingness check (SMS code with a 60-second resend countdown, or the signing password) —
 * then the signature itself. Errors are shown in words next to the control they concern.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { errorText, isApiError } from '../shared/api-client.js';
import { Button, Dialog, Field, Notice, describedBy, useToast } from '../shared/components.js';
import { useI18n } from '../shared/i18n.js';
import type { InkStroke } from '../shared/ink.js';
import type { ChallengeView, LinkApi, LinkPageView, PageWillingness } from '../shared/link-api.js';
import { SignaturePad } from '../shared/signature-pad.js';
import type { SharedKey } from '../shared/strings.js';
import { isValidIdNumber, normalizeIdNumber } from './id-number.js';
import type { SignKey } from './sign-strings.js';

type Key = SharedKey | SignKey;

/** A step of the sheet. */
export type SheetStep = 'identity' | 'handwriting' | 'willingness';

/** The steps `view` needs, in order. */
export function stepsFor(view: LinkPageView): SheetStep[] {
  const steps: SheetStep[] = [];
  if (view.actions.includes('verify_identity')) steps.push('identity');
  if (view.me.kind === 'person' && view.willingness.handwriting !== 'forbidden') steps.push('handwriting');
  steps.push('willingness');
  return steps;
}

/** The sheet. It reports the signed view (or a fresh view after a change it cannot continue from). */
export function SignSheet(props: {
  api: LinkApi;
  view: LinkPageView;
  strokes: InkStroke[];
  onStrokes: (s: InkStroke[]) => void;
  /** What the signer typed into their text fields, by field name. */
  values?: Record<string, string>;
  /** Open at this step (a tap on a field opens the handwriting). */
  start?: SheetStep;
  onClose: () => void;
  onSigned: (view: LinkPageView) => void;
  onIdentityPassed: () => Promise<LinkPageView>;
}) {
  const { t } = useI18n<Key>();
  const [view, setView] = useState(props.view);
  const steps = useMemo(() => stepsFor(props.view), []);
  const [step, setStep] = useState<SheetStep>(() => {
    const first = steps[0];
    // The signature can be drawn before the identity check, but nothing is signed before it.
    return props.start && steps.includes(props.start) ? props.start : first;
  });
  const [identityDone, setIdentityDone] = useState(!steps.includes('identity'));
  // When the identity step last sent a code: the same mobile gets one code a minute.
  const [smsAt, setSmsAt] = useState(0);
  const [signing, setSigning] = useState(false);
  const idx = steps.indexOf(step);
  const body = useRef<HTMLDivElement>(null);
  const first = useRef(true);
  // A new step moves focus to its heading, so that screen readers announce it and Tab starts there.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    body.current?.querySelector<HTMLElement>('.step-title')?.focus();
  }, [step]);
  const next = () => {
    const rest = steps.slice(idx + 1);
    const target = !identityDone && steps.includes('identity') && step !== 'identity' && rest.every((s) => s === 'willingness') ? 'identity' : rest[0];
    if (target) setStep(target);
  };
  const org = view.me.kind === 'organization';

  return (
    <Dialog title={t('sign.sheet.title')} onClose={signing ? undefined : props.onClose} wide>
      {steps.length > 1 && (
        <ol class="steps" aria-label={t('sign.sheet.steps')}>
          {steps.map((s, i) => (
            <li key={s} data-state={s === step ? 'current' : (s === 'identity' ? identityDone : i < idx) ? 'done' : 'todo'} aria-current={s === step ? 'step' : undefined}>
              {t(`sign.step.${s}`)}
            </li>
          ))}
        </ol>
      )}
      {signing && (
        <div class="signing-overlay" role="status">
          <span class="boot-spinner" aria-hidden="true" />
          <p><b>{t('sign.signing')}</b></p>
          <p class="hint">{t('sign.signingDetail')}</p>
        </div>
      )}
      <div hidden={signing} ref={body}>
        {step === 'identity' && (
          <IdentityStep api={props.api} view={view} onCodeSent={() => setSmsAt(Date.now())} onDone={async () => {
            setIdentityDone(true);
            setView(await props.onIdentityPassed());
            const after = steps.slice(steps.indexOf('identity') + 1);
            setStep(after.find((s) => s !== 'handwriting' || props.strokes.length === 0) ?? 'willingness');
          }} />
        )}
        {step === 'handwriting' && (
          <HandwritingStep view={view} strokes={props.strokes} onStrokes={props.onStrokes} onNext={next} />
        )}
        {step === 'willingness' && (
          <WillingnessStep api={props.api} view={view} org={org} onSigning={setSigning} strokes={props.strokes} values={props.values} onSigned={props.onSigned}
            smsCooldownUntil={smsAt ? smsAt + RESEND_SECONDS * 1000 : 0}
            onNeedIdentity={() => { setIdentityDone(false); setStep('identity'); }} />
        )}
      </div>
    </Dialog>
  );
}

function IdentityStep(props: { api: LinkApi; view: LinkPageView; onCodeSent: () => void; onDone: () => Promise<void> }) {
  const { t, lang } = useI18n<Key>();
  const [name, setName] = useState(props.view.me.name);
  const [id, setId] = useState('');
  const [code, setCode] = useState('');
  const [pending, setPending] = useState<{ verificationId: string; mobile?: string } | undefined>();
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ name?: string; id?: string; code?: string; form?: string }>({});
  const codeRef = useRef<HTMLInputElement>(null);

  const send = async (e: Event) => {
    e.preventDefault();
    const errs: typeof errors = {};
    if (!name.trim()) errs.name = t('sign.identity.nameRequired');
    if (!isValidIdNumber(id)) errs.id = t('sign.identity.idInvalid');
    setErrors(errs);
    if (errs.name || errs.id) return;
    setBusy(true);
    try {
      const v = await props.api.startIdentity(name.trim(), normalizeIdNumber(id));
      if (v.status === 'passed') return await props.onDone();
      props.onCodeSent();
      setPending({ verificationId: v.verificationId, mobile: v.mobileMasked });
      requestAnimationFrame(() => codeRef.current?.focus());
    } catch (err) {
      setErrors({ form: errorText(err, t, lang) });
    } finally {
      setBusy(false);
    }
  };
  const confirm = async (e: Event) => {
    e.preventDefault();
    if (!/^\d{4,8}$/.test(code.trim())) return setErrors({ code: t('sign.will.codeInvalid') });
    setBusy(true);
    try {
      const v = await props.api.confirmIdentity(pending!.verificationId, code.trim());
      if (v.status === 'passed') await props.onDone();
      else setErrors({ form: v.failedReason ?? t('error.IDENTITY_CHECK_FAILED') });
    } catch (err) {
      setErrors({ code: errorText(err, t, lang) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="step-identity">
      <h3 id="step-identity" class="step-title" tabIndex={-1}>{t('sign.step.identity')}</h3>
      <p class="step-intro">{t('sign.identity.intro')}</p>
      <form onSubmit={send} noValidate>
        <Field id="id-name" label={t('sign.identity.name')} hint={t('sign.identity.nameHint')} error={errors.name}>
          <input id="id-name" class="input" autocomplete="name" value={name} disabled={!!pending} aria-invalid={errors.name ? 'true' : undefined}
            aria-describedby={describedBy('id-name', { hint: true, error: errors.name })} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <Field id="id-number" label={t('sign.identity.id')} hint={t('sign.identity.idHint')} error={errors.id}>
          <input id="id-number" class="input mono" autocomplete="off" spellcheck={false} maxLength={22} value={id} disabled={!!pending}
            aria-invalid={errors.id ? 'true' : undefined} aria-describedby={describedBy('id-number', { hint: true, error: errors.id })}
            onInput={(e) => setId((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        {!pending && <Button kind="primary" block type="submit" busy={busy}>{t('sign.identity.send')}</Button>}
      </form>
      {pending && (
        <form onSubmit={confirm} noValidate>
          <Notice tone="info">{t('sign.identity.sent', { mobile: pending.mobile ?? '' })}</Notice>
          <div class="gap" />
          <Field id="id-code" label={t('sign.identity.code')} error={errors.code}>
            <input ref={codeRef} id="id-code" class="input input-code" inputMode="numeric" autocomplete="one-time-code" maxLength={8} value={code}
              aria-invalid={errors.code ? 'true' : undefined} aria-describedby={describedBy('id-code', { error: errors.code })}
              onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value.replace(/\D/g, ''))} />
          </Field>
          <Button kind="primary" block type="submit" busy={busy}>{t('sign.identity.confirm')}</Button>
        </form>
      )}
      {errors.form && <div class="gap"><Notice tone="bad" alert>{errors.form}</Notice></div>}
    </section>
  );
}

function HandwritingStep(props: { view: LinkPageView; strokes: InkStroke[]; onStrokes: (s: InkStroke[]) => void; onNext: () => void }) {
  const { t } = useI18n<Key>();
  const required = props.view.willingness.handwriting === 'required';
  const [error, setError] = useState<string | undefined>();
  const use = () => {
    if (props.strokes.length === 0) return setError(t('pad.empty'));
    setError(undefined);
    props.onNext();
  };
  return (
    <section aria-labelledby="step-hand">
      <h3 id="step-hand" class="step-title" tabIndex={-1}>{t('sign.step.handwriting')}</h3>
      <p class="step-intro">{t('sign.hand.intro')}{required ? ` ${t('sign.hand.required')}` : ''}</p>
      <SignaturePad id="signature-pad" strokes={props.strokes} onChange={(s) => { setError(undefined); props.onStrokes(s); }} />
      {error && <p class="field-error" role="alert">{error}</p>}
      <div class="step-actions">
        <Button kind="primary" block onClick={use}>{t('sign.hand.use')}</Button>
        {!required && <button type="button" class="link-btn" onClick={() => { props.onStrokes([]); props.onNext(); }}>{t('sign.hand.skip')}</button>}
      </div>
    </section>
  );
}

const RESEND_SECONDS = 60;

function WillingnessStep(props: {
  api: LinkApi;
  view: LinkPageView;
  org: boolean;
  strokes: InkStroke[];
  values?: Record<string, string>;
  onSigning: (b: boolean) => void;
  onSigned: (view: LinkPageView) => void;
  onNeedIdentity: () => void;
  /** No code can go to this mobile before this time (a code was just sent for the identity check). */
  smsCooldownUntil: number;
}) {
  const { t, lang } = useI18n<Key>();
  const toast = useToast();
  const { view } = props;
  const methods = view.willingness.available.filter((m): m is PageWillingness => m === 'sms_otp' || m === 'password');
  const [method, setMethod] = useState<PageWillingness | undefined>(methods[0]);
  const [challenge, setChallenge] = useState<ChallengeView | undefined>();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState<'send' | 'confirm' | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [now, setNow] = useState(Date.now());
  const codeRef = useRef<HTMLInputElement>(null);
  const sentAt = useRef(0);
  const [cooldownUntil, setCooldownUntil] = useState(props.smsCooldownUntil);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const resendAt = challenge?.method === 'sms_otp' ? (challenge.resendAfter ? Date.parse(challenge.resendAfter) : sentAt.current + RESEND_SECONDS * 1000) : 0;
  const wait = Math.max(0, Math.ceil((Math.max(resendAt, cooldownUntil) - now) / 1000));

  const sendCode = async () => {
    setBusy('send');
    setError(undefined);
    try {
      const c = challenge ? await props.api.resendWillingness(challenge.challengeId) : await props.api.startWillingness(view.contract.id, 'sms_otp');
      if (challenge) toast(t('sign.will.resent'), 'ok');
      sentAt.current = Date.now();
      setChallenge(c);
      setNow(Date.now());
      requestAnimationFrame(() => codeRef.current?.focus());
    } catch (e) {
      // One code a minute per mobile: wait it out on the button instead of an error.
      const retryAt = isApiError(e, 'RATE_LIMITED') && typeof e.details?.retryAt === 'string' ? Date.parse(e.details.retryAt) : NaN;
      if (Number.isFinite(retryAt) && retryAt - Date.now() < 5 * 60_000) {
        setCooldownUntil(retryAt);
        setNow(Date.now());
      } else {
        setError(errorText(e, t, lang));
      }
    } finally {
      setBusy(undefined);
    }
  };

  const confirm = async (e: Event) => {
    e.preventDefault();
    if (method === 'sms_otp' && !/^\d{6}$/.test(code)) return setError(t('sign.will.codeInvalid'));
    if (method === 'password' && !password) return setError(t('sign.will.passwordRequired'));
    setBusy('confirm');
    setError(undefined);
    let proofId: string;
    try {
      const c = method === 'password' && (!challenge || challenge.method !== 'password') ? await props.api.startWillingness(view.contract.id, 'password') : challenge!;
      if (method === 'password') setChallenge(c);
      const proof = await props.api.confirmWillingness(c.challengeId, method === 'sms_otp' ? { code } : { password });
      proofId = proof.proofId;
    } catch (err) {
      setBusy(undefined);
      setError(errorText(err, t, lang));
      if (isApiError(err, 'IDENTITY_NOT_VERIFIED')) props.onNeedIdentity();
      return;
    }
    props.onSigning(true);
    try {
      props.onSigned(await props.api.sign(proofId, props.strokes, props.values));
    } catch (err) {
      props.onSigning(false);
      setBusy(undefined);
      setChallenge(undefined);
      setCode('');
      setError(errorText(err, t, lang));
      if (isApiError(err, 'IDENTITY_NOT_VERIFIED')) props.onNeedIdentity();
    }
  };
  if (!method) {
    const faceOnly = view.willingness.available.includes('face') || view.willingness.methods.includes('face');
    return (
      <section aria-labelledby="step-will">
        <h3 id="step-will" class="step-title" tabIndex={-1}>{t('sign.step.willingness')}</h3>
        <Notice tone="warn">{faceOnly ? t('sign.will.faceOnly') : t('sign.will.none')}</Notice>
      </section>
    );
  }
  return (
    <section aria-labelledby="step-will">
      <h3 id="step-will" class="step-title" tabIndex={-1}>{t('sign.step.willingness')}</h3>
      <p class="step-intro">{t('sign.will.intro')}</p>
      {methods.length > 1 && (
        <fieldset class="segmented">
          <legend>{t('sign.will.method')}</legend>
          {methods.map((m) => (
            <label key={m} class={method === m ? 'is-on' : ''}>
              <input type="radio" name="will-method" value={m} checked={method === m} onChange={() => { setMethod(m); setError(undefined); }} />
              {m === 'sms_otp' ? t('sign.will.sms') : t('sign.will.password')}
            </label>
          ))}
        </fieldset>
      )}
      <form onSubmit={confirm} noValidate>
        {method === 'sms_otp' && (
          <>
            <Field id="will-code" label={t('sign.will.code')} hint={challenge ? (challenge.maskedMobile ? t('sign.will.sent', { mobile: challenge.maskedMobile }) : t('sign.will.sentNoMobile')) : t('sign.will.codeHint')} error={error}>
              <div class="inline-row">
                <input ref={codeRef} id="will-code" class="input input-code" inputMode="numeric" autocomplete="one-time-code" maxLength={6} value={code}
                  aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy('will-code', { hint: true, error })}
                  onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value.replace(/\D/g, '').slice(0, 6))} />
                <Button kind="secondary" busy={busy === 'send'} disabled={wait > 0} onClick={() => void sendCode()}>
                  {challenge
                    ? (wait > 0 ? t('sign.will.resendIn', { seconds: wait }) : t('sign.will.resend'))
                    : (wait > 0 ? t('sign.will.sendIn', { seconds: wait }) : t('sign.will.send'))}
                </Button>
              </div>
            </Field>
            {!challenge && wait > 0 && <div class="cooldown" role="status"><Notice tone="info">{t('sign.will.cooldown')}</Notice></div>}
          </>
        )}
        {method === 'password' && (
          <Field id="will-password" label={t('sign.will.passwordLabel')} error={error}>
            <input id="will-password" class="input" type="password" autocomplete="current-password" value={password}
              aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy('will-password', { error })}
              onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} />
          </Field>
        )}
        <p class="agree hint">{t('sign.will.agree')}</p>
        <Button kind="primary" block type="submit" busy={busy === 'confirm'} disabled={method === 'sms_otp' && !challenge}>
          {props.org ? t('sign.will.confirmSeal') : t('sign.will.confirm')}
        </Button>
      </form>
    </section>
  );
}
