/**
 * The pages' building blocks: buttons, labelled fields, notices, the language switch, the page
 * frame, dialogs (focus kept inside, Escape closes, focus returns to the opener) and toasts
 * (announced politely). Everything is a native control with a visible or ARIA label, reachable
 * from the keyboard.
 */
import type { ComponentChildren, JSX } from 'preact';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { LANGS, type Lang, useI18n } from './i18n.js';
import { BrandMark, IconAlert, IconCheckCircle, IconClose, IconInfo, IconXCircle } from './icons.js';
import type { SharedKey } from './strings.js';

/** A button; `busy` disables it and says so to screen readers. */
export function Button(props: {
  kind?: 'primary' | 'secondary' | 'danger' | 'danger-solid' | 'ghost';
  size?: 'small' | 'icon';
  block?: boolean;
  type?: 'button' | 'submit';
  busy?: boolean;
  disabled?: boolean;
  label?: string;
  title?: string;
  id?: string;
  pressed?: boolean;
  onClick?: (e: MouseEvent) => void;
  children: ComponentChildren;
}) {
  const cls = ['btn', `btn-${props.kind ?? 'secondary'}`, props.size ? `btn-${props.size}` : '', props.block ? 'btn-block' : ''].filter(Boolean).join(' ');
  return (
    <button
      id={props.id}
      type={props.type ?? 'button'}
      class={cls}
      disabled={props.disabled || props.busy}
      aria-busy={props.busy ? 'true' : undefined}
      aria-label={props.label}
      aria-pressed={props.pressed}
      title={props.title ?? props.label}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}

/** A labelled form field; the hint and the error are tied to the control with aria-describedby (see {@link describedBy}). */
export function Field(props: { id: string; label: ComponentChildren; hint?: ComponentChildren; error?: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && <p class="hint" id={`${props.id}-hint`}>{props.hint}</p>}
      {props.error && <p class="field-error" id={`${props.id}-error`} role="alert">{props.error}</p>}
    </div>
  );
}

/** The `aria-describedby` of a {@link Field}'s control. */
export function describedBy(id: string, opts: { hint?: unknown; error?: unknown }): string | undefined {
  const ids = [opts.hint ? `${id}-hint` : '', opts.error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** A coloured notice with an icon; `alert` makes screen readers announce it at once. */
export function Notice(props: { tone?: 'ok' | 'warn' | 'bad' | 'info'; alert?: boolean; children: ComponentChildren }) {
  const tone = props.tone ?? 'info';
  const Icon = tone === 'ok' ? IconCheckCircle : tone === 'bad' ? IconXCircle : tone === 'warn' ? IconAlert : IconInfo;
  return (
    <div class={`notice notice-${tone}`} role={props.alert ? 'alert' : undefined}>
      <Icon />
      <div>{props.children}</div>
    </div>
  );
}

/** 中文 / EN: the language switch (two toggle buttons in a labelled group). */
export function LangSwitch() {
  const { lang, setLang, t } = useI18n<SharedKey>();
  const names: Record<Lang, SharedKey> = { 'zh-CN': 'lang.zhName', en: 'lang.enName' };
  const short: Record<Lang, SharedKey> = { 'zh-CN': 'lang.zh', en: 'lang.en' };
  return (
    <div class="lang-switch" role="group" aria-label={t('lang.label')}>
      {LANGS.map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={l === lang} aria-label={t(names[l])} title={t(names[l])} onClick={() => setLang(l)}>
          {t(short[l])}
        </button>
      ))}
    </div>
  );
}

/** The top bar: the brand, a title (and subtitle), then actions and the language switch. */
export function TopBar(props: { title?: ComponentChildren; subtitle?: ComponentChildren; children?: ComponentChildren }) {
  const { t } = useI18n<SharedKey>();
  return (
    <header class="topbar">
      <span class="brand">
        <BrandMark />
        <span class={props.title ? 'visually-hidden' : 'brand-name'}>{t('app.brand')}</span>
      </span>
      {props.title && (
        <div class="topbar-title">
          <h1>{props.title}</h1>
          {props.subtitle && <p>{props.subtitle}</p>}
        </div>
      )}
      <div class="topbar-actions">
        {props.children}
        <LangSwitch />
      </div>
    </header>
  );
}

