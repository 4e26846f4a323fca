/**
 * What the signer sees when there is nothing (more) to sign: signed and waiting for others,
 * completed (download the signed PDF), rejected, withdrawn, expired, invalidated, not yet their
 * turn — and one page for each bad link (expired, revoked, already used, unknown), from the API's
 * error code.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { errorText, isApiError } from '../shared/api-client.js';
import { Button, Notice, StatusPage, saveBytes, useToast } from '../shared/components.js';
import { formatTime, useI18n } from '../shared/i18n.js';
import { IconAlert, IconCheckCircle, IconClock, IconDownload, IconInfo, IconLinkOff, IconShield, IconXCircle } from '../shared/icons.js';
import type { LinkApi, LinkPageView } from '../shared/link-api.js';
import type { SharedKey } from '../shared/strings.js';
import type { SignKey } from './sign-strings.js';

type Key = SharedKey | SignKey;

/** The signers and their states, me first. */
export function SignerList(props: { view: LinkPageView }) {
  const { t, lang } = useI18n<Key>();
  const { me, others } = props.view;
  const all = [{ ...me, mine: true }, ...others.map((o) => ({ ...o, mine: false }))].sort((a, b) => a.step - b.step || Number(b.mine) - Number(a.mine));
  const sequential = props.view.contract.order === 'sequential';
  return (
    <ul class="signer-list">
      {all.map((s) => (
        <li key={s.id}>
          <span class={`avatar${s.kind === 'organization' ? ' avatar-org' : ''}`} aria-hidden="true">{s.name.slice(0, 1)}</span>
          <span class="who">
            <b>{s.name}{s.mine ? t('sign.you') : ''}</b>
            <small>
              {s.kind === 'organization' ? t('sign.org') : t('sign.person')}
              {sequential ? ` · ${t('sign.step', { step: s.step })}` : ''}
              {s.signedAt ? ` · ${formatTime(s.signedAt, lang)}` : ''}
            </small>
          </span>
          <span class={`badge ${STATE_BADGE[s.state] ?? 'badge-neutral'}`}>{t(`sign.state.${s.state}` as Key)}</span>
        </li>
      ))}
    </ul>
  );
}

const STATE_BADGE: Record<string, string> = { unread: 'badge-neutral', read: 'badge-info', signed: 'badge-ok', rejected: 'badge-bad' };

