/**
 * The public verification page `/verify`: pick or drop a PDF, get the verifier's report laid out
 * like Adobe Reader's signature panel — a green, amber or red verdict in plain words, then one
 * card per revision (who signed, when, whether the certificate is trusted, whether the document
 * changed after it and how, LTV, the field and its page, certification), with the technical
 * details one click away.
 */
import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { ObjectChange, SignatureReport, VerificationReport } from '@signet/core';
import { errorText } from '../shared/api-client.js';
import { Button, Footer, Notice, TopBar } from '../shared/components.js';
import { formatBytes, formatTime, useI18n, type Lang, type Translate } from '../shared/i18n.js';
import { IconAlert, IconCheckCircle, IconFile, IconInfo, IconLock, IconShield, IconUpload, IconXCircle } from '../shared/icons.js';
import type { SharedKey } from '../shared/strings.js';
import { verifyPdfFile } from '../shared/verify-api.js';
import { reportTone, signatureTone, type Tone } from './report-tone.js';
import type { VerifyKey } from './verify-strings.js';

type Key = SharedKey | VerifyKey;

type State =
  | { kind: 'idle' }
  | { kind: 'checking'; name: string }
  | { kind: 'done'; name: string; report: VerificationReport }
  | { kind: 'failed'; name: string; message: string };

/** The page. */
export function VerifyPage() {
  const { t, lang } = useI18n<Key>();
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  const check = async (file: File | undefined) => {
    if (!file) return;
    if (!/\.pdf$/i.test(file.name) && file.type !== 'application/pdf') {
      setState({ kind: 'failed', name: file.name, message: t('verify.onlyPdf') });
      return;
    }
    setState({ kind: 'checking', name: file.name });
    try {
      const report = await verifyPdfFile(file);
      setState({ kind: 'done', name: file.name, report });
    } catch (e) {
      setState({ kind: 'failed', name: file.name, message: errorText(e, t, lang) });
    }
    requestAnimationFrame(() => resultRef.current?.focus());
  };

  const reset = () => {
    setState({ kind: 'idle' });
    if (input.current) input.current.value = '';
    requestAnimationFrame(() => input.current?.focus());
  };

  return (
    <>
      <TopBar title={t('verify.title')} subtitle={t('app.brand')} />
      <main class="page verify">
        {state.kind !== 'done' && (
          <section class="card verify-hero" aria-labelledby="verify-heading">
            <div class="card-body">
              <div class="verify-hero-head">
                <IconShield class="verify-hero-icon" />
                <div>
                  <h2 id="verify-heading">{t('verify.title')}</h2>
                  <p class="muted">{t('verify.intro')}</p>
                </div>
              </div>
              <label
                class={`dropzone${over ? ' is-over' : ''}`}
                for="verify-file"
                onDragOver={(e) => { e.preventDefault(); setOver(true); }}
                onDragEnter={(e) => { e.preventDefault(); setOver(true); }}
                onDragLeave={() => setOver(false)}
                onDrop={(e) => { e.preventDefault(); setOver(false); void check(e.dataTransfer?.files[0]); }}
              >
                <IconUpload class="dropzone-icon" />
                <span class="btn btn-primary dropzone-btn" aria-hidden="true">{t('verify.pick')}</span>
                <span class="muted">{over ? t('verify.dropActive') : t('verify.drop')}</span>
                <input
                  ref={input}
                  id="verify-file"
                  class="visually-hidden"
                  type="file"
                  accept="application/pdf,.pdf"
                  aria-label={t('verify.inputLabel')}
                  disabled={state.kind === 'checking'}
                  onChange={(e) => void check((e.currentTarget as HTMLInputElement).files?.[0])}
                />
              </label>
              {state.kind === 'checking' && <p class="verify-progress" role="status"><span class="boot-spinner" aria-hidden="true" />{t('verify.checking', { name: state.name })}</p>}
              {state.kind === 'failed' && (
                <div ref={resultRef} tabIndex={-1} class="verify-failed">
                  <Notice tone="bad" alert>{t('verify.failed', { message: state.message })}</Notice>
                </div>
              )}
            </div>
          </section>
        )}
        {state.kind === 'done' && (
          <div ref={resultRef} tabIndex={-1} class="verify-result" aria-labelledby="verdict-title">
            <Verdict report={state.report} name={state.name} t={t} lang={lang} />
            {state.report.signatures.length > 0 && (
              <section class="sig-panel" aria-labelledby="panel-title">
                <h2 id="panel-title" class="section-title">{t('verify.panel')}</h2>
                {[...state.report.signatures].sort((a, b) => a.revision - b.revision).map((s) => <SignatureCard key={s.index} s={s} t={t} lang={lang} />)}
              </section>
            )}
            <div class="verify-again">
              <Button kind="primary" onClick={reset}><IconUpload />{t('verify.again')}</Button>
            </div>
            <p class="hint verify-howto"><IconInfo />{t('verify.howTo')}</p>
          </div>
        )}
      </main>
      <Footer />
    </>
  );
}

