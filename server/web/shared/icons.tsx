/** Inline SVG icons (decorative: hidden from screen readers; the control around them carries the label). */
import type { JSX } from 'preact';

type IconProps = { class?: string };

function svg(children: JSX.Element | JSX.Element[], props: IconProps, viewBox = '0 0 24 24') {
  return (
    <svg class={props.class ?? 'icon'} viewBox={viewBox} aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">
      {children}
    </svg>
  );
}

/** The Signet mark: a seal-red rounded square with a stylised signature stroke. */
export function BrandMark(props: IconProps) {
  return (
    <svg class={props.class ?? 'brand-mark'} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect x="1.5" y="1.5" width="29" height="29" rx="7" fill="#c8102e" />
      <rect x="5" y="5" width="22" height="22" rx="4.5" fill="none" stroke="#fff" stroke-width="1.6" opacity=".9" />
      <path d="M9 20.5c2.2-5.6 4.2-8.6 5.4-8.2 1.6.5-1.9 7.6-.4 7.9 1.2.3 2.6-4.5 4-4.3 1.1.2.1 3.4 1.2 3.6.8.2 1.7-1.2 3.8-1.4" fill="none" stroke="#fff" stroke-width="1.9" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

/** A check in a circle. */
export const IconCheckCircle = (p: IconProps) => svg([<circle key="c" cx="12" cy="12" r="10" />, <path key="p" d="m7.5 12.5 3 3 6-6.5" />], p);
/** A cross in a circle. */
export const IconXCircle = (p: IconProps) => svg([<circle key="c" cx="12" cy="12" r="10" />, <path key="p" d="m9 9 6 6m0-6-6 6" />], p);
/** A warning triangle. */
export const IconAlert = (p: IconProps) => svg([<path key="t" d="M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z" />, <path key="l" d="M12 9v4m0 4h.01" />], p);
/** An information circle. */
export const IconInfo = (p: IconProps) => svg([<circle key="c" cx="12" cy="12" r="10" />, <path key="l" d="M12 16v-4m0-4h.01" />], p);
/** A clock. */
export const IconClock = (p: IconProps) => svg([<circle key="c" cx="12" cy="12" r="10" />, <path key="h" d="M12 6v6l4 2" />], p);
/** A broken link. */
export const IconLinkOff = (p: IconProps) => svg([<path key="a" d="M9 17H7A5 5 0 0 1 7 7h2m6 0h2a5 5 0 0 1 4 8" />, <path key="b" d="M8 12h4M2 2l20 20" />], p);
/** A lock. */
export const IconLock = (p: IconProps) => svg([<rect key="r" x="4" y="11" width="16" height="10" rx="2" />, <path key="s" d="M8 11V7a4 4 0 0 1 8 0v4" />], p);
/** A shield with a check. */
export const IconShield = (p: IconProps) => svg([<path key="s" d="M12 22s8-3.5 8-10V5l-8-3-8 3v7c0 6.5 8 10 8 10Z" />, <path key="c" d="m9 12 2 2 4-4" />], p);
/** A download arrow. */
export const IconDownload = (p: IconProps) => svg([<path key="a" d="M12 3v12m0 0-5-5m5 5 5-5" />, <path key="b" d="M4 17v3h16v-3" />], p);
/** An upload arrow into a tray. */
export const IconUpload = (p: IconProps) => svg([<path key="a" d="M12 16V4m0 0L7 9m5-5 5 5" />, <path key="b" d="M4 15v5h16v-5" />], p);
/** A document. */
export const IconFile = (p: IconProps) => svg([<path key="a" d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8Z" />, <path key="b" d="M14 2v6h6M8 13h8M8 17h5" />], p);
/** A pen. */
export const IconPen = (p: IconProps) => svg([<path key="a" d="M12 20h9" />, <path key="b" d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z" />], p);
/** Plus. */
export const IconPlus = (p: IconProps) => svg(<path d="M12 5v14M5 12h14" />, p);
/** Minus. */
export const IconMinus = (p: IconProps) => svg(<path d="M5 12h14" />, p);
/** Arrows out to both sides (fit width). */
export const IconFitWidth = (p: IconProps) => svg([<path key="a" d="M3 12h18M7 8l-4 4 4 4M17 8l4 4-4 4" />], p);
/** Arrow down to the next item. */
export const IconNext = (p: IconProps) => svg([<path key="a" d="M12 5v14m0 0-6-6m6 6 6-6" />], p);
/** Close (x). */
export const IconClose = (p: IconProps) => svg(<path d="M18 6 6 18M6 6l12 12" />, p);
/** Undo. */
export const IconUndo = (p: IconProps) => svg([<path key="a" d="M9 14 4 9l5-5" />, <path key="b" d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11" />], p);
/** A user. */
export const IconUser = (p: IconProps) => svg([<circle key="c" cx="12" cy="8" r="4" />, <path key="b" d="M4 21a8 8 0 0 1 16 0" />], p);
/** A phone with a message. */
export const IconMessage = (p: IconProps) => svg([<rect key="r" x="6" y="2" width="12" height="20" rx="2" />, <path key="l" d="M11 18h2" />], p);
