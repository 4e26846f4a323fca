/** Track: this document's contracts and my recent ones, with reminders and downloads. */
import { useEffect, useState } from 'preact/hooks';
import type { ContractView } from '../../api/signet-api.js';
import type { AppDeps } from '../../app/app-deps.js';
import { downloadEvidencePackage, downloadSignedPdfs, remindSigner, remindable, trackContracts, type Tracked } from '../../app/track-contracts.js';
import { Button, ErrorNotice, Section, Status, useAction } from '../components.js';
import { saveDownload } from '../download.js';
import { useT, useUi } from '../ui-context.js';

function ContractCard(props: { contract: ContractView; deps: AppDeps; onStatus(s: string): void; act: ReturnType<typeof useAction<[() => Promise<void>], void>> }) {
  const t = useT();
  const { lang } = useUi();
  const c = props.contract;
  const canRemind = new Set(remindable(c).map((s) => s.id));
  return (
    <li class="card">
      <div class="row">
        <strong class="grow">{c.title}</strong>
        <span class={`badge badge-${c.state}`}>{t(`state.${c.state}`)}</span>
      </div>
      <small class="muted">{c.id}{c.deadline && ` · ${t('track.deadline', { date: new Date(c.deadline).toLocaleString(lang) })}`}</small>
      <ul class="signers">
        {c.signers.map((s) => (
          <li key={s.id} class="row">
            <span class="grow">{s.name}{s.role && <small class="muted"> · {s.role}</small>}</span>
            <span class={`badge badge-${s.state}`}>{t(`signer.${s.state}`)}</span>
            {canRemind.has(s.id) && (
              <Button kind="link" label={t('track.remind', { name: s.name })} onClick={() => void props.act.run(async () => { await remindSigner(props.deps, c.id, s.id); props.onStatus(t('track.reminded', { name: s.name })); })}>
                {t('track.remindShort')}
              </Button>
            )}
          </li>
        ))}
      </ul>
      {c.state === 'completed' && (
        <div class="row">
          <Button label={t('track.downloadPdfOf', { title: c.title })} onClick={() => void props.act.run(async () => { for (const d of await downloadSignedPdfs(props.deps, c)) saveDownload(d); })}>{t('track.downloadPdf')}</Button>
          <Button label={t('track.downloadEvidenceOf', { title: c.title })} onClick={() => void props.act.run(async () => saveDownload(await downloadEvidencePackage(props.deps, c)))}>{t('track.downloadEvidence')}</Button>
        </div>
      )}
    </li>
  );
}

/** The Track screen. */
export function TrackScreen(props: { deps: AppDeps }) {
  const t = useT();
  const [tracked, setTracked] = useState<Tracked>();
  const [status, setStatus] = useState('');
  const load = useAction(async () => setTracked(await trackContracts(props.deps)));
  const act = useAction(async (fn: () => Promise<void>) => { setStatus(''); await fn(); });
  useEffect(() => { void load.run(); }, []);
  const list = (items: ContractView[] | undefined) => (
    items && items.length === 0
      ? <p class="hint">{t('track.none')}</p>
      : <ul class="cards">{items?.map((c) => <ContractCard key={c.id} contract={c} deps={props.deps} onStatus={setStatus} act={act} />)}</ul>
  );
  return (
    <div class="screen">
      <h2>{t('track.heading')}</h2>
      <ErrorNotice error={load.error} />
      {status && <Status>{status}</Status>}
      <ErrorNotice error={act.error} />
      <Section title={t('track.thisDocument')} id="track-doc-h">{list(tracked?.thisDocument)}</Section>
      <Section title={t('track.recent')} id="track-recent-h">{list(tracked?.recent)}</Section>
      <Button onClick={() => void load.run()} busy={load.busy}>{t('common.refresh')}</Button>
    </div>
  );
}