const TONE_ICON = { ok: IconCheckCircle, warn: IconAlert, bad: IconXCircle, none: IconInfo } as const;

function Verdict(props: { report: VerificationReport; name: string; t: Translate<Key>; lang: Lang }) {
  const { report: r, t } = props;
  const tone = reportTone(r);
  const Icon = TONE_ICON[tone];
  const title = tone === 'none' ? t('verify.summary.none') : t(`verify.summary.${tone}`);
  const text = tone === 'none' ? t('verify.summary.noneText') : t(`verify.summary.${tone}Text`);
  const certifier = r.signatures.find((s) => s.certification);
  return (
    <section class={`card verdict verdict-${tone === 'none' ? 'warn' : tone}`} data-tone={tone} aria-labelledby="verdict-title">
      <div class="verdict-head">
        <Icon class="verdict-icon" />
        <div>
          <h2 id="verdict-title">{title}</h2>
          <p>{text}</p>
          {r.certified && certifier && (
            <p class="verdict-cert"><IconLock />{t('verify.certifiedBy', { who: whoOf(certifier, t), what: t(`verify.certifiedP${r.certified.p}`) })}</p>
          )}
        </div>
      </div>
      <dl class="verdict-meta">
        <div><dt>{t('verify.file')}</dt><dd><IconFile />{props.name}</dd></div>
        <div><dt>{t('verify.size')}</dt><dd>{formatBytes(r.fileSize)} · {t('verify.revisions', { count: r.revisionCount })} · {t('verify.signatures', { count: r.signatureCount })}</dd></div>
        <div><dt>{t('verify.sha256')}</dt><dd class="mono">{r.fileSha256}</dd></div>
      </dl>
    </section>
  );
}

function whoOf(s: SignatureReport, t: Translate<Key>): string {
  return s.signer?.commonName ?? s.signer?.organization ?? t('verify.unknownSigner');
}

function Check(props: { ok: boolean | 'warn'; children: ComponentChildren }) {
  const tone = props.ok === true ? 'ok' : props.ok === 'warn' ? 'warn' : 'bad';
  const Icon = tone === 'ok' ? IconCheckCircle : tone === 'warn' ? IconAlert : IconXCircle;
  return <li class={`check check-${tone}`}><Icon /><span>{props.children}</span></li>;
}