/** The download buttons of a completed contract, one per document. */
function Downloads(props: { api: LinkApi; view: LinkPageView }) {
  const { t, lang } = useI18n<Key>();
  const toast = useToast();
  const [busy, setBusy] = useState<string | undefined>();
  const docs = props.view.contract.documents;
  const get = async (d: { id: string; name: string }) => {
    setBusy(d.id);
    try {
      const file = await props.api.download(d.id);
      const name = file.filename ?? (/\.pdf$/i.test(d.name) ? d.name : `${d.name}.pdf`);
      saveBytes(file.bytes, name);
      toast(t('status.downloaded', { name }), 'ok');
    } catch (e) {
      toast(errorText(e, t, lang), 'bad');
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <>
      {docs.map((d) => (
        <Button key={d.id} kind="primary" block busy={busy === d.id} onClick={() => void get(d)}>
          <IconDownload />{docs.length === 1 ? t('status.download') : t('status.downloadDoc', { name: d.name })}
        </Button>
      ))}
    </>
  );
}

/** The status after signing or for a contract that no longer needs this signer. */
export function StatusScreen(props: { api: LinkApi; view: LinkPageView; onRead?: () => void; reading?: boolean }) {
  const { t, lang } = useI18n<Key>();
  const { view } = props;
  const c = view.contract;
  const title = c.title;
  const readButton = props.onRead && (
    <Button kind="secondary" block onClick={props.onRead}>{props.reading ? t('status.hideView') : t('status.view')}</Button>
  );
  const progress = (
    <div class="status-signers">
      <h2 class="status-signers-title">{t('status.signers')}</h2>
      <SignerList view={view} />
    </div>
  );
  // A used link still shows the status, and downloads the contract once it is complete.
  const live = c.state === 'signing' || c.state === 'completed';
  const used = view.link.used && <p class="status-note"><IconInfo />{t(live ? 'status.usedNote' : 'status.usedNoteView')}</p>;
  const verifyLink = <a class="btn btn-ghost btn-block" href="/verify"><IconShield />{t('status.verify')}</a>;

  if (c.state === 'completed') {
    return (
      <StatusPage tone="ok" icon={IconCheckCircle} title={t('status.completed.title')} lead={t('status.completed.lead', { title })} label={t('status.completed.title')}
        actions={<>{view.actions.includes('download') && <Downloads api={props.api} view={view} />}{readButton}{verifyLink}</>}>
        <p class="sub">{t('status.completed.sub')}</p>
        {progress}
        {used}
      </StatusPage>
    );
  }
  if (view.me.state === 'signed' && live) {
    const sealed = view.me.kind === 'organization';
    return (
      <StatusPage tone="ok" icon={IconCheckCircle} title={t(sealed ? 'status.sealed.title' : 'status.signed.title')} lead={t('status.signed.lead', { title })} label={t('status.signed.title')} actions={readButton}>
        {c.state === 'signing' && <p class="sub">{t('status.signed.waiting')}</p>}
        {progress}
        {used}
      </StatusPage>
    );
  }
  if (view.me.state === 'rejected') {
    return (
      <StatusPage tone="bad" icon={IconXCircle} title={t('status.rejected.title')} lead={t('status.rejected.lead', { title })} label={t('status.rejected.title')}>
        {view.me.rejectReason && <p class="sub">{t('status.rejected.reason', { reason: view.me.rejectReason })}</p>}
        {used}
      </StatusPage>
    );
  }
  const ended: Record<string, { key: 'rejectedOther' | 'revoked' | 'expired' | 'invalidated' | 'draft'; tone: 'bad' | 'warn'; icon: typeof IconAlert }> = {
    rejected: { key: 'rejectedOther', tone: 'bad', icon: IconXCircle },
    revoked: { key: 'revoked', tone: 'warn', icon: IconAlert },
    expired: { key: 'expired', tone: 'warn', icon: IconClock },
    invalidated: { key: 'invalidated', tone: 'warn', icon: IconAlert },
    draft: { key: 'draft', tone: 'warn', icon: IconClock },
  };
  const e = ended[c.state];
  if (e) {
    return (
      <StatusPage tone={e.tone} icon={e.icon} title={t(`status.${e.key}.title`)} lead={t(`status.${e.key}.lead`, { title })} label={t(`status.${e.key}.title`)}>
        {view.me.state === 'signed' && view.me.signedAt && <p class="sub">{t('status.youSigned', { time: formatTime(view.me.signedAt, lang) })}</p>}
        {c.state === 'rejected' && progress}
        {used}
      </StatusPage>
    );
  }
  return (
    <StatusPage tone="wait" icon={IconClock} title={t('status.waitTurn.title')} lead={t('status.waitTurn.lead', { title })} label={t('status.waitTurn.title')} actions={readButton}>
      {progress}
    </StatusPage>
  );
}

/** The page of a link the API refused, or of a failure to load it. */
export function LinkErrorScreen(props: { error: unknown; onRetry?: () => void }) {
  const { t, lang } = useI18n<Key>();
  const code = isApiError(props.error) ? props.error.code : 'UNKNOWN';
  const page = (kind: 'expired' | 'revoked' | 'used' | 'invalid', icon: typeof IconAlert, tone: 'warn' | 'bad'): ComponentChildren => (
    <StatusPage tone={tone} icon={icon} title={t(`link.${kind}.title`)} lead={t(`link.${kind}.lead`)} label={t(`link.${kind}.title`)}>
      <p class="sub">{t(`link.${kind}.sub`)}</p>
      <p class="status-code mono">{code}</p>
    </StatusPage>
  );
  switch (code) {
    case 'LINK_EXPIRED': return <>{page('expired', IconClock, 'warn')}</>;
    case 'LINK_REVOKED': return <>{page('revoked', IconLinkOff, 'warn')}</>;
    case 'LINK_USED': return <>{page('used', IconCheckCircle, 'warn')}</>;
    case 'AUTH_LINK_INVALID': case 'NOT_FOUND': case 'AUTH_REQUIRED': return <>{page('invalid', IconLinkOff, 'bad')}</>;
    case 'NETWORK':
      return (
        <StatusPage tone="warn" icon={IconAlert} title={t('link.network.title')} lead={t('link.network.lead')}
          actions={props.onRetry && <Button kind="primary" block onClick={props.onRetry}>{t('common.retry')}</Button>} />
      );
    default:
      return (
        <StatusPage tone="bad" icon={IconAlert} title={t('link.error.title')}
          actions={props.onRetry && <Button kind="primary" block onClick={props.onRetry}>{t('common.retry')}</Button>}>
          <Notice tone="bad">{errorText(props.error, t, lang)}</Notice>
        </StatusPage>
      );
  }
}
