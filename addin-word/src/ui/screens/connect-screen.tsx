/** Connect: the server URL, then the login dialog. */
import { useState } from 'preact/hooks';
import { connect, type ConnectDeps, type Connection } from '../../app/connect.js';
import { Button, ErrorNotice, Field, describedBy, useAction } from '../components.js';
import { useT } from '../ui-context.js';

/** The Connect screen. */
export function ConnectScreen(props: { deps: ConnectDeps; defaultUrl: string; onConnected(c: Connection): void }) {
  const t = useT();
  const [url, setUrl] = useState(props.defaultUrl);
  const action = useAction(async () => props.onConnected(await connect(props.deps, url)));
  return (
    <form class="screen" aria-labelledby="connect-h" onSubmit={(e) => { e.preventDefault(); void action.run(); }}>
      <h2 id="connect-h">{t('connect.heading')}</h2>
      <Field id="server-url" label={t('connect.serverUrl')} hint={t('connect.serverUrlHint')}>
        <input id="server-url" type="url" required autocomplete="url" inputMode="url" value={url}
          aria-describedby={describedBy('server-url', { hint: true })}
          onInput={(e) => setUrl(e.currentTarget.value)} />
      </Field>
      <p class="hint">{t('connect.dialogHint')}</p>
      <Button type="submit" kind="primary" busy={action.busy}>{t('connect.button')}</Button>
      <ErrorNotice error={action.error} />
    </form>
  );
}
