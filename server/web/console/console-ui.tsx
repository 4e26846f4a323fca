/**
 * The console's small building blocks on top of the shared components: the console context (API,
 * session, me, refresh), data loading with a loading and an error state, page headers, empty
 * states, the contract state and signer state badges, a dialog that asks for a reason, and a
 * select field.
 */
import type { ComponentChildren, JSX } from 'preact';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../shared/api-client.js';
import { Button, Dialog, Field, Notice, describedBy } from '../shared/components.js';
import { useI18n } from '../shared/i18n.js';
import type { SharedKey } from '../shared/strings.js';
import type { BoxCounts, ConsoleApi, ContractState, MeView, Role, SignerView } from './console-api.js';
import type { ConsoleKey } from './console-strings.js';

/** The keys a console component translates. */
export type Key = SharedKey | ConsoleKey;

/** What every console page can reach. */
export interface ConsoleContextValue {
  api: ConsoleApi;
  me: MeView;
  /** The roles I hold in the enterprise I act for. */
  roles: readonly string[];
  counts?: BoxCounts & { all?: number };
  /** Reloads the list counts (after a change). */
  refreshCounts(): void;
  /** Reloads me (after a verification, a new membership). */
  refreshMe(): Promise<void>;
}

/** The console context (set by the shell once logged in). */
export const ConsoleContext = createContext<ConsoleContextValue | undefined>(undefined);

/** The console context; only inside the logged-in shell. */
export function useConsole(): ConsoleContextValue {
  const c = useContext(ConsoleContext);
  if (!c) throw new Error('useConsole outside the console shell');
  return c;
}

const ORDER: readonly Role[] = ['super_admin', 'system_admin', 'seal_admin', 'template_admin', 'member'];

/** True when `roles` hold `role` or a stronger one (as the server's permission table ranks them). */
export function hasRole(roles: readonly string[], role: Role): boolean {
  const limit = ORDER.indexOf(role);
  return roles.some((r) => ORDER.indexOf(r as Role) >= 0 && ORDER.indexOf(r as Role) <= limit);
}

/** True when the roles may manage seals (seal admins and administrators). */
export const canManageSeals = (roles: readonly string[]) => roles.some((r) => r === 'super_admin' || r === 'system_admin' || r === 'seal_admin');
/** True when the roles may write templates. */
export const canWriteTemplates = (roles: readonly string[]) => roles.some((r) => r === 'super_admin' || r === 'system_admin' || r === 'template_admin');
/** True for enterprise administrators. */
export const isAdmin = (roles: readonly string[]) => roles.some((r) => r === 'super_admin' || r === 'system_admin');

/** The state of a load. */
export type Loaded<T> = { state: 'loading' } | { state: 'ready'; data: T } | { state: 'failed'; error: unknown };

/** Loads data with `load` when `deps` change; `reload` loads again, keeping the old data shown meanwhile. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): { loaded: Loaded<T>; reload: () => void; set: (data: T) => void } {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const ref = useRef(load);
  ref.current = load;
  useEffect(() => {
    const ctl = new AbortController();
    ref.current(ctl.signal).then(
      (data) => { if (!ctl.signal.aborted) setLoaded({ state: 'ready', data }); },
      (error: unknown) => { if (!ctl.signal.aborted) setLoaded({ state: 'failed', error }); },
    );
    return () => ctl.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const set = useCallback((data: T) => setLoaded({ state: 'ready', data }), []);
  return { loaded, reload, set };
}

/** Shows a loading line, the error with a retry button, or `children(data)`. */
export function LoadView<T>(props: { loaded: Loaded<T>; onRetry?: () => void; children: (data: T) => ComponentChildren; label?: string }) {
  const { t, lang } = useI18n<Key>();
  if (props.loaded.state === 'loading') return <p class="load-line" role="status"><span class="boot-spinner" aria-hidden="true" />{props.label ?? t('common.loading')}</p>;
  if (props.loaded.state === 'failed') {
    return (
      <div class="load-failed">
        <Notice tone="bad" alert>{errorText(props.loaded.error, t, lang)}</Notice>
        {props.onRetry && <Button size="small" onClick={props.onRetry}>{t('common.retry')}</Button>}
      </div>
    );
  }
  return <>{props.children(props.loaded.data)}</>;
}

/** The heading of a console page, with its actions on the right. */
export function PageHeader(props: { title: ComponentChildren; sub?: ComponentChildren; actions?: ComponentChildren; id?: string }) {
  return (
    <div class="page-head">
      <div class="page-head-text">
        <h1 id={props.id} tabIndex={-1}>{props.title}</h1>
        {props.sub && <p class="page-sub">{props.sub}</p>}
      </div>
      {props.actions && <div class="page-actions">{props.actions}</div>}
    </div>
  );
}

/** A card with a heading. */
export function Section(props: { title: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren; class?: string; id?: string; labelledBy?: string }) {
  const id = props.id ?? `sec-${Math.random().toString(36).slice(2, 8)}`;
  return (
    <section class={`card section ${props.class ?? ''}`} aria-labelledby={`${id}-h`}>
      <div class="section-head">
        <h2 id={`${id}-h`}>{props.title}</h2>
        {props.actions && <div class="section-actions">{props.actions}</div>}
      </div>
      <div class="section-body">{props.children}</div>
    </section>
  );
}

