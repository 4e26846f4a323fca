/** Verify: a PDF from disk, checked by the server's verifier, with the report. */
import { useState } from 'preact/hooks';
import type { SignetApi, VerifyReportView } from '../../api/signet-api.js';
import { verifyFile } from '../../app/verify-file.js';
import { Button, ErrorNotice, Field, useAction } from '../components.js';
import { useT, useUi } from '../ui-context.js';

/** The Verify screen. */
export function VerifyScreen(props: { api: SignetApi }) {
  const t = useT();
  const { lang } = useUi();
  const [file, setFile] = useState<File>();
  const [report, setReport] = useState<VerifyReportView>();
  const verify = useAction(async () => {
    if (!file) return;
    setReport(undefined);
    setReport(await verifyFile(props.api, new Uint8Array(await file.arrayBuffer()), file.name));
  });
  const yes = (b: boolean) => (b ? t('verify.yes') : t('verify.no'));
  return (
    <div class="screen">
      <form aria-labelledby="verify-h" onSubmit={(e) => { e.preventDefault(); void verify.run(); }}>
        <h2 id="verify-h">{t('verify.heading')}</h2>
        <Field id="verify-file" label={t('verify.file')}>
          <input id="verify-file" type="file" accept="application/pdf,.pdf" required onChange={(e) => setFile(e.currentTarget.files?.[0])} />
        </Field>
        <Button type="submit" kind="primary" busy={verify.busy} disabled={!file}>{t('verify.button')}</Button>
        <ErrorNotice error={verify.error} />
      </form>
      {report && (
        <section class="report" aria-live="polite" aria-labelledby="verify-result-h">
          <h3 id="verify-result-h" class={report.valid ? 'ok' : 'bad'}>
            {report.valid ? t('verify.valid') : t('verify.invalid')}{lang === 'zh-CN' ? `：${report.summaryZh}` : `: ${report.summary}`}
          </h3>
          <p class="muted">{t('verify.signatures', { count: report.signatureCount, revisions: report.revisionCount })}</p>
          <ol class="cards">
            {report.signatures.map((s) => (
              <li key={s.index} class="card">
                <div class="row">
                  <strong class="grow">{s.signer?.commonName ?? s.signer?.subject ?? s.fieldName}</strong>
                  <span class={`badge ${s.indication === 'TOTAL_PASSED' ? 'badge-completed' : 'badge-rejected'}`}>{s.indication}</span>
                </div>
                {s.type === 'doc-timestamp' && <p class="hint">{t('verify.docTimestamp')}</p>}
                <dl class="facts">
                  {s.signer?.organization && <><dt>{t('verify.signer')}</dt><dd>{s.signer.organization}</dd></>}
                  {s.claimedTime && <><dt>{t('verify.time')}</dt><dd>{new Date(s.claimedTime).toLocaleString(lang)}</dd></>}
                  {s.timestamp && <><dt>{t('verify.timestamp')}</dt><dd>{new Date(s.timestamp.time).toLocaleString(lang)} ({yes(s.timestamp.valid && s.timestamp.trusted)})</dd></>}
                  <dt>{t('verify.ltv')}</dt><dd>{yes(s.ltv)}</dd>
                  <dt>{t('verify.level')}</dt><dd>{s.padesLevel}</dd>
                  {s.page !== null && <><dt>{t('verify.page')}</dt><dd>{s.page}</dd></>}
                  {s.revision !== undefined && <><dt>{t('verify.revision')}</dt><dd>{t('verify.revisionOf', { n: s.revision, count: report.revisionCount })}</dd></>}
                </dl>
                {s.problems.length > 0 && <><p>{t('verify.problems')}</p><ul>{s.problems.map((p, i) => <li key={i}>{p}</li>)}</ul></>}
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}
