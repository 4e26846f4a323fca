/**
 * The signer's page `/sign/<token>`: reads the token from its own URL (it never goes into another
 * URL: every call sends it as `Authorization: Link <token>`), loads the link's view, and shows the
 * signing screen while there is something to sign, the status afterwards, or the page of a bad
 * link.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../shared/api-client.js';
import { Footer, TopBar } from '../shared/components.js';
import { formatTime, useI18n } from '../shared/i18n.js';
import { LinkApi, linkTokenOf, type LinkPageView } from '../shared/link-api.js';
import type { SharedKey } from '../shared/strings.js';
import { DocumentReader } from './document-reader.js';
import { SigningScreen } from './signing-screen.js';
import type { SignKey } from './sign-strings.js';
import { LinkErrorScreen, StatusScreen } from './status-screens.js';

type Key = SharedKey | SignKey;

type State = { kind: 'loading' } | { kind: 'ready'; view: LinkPageView } | { kind: 'failed'; error: unknown };

/** True when the view still asks this signer for a signature. */
function needsMe(v: LinkPageView): boolean {
  return v.contract.state === 'signing' && (v.me.state === 'unread' || v.me.state === 'read') && (v.actions.includes('sign') || v.actions.includes('reject'));
}

/** The page. */
export function SignPage() {
  const { t, lang } = useI18n<Key>();
  const token = useMemo(() => linkTokenOf(location.pathname), []);
  const api = useMemo(() => (token ? new LinkApi(token) : undefined), [token]);
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [reading, setReading] = useState(false);
  const [doc, setDoc] = useState<string | undefined>();

  const load = async (): Promise<LinkPageView> => {
    if (!api) throw new ApiError(401, 'AUTH_LINK_INVALID', 'no token');
    const view = await api.view();
    setState({ kind: 'ready', view });
    return view;
  };
  const reload = () => {
    setState({ kind: 'loading' });
    load().catch((error: unknown) => setState({ kind: 'failed', error }));
  };
  useEffect(reload, []);

  const show = (view: LinkPageView) => {
    setReading(false);
    setState({ kind: 'ready', view });
    window.scrollTo({ top: 0 });
  };

  const view = state.kind === 'ready' ? state.view : undefined;
  const sender = view && (view.contract.sender.enterpriseName ?? view.contract.sender.name);
  return (
    <>
      <TopBar title={view ? view.contract.title : t('sign.title')} subtitle={view ? [sender, view.contract.deadline && t('sign.deadline', { time: formatTime(view.contract.deadline, lang) })].filter(Boolean).join(' · ') : t('app.brand')} />
      <main class={`page sign${view && needsMe(view) ? ' sign-working' : ''}`}>
        {state.kind === 'loading' && <div class="boot" role="status"><div class="boot-spinner" aria-hidden="true" /><p>{t('sign.loading')}</p></div>}
        {state.kind === 'failed' && <LinkErrorScreen error={state.error} onRetry={reload} />}
        {view && api && needsMe(view) && <SigningScreen api={api} view={view} onView={show} reload={load} />}
        {view && api && !needsMe(view) && (
          <>
            <StatusScreen api={api} view={view} reading={reading} onRead={view.contract.state === 'draft' ? undefined : () => setReading((r) => !r)} />
            {reading && <DocumentReader api={api} documents={view.contract.documents} active={doc ?? view.contract.documents[0]?.id} onSelect={setDoc} />}
          </>
        )}
      </main>
      <Footer />
    </>
  );
}
