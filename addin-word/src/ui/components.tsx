/**
 * The small building blocks of the screens: labelled fields, buttons that show when they are
 * busy, status and error notices, and the `useAction` hook that runs an app function with busy
 * and error state. Everything is a native control with a visible label, so the whole task pane
 * works from the keyboard and with a screen reader.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { isAddinError } from '../addin-error.js';
import type { FormProblem } from '../app/send-for-signature.js';
import { useT, useUi } from './ui-context.js';

/** A labelled form field; `hint` and `error` are announced with the control. */
export function Field(props: { id: string; label: string; hint?: string; error?: string; children: ComponentChildren }) {
  return (
    <div class={`field${props.error ? ' field-invalid' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && <p class="hint" id={`${props.id}-hint`}>{props.hint}</p>}
      {props.error && <p class="field-error" id={`${props.id}-error`}>{props.error}</p>}
    </div>
  );
}

/** The `aria-describedby` for a {@link Field}'s control. */
export function describedBy(id: string, opts: { hint?: unknown; error?: unknown }): string | undefined {
  const ids = [opts.hint ? `${id}-hint` : '', opts.error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** A button that is disabled and says so while `busy`. */
export function Button(props: { type?: 'button' | 'submit'; busy?: boolean; disabled?: boolean; onClick?: () => void; kind?: 'primary' | 'secondary' | 'link'; label?: string; children: ComponentChildren }) {
  const t = useT();
  return (
    <button
      type={props.type ?? 'button'}
      class={`btn btn-${props.kind ?? 'secondary'}`}
      disabled={props.disabled || props.busy}
      aria-busy={props.busy ? 'true' : undefined}
      aria-label={props.label}
      onClick={props.onClick}
    >
      {props.busy ? t('common.working') : props.children}
    </button>
  );
}

/** A polite status message (success, progress). */
export function Status(props: { children?: ComponentChildren }) {
  return <p class="status" role="status">{props.children}</p>;
}

/** A screen section with a heading; `id` is the heading's, which names the section for screen readers. */
export function Section(props: { title: string; children: ComponentChildren; id: string }) {
  return (
    <section class="section" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** The problems of a failed form submission, from `AddinError.details.problems`. */
export function problemsOf(error: unknown): FormProblem[] {
  const p = isAddinError(error) ? error.details?.problems : undefined;
  return Array.isArray(p) ? (p as FormProblem[]) : [];
}

/** An error notice: the error's message (zh-CN, then English), or its form problems translated. */
export function ErrorNotice(props: { error: unknown; onDismiss?: () => void }) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => { ref.current?.focus(); }, [props.error]);
  if (props.error === undefined) return null;
  const problems = problemsOf(props.error);
  const message = props.error instanceof Error ? props.error.message : String(props.error);
  return (
    <div class="error" role="alert" tabIndex={-1} ref={ref}>
      {problems.length > 0
        ? <ul>{problems.map((p, i) => <li key={i}>{t(p.key, p.params)}</li>)}</ul>
        : <p>{message}</p>}
      {props.onDismiss && <button type="button" class="btn btn-link" onClick={props.onDismiss}>{t('common.dismiss')}</button>}
    </div>
  );
}

/** Runs an async action with busy and error state; AUTH_REQUIRED sends the user back to Connect. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const { onSessionLost } = useUi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await fnRef.current(...args);
    } catch (e) {
      if (isAddinError(e, 'AUTH_REQUIRED')) onSessionLost();
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, [onSessionLost]);
  return { run, busy, error, clearError: () => setError(undefined) };
}