function SignatureCard(props: { s: SignatureReport; t: Translate<Key>; lang: Lang }) {
  const { s, t, lang } = props;
  const tone: Tone = signatureTone(s);
  const intact = s.integrity.byteRangeValid && s.integrity.digestMatches && s.integrity.signatureValid;
  const headingId = `sig-${s.index}`;
  const title = s.type === 'doc-timestamp' ? t('verify.timestampBy') : t('verify.signedBy', { who: whoOf(s, t) });
  const time = s.timestamp?.time ?? s.claimedTime;
  const later = s.modifications.revisions.filter((r) => r.changes.length > 0);
  const pages = s.widgets ? [...new Set(s.widgets.map((w) => w.page).filter((p): p is number => p !== null))] : [];
  return (
    <article class={`card sig-card sig-${tone}`} data-tone={tone} aria-labelledby={headingId}>
      <header class="sig-head">
        <span class={`badge badge-${tone}`}>{t(`verify.badge.${tone}`)}</span>
        <h3 id={headingId}><span class="sig-rev">{t('verify.rev', { rev: s.revision })}</span> {title}</h3>
        {time && <p class="sig-time">{formatTime(time, lang, { seconds: true, zone: true })}</p>}
      </header>
      <ul class="checks">
        {!intact && <Check ok={false}>{t('verify.check.corrupt')}</Check>}
        {intact && !s.modifications.allowed && <Check ok={false}>{t('verify.check.illegal')}</Check>}
        {intact && s.modifications.allowed && (s.modifications.level === 'none' || s.modifications.level === 'lta-updates'
          ? <Check ok>{t(s.modifications.level === 'none' ? 'verify.check.intact' : 'verify.check.intactLta')}</Check>
          : <Check ok>{t('verify.check.allowedChanges', { what: t(`verify.changes.level.${s.modifications.level}` as Key) })}</Check>)}
        {s.type === 'signature' && (s.certificate.trusted
          ? <Check ok>{t('verify.check.identityOk')}</Check>
          : <Check ok="warn">{t('verify.check.identityUnknown')}</Check>)}
        {s.timestamp
          ? (s.timestamp.valid && s.timestamp.trusted
            ? <Check ok>{t('verify.check.tsa', { time: formatTime(s.timestamp.time, lang, { seconds: true, zone: true }) })}</Check>
            : <Check ok="warn">{t('verify.check.tsaUntrusted', { time: formatTime(s.timestamp.time, lang, { seconds: true, zone: true }) })}</Check>)
          : s.type === 'signature' && <Check ok="warn">{t('verify.check.noTsa', { time: formatTime(s.claimedTime, lang, { seconds: true, zone: true }) || '—' })}</Check>}
        {s.ltv ? <Check ok>{t('verify.check.ltv')}</Check> : <Check ok="warn">{t('verify.check.noLtv')}</Check>}
        {s.certification && <li class="check check-info"><IconLock /><span>{t('verify.check.certified', { p: s.certification.p, what: t(`verify.certifiedP${s.certification.p}`) })}</span></li>}
        <li class="check check-info"><IconFile /><span>{s.visible && s.page ? t('verify.check.field', { field: s.fieldName, page: s.page }) : t('verify.check.fieldInvisible', { field: s.fieldName })}</span></li>
        {pages.length > 1 && <li class="check check-info"><IconInfo /><span>{t('verify.check.widgets', { pages: pages.join(', ') })}</span></li>}
      </ul>
      <details class="sig-details">
        <summary>{t('verify.details')}</summary>
        <dl class="tech">
          {s.signer && <Row label={t('verify.tech.signer')}><span class="mono">{s.signer.subject}</span></Row>}
          {s.signer && <Row label={t('verify.tech.issuer')}><span class="mono">{s.signer.issuer}</span></Row>}
          {s.signer && <Row label={t('verify.tech.serial')}><span class="mono">{s.signer.serialNumber}</span></Row>}
          {s.signer && <Row label={t('verify.tech.validity')}>{formatTime(s.signer.notBefore, lang)} – {formatTime(s.signer.notAfter, lang)}</Row>}
          {s.certificate.chain.length > 0 && (
            <Row label={t('verify.tech.chain')}>
              <ol class="chain">{s.certificate.chain.map((c) => <li key={c.sha256}>{c.commonName ?? c.subject}</li>)}</ol>
            </Row>
          )}
          {s.certificate.revocation.length > 0 && (
            <Row label={t('verify.tech.revocation')}>
              <ul class="plain">{s.certificate.revocation.map((rv, i) => <li key={i}>{rv.subject}: {rv.status}{rv.source ? ` (${rv.source})` : ''}</li>)}</ul>
            </Row>
          )}
          {s.timestamp?.authority && <Row label={t('verify.tech.tsa')}>{s.timestamp.authority}</Row>}
          {s.reason && <Row label={t('verify.tech.reason')}>{s.reason}</Row>}
          {s.location && <Row label={t('verify.tech.location')}>{s.location}</Row>}
          <Row label={t('verify.tech.level')}>{s.padesLevel}</Row>
          <Row label={t('verify.tech.subFilter')}><span class="mono">{s.subFilter}</span>{s.integrity.algorithm ? ` · ${s.integrity.algorithm}` : ''}</Row>
          <Row label={t('verify.tech.indication')}><span class="mono">{s.indication}{s.subIndication ? ` / ${s.subIndication}` : ''}</span></Row>
          <Row label={t('verify.tech.coverage')}>{s.coversWholeDocument ? t('verify.tech.coversAll') : t('verify.tech.coversRev', { rev: s.revision })}</Row>
          <Row label={t('verify.changes')}>
            {later.length === 0 ? t('verify.changes.none') : (
              <ul class="plain changes">
                {later.map((rv) => (
                  <li key={rv.revision}>
                    <b>{t('verify.changes.rev', { rev: rv.revision + 1 })}</b>
                    <ul class="plain">
                      {groupChanges(rv.changes, s.modifications.disallowed).map((c, i) => (
                        <li key={i} class={c.bad ? 'change-bad' : ''}>
                          {c.description}{c.count > 1 ? ` × ${c.count}` : ''} <span class={`badge ${c.bad ? 'badge-bad' : 'badge-neutral'}`}>{c.bad ? t('verify.changes.notAllowed') : t('verify.changes.allowed')}</span>
                        </li>
                      ))}
                    </ul>
                  </li>
                ))}
              </ul>
            )}
          </Row>
          {s.problems.length > 0 && (
            <Row label={t('verify.tech.problems')}>
              <ul class="plain problems">{s.problems.map((p, i) => <li key={i}>{p}</li>)}</ul>
            </Row>
          )}
        </dl>
      </details>
    </article>
  );
}

/** The changes of one revision, the same description counted once (six "new object" lines become one × 6). */
function groupChanges(changes: readonly ObjectChange[], disallowed: readonly ObjectChange[]): { description: string; count: number; bad: boolean }[] {
  const out = new Map<string, { description: string; count: number; bad: boolean }>();
  for (const c of changes) {
    if (c.kind === 'xref') continue;
    const bad = disallowed.some((d) => d.objectNumber === c.objectNumber && d.kind === c.kind);
    const key = `${bad}|${c.description}`;
    const g = out.get(key);
    if (g) g.count++;
    else out.set(key, { description: c.description, count: 1, bad });
  }
  return [...out.values()].sort((a, b) => Number(b.bad) - Number(a.bad));
}

function Row(props: { label: string; children: ComponentChildren }) {
  return <div class="tech-row"><dt>{props.label}</dt><dd>{props.children}</dd></div>;
}
