/**
 * Sign it myself: my role, my signature or a granted seal, the SMS willingness check, then the
 * signed PDF to open or download. The screen says plainly that Word cannot hold a signed PDF.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SessionInfo, SigningOption } from '../../api/signet-api.js';
import type { AppDeps } from '../../app/app-deps.js';
import { readOutline } from '../../app/document-outline.js';
import { finishSelfSign, signingOptions, startSelfSign, type SelfSignResult, type SelfSignStart } from '../../app/sign-myself.js';
import { Button, ErrorNotice, Field, Status, useAction } from '../components.js';
import { objectUrl, saveDownload } from '../download.js';
import { useT } from '../ui-context.js';

/** The Sign screen. */
export function SignScreen(props: { deps: AppDeps; session: SessionInfo }) {
  const t = useT();
  const { deps } = props;
  const [roles, setRoles] = useState<string[]>();
  const [options, setOptions] = useState<SigningOption[]>([]);
  const [role, setRole] = useState('');
  const [optionId, setOptionId] = useState('');
  const [started, setStarted] = useState<SelfSignStart>();
  const [code, setCode] = useState('');
  const [result, setResult] = useState<SelfSignResult & { url: string }>();

  const load = useAction(async () => {
    const [outline, opts] = await Promise.all([readOutline(deps.gateway), signingOptions(deps)]);
    setRoles(outline.roles);
    setRole((r) => r || outline.roles[0] || '');
    setOptions(opts);
    setOptionId((o) => o || opts[0]?.id || '');
  });
  const start = useAction(async () => {
    setResult(undefined);
    setStarted(await startSelfSign(deps, { role, session: props.session, mobile: '' }));
  });
  const finish = useAction(async () => {
    if (!started) return;
    const r = await finishSelfSign(deps, started, { code, optionId });
    setResult({ ...r, url: objectUrl(r.pdf, 'application/pdf') });
    setStarted(undefined);
    setCode('');
  });
  useEffect(() => { void load.run(); }, []);
  useEffect(() => () => { if (result) URL.revokeObjectURL(result.url); }, [result]);

  return (
    <div class="screen">
      <h2 id="sign-h">{t('sign.heading')}</h2>
      <p class="notice" id="sign-notice">{t('sign.notice')}</p>
      <ErrorNotice error={load.error} />
      {roles && roles.length === 0 && <p class="hint">{t('sign.noRoles')}</p>}
      {roles && roles.length > 0 && !started && !result && (
        <form aria-labelledby="sign-h" aria-describedby="sign-notice" onSubmit={(e) => { e.preventDefault(); void start.run(); }}>
          <Field id="sign-role" label={t('sign.role')}>
            <select id="sign-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
              {roles.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          </Field>
          <fieldset class="group">
            <legend>{t('sign.option')}</legend>
            {options.length === 0 && <p class="hint">{t('sign.noOptions')}</p>}
            {options.map((o) => (
              <label key={o.id} class="check">
                <input type="radio" name="sign-option" value={o.id} checked={optionId === o.id} onChange={() => setOptionId(o.id)} />
                {o.label}{o.enterpriseName && <small class="muted"> · {o.enterpriseName}</small>}
              </label>
            ))}
          </fieldset>
          <Button type="submit" kind="primary" busy={start.busy} disabled={!optionId}>{t('sign.start')}</Button>
          <ErrorNotice error={start.error} />
        </form>
      )}
      {started && (
        <form onSubmit={(e) => { e.preventDefault(); void finish.run(); }}>
          <Status>{t('sign.codeSent', { mobile: started.challenge.maskedMobile ?? '' })}</Status>
          <Field id="sign-code" label={t('sign.code')}>
            <input id="sign-code" required inputMode="numeric" autocomplete="one-time-code" maxLength={8} value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          </Field>
          <Button type="submit" kind="primary" busy={finish.busy}>{t('sign.finish')}</Button>
          <ErrorNotice error={finish.error} />
        </form>
      )}
      {result && (
        <div class="result">
          <Status>{t('sign.done', { title: result.contract.title })}</Status>
          <div class="row">
            <Button kind="primary" onClick={() => saveDownload({ bytes: result.pdf, fileName: result.fileName, mediaType: 'application/pdf' })}>{t('sign.download')}</Button>
            <Button onClick={() => deps.gateway.openInBrowser(deps.api.signedPdfUrl(result.contract.id))}>{t('sign.open')}</Button>
          </div>
        </div>
      )}
    </div>
  );
}