/** Nothing to show yet, with what to do. */
export function EmptyState(props: { title: ComponentChildren; children?: ComponentChildren; icon?: (p: { class?: string }) => JSX.Element }) {
  const Icon = props.icon;
  return (
    <div class="empty">
      {Icon && <Icon class="empty-icon" />}
      <p class="empty-title">{props.title}</p>
      {props.children && <div class="empty-body">{props.children}</div>}
    </div>
  );
}

const STATE_TONE: Record<ContractState, 'ok' | 'warn' | 'bad' | 'neutral' | 'info'> = {
  draft: 'neutral', signing: 'info', completed: 'ok', rejected: 'bad', revoked: 'neutral', expired: 'warn', invalidated: 'bad',
};

/** A contract's state as a coloured badge (the text says it; colour only helps). */
export function StateBadge(props: { state: ContractState }) {
  const { t } = useI18n<Key>();
  return <span class={`badge badge-${STATE_TONE[props.state]}`}>{t(`state.${props.state}` as Key)}</span>;
}

const SIGNER_TONE: Record<SignerView['state'], 'ok' | 'bad' | 'neutral' | 'info'> = { unread: 'neutral', read: 'info', signed: 'ok', rejected: 'bad' };

/** A signer's state (unread, read, signed, rejected) as a badge. */
export function SignerBadge(props: { state: SignerView['state'] }) {
  const { t } = useI18n<Key>();
  return <span class={`badge badge-${SIGNER_TONE[props.state]}`}>{t(`signer.${props.state}` as Key)}</span>;
}

/** A labelled `<select>`. */
export function SelectField<V extends string>(props: { id: string; label: ComponentChildren; value: V; options: readonly { value: V; label: string }[]; onChange: (v: V) => void; hint?: ComponentChildren; disabled?: boolean }) {
  return (
    <Field id={props.id} label={props.label} hint={props.hint}>
      <select id={props.id} class="input" value={props.value} disabled={props.disabled} aria-describedby={describedBy(props.id, { hint: props.hint })} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value as V)}>
        {props.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    </Field>
  );
}

/** A labelled text input. */
export function TextField(props: {
  id: string; label: ComponentChildren; value: string; onInput: (v: string) => void; hint?: ComponentChildren; error?: string;
  type?: string; placeholder?: string; required?: boolean; autoComplete?: string; inputMode?: 'numeric' | 'tel' | 'text' | 'email'; maxLength?: number; disabled?: boolean; pattern?: string;
}) {
  return (
    <Field id={props.id} label={props.label} hint={props.hint} error={props.error}>
      <input
        id={props.id}
        class="input"
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        placeholder={props.placeholder}
        required={props.required}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        maxLength={props.maxLength}
        disabled={props.disabled}
        pattern={props.pattern}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy(props.id, { hint: props.hint, error: props.error })}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
      />
    </Field>
  );
}

/**
 * A dialog that asks for a reason (or another line of text) before an action; `onSubmit` runs the
 * action and may throw, and the error is shown in the dialog.
 */
export function ReasonDialog(props: { title: string; label: string; intro?: ComponentChildren; confirm: string; danger?: boolean; required?: boolean; initial?: string; type?: string; onSubmit: (value: string) => Promise<void>; onClose: () => void }) {
  const { t, lang } = useI18n<Key>();
  const [value, setValue] = useState(props.initial ?? '');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e?: Event) => {
    e?.preventDefault();
    if ((props.required ?? true) && !value.trim()) {
      setError(t('common.required', { what: props.label }));
      return;
    }
    setBusy(true);
    try {
      await props.onSubmit(value.trim());
      props.onClose();
    } catch (err) {
      setError(errorText(err, t, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      footer={<>
        <Button onClick={props.onClose}>{t('common.cancel')}</Button>
        <Button kind={props.danger ? 'danger-solid' : 'primary'} busy={busy} onClick={() => void submit()}>{props.confirm}</Button>
      </>}
    >
      <form onSubmit={(e) => void submit(e)}>
        {props.intro && <div class="dialog-intro">{props.intro}</div>}
        <Field id="reason-input" label={props.label} error={error}>
          {props.type ? (
            <input id="reason-input" class="input" type={props.type as 'text'} value={value} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy('reason-input', { error })} onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)} />
          ) : (
            <textarea id="reason-input" class="input" value={value} maxLength={500} aria-invalid={error ? 'true' : undefined} aria-describedby={describedBy('reason-input', { error })} onInput={(e) => setValue((e.currentTarget as HTMLTextAreaElement).value)} />
          )}
        </Field>
      </form>
    </Dialog>
  );
}

/** A `datetime-local` value (the reader's time) for an ISO time, and back. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The ISO time of a `datetime-local` value (the reader's time zone), or undefined when empty or invalid. */
export function fromLocalInput(v: string): string | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Formats seconds as `2 天 3 小时` / `2 d 3 h` (two units at most). */
export function formatDuration(seconds: number, lang: 'zh-CN' | 'en'): string {
  const units: [number, string, string][] = [[86400, ' 天', ' d'], [3600, ' 小时', ' h'], [60, ' 分钟', ' min'], [1, ' 秒', ' s']];
  const out: string[] = [];
  let rest = Math.max(0, Math.round(seconds));
  for (const [size, zh, en] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || (out.length === 0 && size === 1)) {
      out.push(`${n}${lang === 'en' ? en : zh}`);
      rest -= n * size;
    }
    if (out.length === 2) break;
  }
  return out.join(' ');
}