/** The footer with the trust anchor and the verification page. */
export function Footer() {
  const { t } = useI18n<SharedKey>();
  return (
    <footer class="footer">
      <p>{t('app.footer')}</p>
      <p>
        <a href="/verify">{t('app.verifyLink')}</a> · <a href="/pki/root.pem">{t('app.trustAnchor')}</a>
      </p>
    </footer>
  );
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog (WAI-ARIA dialog pattern): labelled by its title, focus moves in (to
 * `initialFocus` or the first control) and stays in, Escape and the close button call `onClose`,
 * and focus returns to where it was when the dialog closes.
 */
export function Dialog(props: {
  title: ComponentChildren;
  onClose?: () => void;
  footer?: ComponentChildren;
  wide?: boolean;
  /** A selector inside the dialog to focus first. */
  initialFocus?: string;
  describedBy?: string;
  children: ComponentChildren;
}) {
  const { t } = useI18n<SharedKey>();
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useMemo(() => `dlg-${Math.random().toString(36).slice(2, 9)}`, []);
  const onClose = props.onClose;
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const el = ref.current!;
    const first = (props.initialFocus && el.querySelector<HTMLElement>(props.initialFocus)) || el.querySelector<HTMLElement>(`.dialog-body ${FOCUSABLE}`) || el.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    const prevOverflow = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
    return () => {
      document.body.style.overflow = prevOverflow;
      if (opener && document.contains(opener)) opener.focus();
    };
    // Focus moves once, when the dialog opens.
  }, []);
  // Escape closes the dialog wherever focus is (a step change can leave it on the body).
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const onEscape = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && closeRef.current) {
        e.stopPropagation();
        closeRef.current();
      }
    };
    document.addEventListener('keydown', onEscape);
    return () => document.removeEventListener('keydown', onEscape);
  }, []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Tab') return;
    const items = [...ref.current!.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((x) => x.offsetParent !== null || x === document.activeElement);
    if (items.length === 0) return;
    const first = items[0], last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  return (
    <div class="dialog-backdrop" onMouseDown={(e) => { if (e.target === e.currentTarget) onClose?.(); }}>
      <div ref={ref} class={`dialog${props.wide ? ' dialog-wide' : ''}`} role="dialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={props.describedBy} onKeyDown={onKeyDown}>
        <div class="dialog-head">
          <h2 id={titleId}>{props.title}</h2>
          {onClose && (
            <Button kind="ghost" size="icon" label={t('common.close')} onClick={onClose}>
              <IconClose />
            </Button>
          )}
        </div>
        <div class="dialog-body">{props.children}</div>
        {props.footer && <div class="dialog-foot">{props.footer}</div>}
      </div>
    </div>
  );
}

interface Toast {
  id: number;
  text: string;
  tone?: 'ok' | 'bad';
}

/** Shows a short message at the bottom of the screen. */
export type ShowToast = (text: string, tone?: 'ok' | 'bad') => void;

const ToastContext = createContext<ShowToast>(() => undefined);

/** Provides {@link useToast} to its children and renders the toasts (in a polite live region). */
export function ToastHost(props: { children: ComponentChildren }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const show = useCallback<ShowToast>((text, tone) => {
    const id = next.current++;
    setToasts((ts) => [...ts.slice(-2), { id, text, tone }]);
    setTimeout(() => setToasts((ts) => ts.filter((x) => x.id !== id)), 5000);
  }, []);
  return (
    <ToastContext.Provider value={show}>
      {props.children}
      <div class="toasts" role="status" aria-live="polite">
        {toasts.map((x) => <div key={x.id} class={`toast${x.tone ? ` toast-${x.tone}` : ''}`}>{x.text}</div>)}
      </div>
    </ToastContext.Provider>
  );
}

/** The page's {@link ShowToast}. */
export function useToast(): ShowToast {
  return useContext(ToastContext);
}

/** A full-page status: an icon, a title, a lead line, more text, and actions. */
export function StatusPage(props: { tone: 'ok' | 'wait' | 'bad' | 'warn'; icon: (p: { class?: string }) => JSX.Element; title: ComponentChildren; lead?: ComponentChildren; children?: ComponentChildren; actions?: ComponentChildren; label?: string }) {
  const Icon = props.icon;
  return (
    <section class={`card status-page status-${props.tone}`} aria-label={props.label}>
      <Icon class="status-icon" />
      <h1>{props.title}</h1>
      {props.lead && <p class="lead">{props.lead}</p>}
      {props.children}
      {props.actions && <div class="status-actions">{props.actions}</div>}
    </section>
  );
}

/** Saves bytes as a file through a temporary object URL (no token in any URL). */
export function saveBytes(bytes: ArrayBuffer, filename: string, type = 'application/pdf'): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
