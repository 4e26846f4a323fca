/**
 * The tags Signet puts on Word content controls, and their text form:
 * - `signet:var:<name>`: a variable, filled from a form or by the server from template data;
 * - `signet:sign:<role>`, `signet:seal:<role>`, `signet:date:<role>`: where a party signs, stamps
 *   its seal or dates. These markers also carry their tag as text, drawn tiny and white, so the
 *   exported PDF contains it and the server finds the position by text search (like DocuSign
 *   anchor tabs).
 */
import { AddinError } from '../addin-error.js';

/** What a party marker marks: a signature, a seal, or a date. */
export type MarkerKind = 'sign' | 'seal' | 'date';

/** Every marker kind. */
export const MARKER_KINDS: readonly MarkerKind[] = ['sign', 'seal', 'date'];

/** A parsed Signet tag. */
export type SignetTag = { kind: 'var'; name: string } | { kind: MarkerKind; role: string };

/** The prefix every Signet tag starts with. */
export const TAG_PREFIX = 'signet:';

/**
 * Variable names: letters (CJK included), digits, `_`, `.` and `-`, at most 40. They stay inside
 * Word (the tag) and the JSON sent to the server, so any script is safe.
 */
export const VARIABLE_NAME_PATTERN = /^[\p{L}\p{N}_.-]{1,40}$/u;

/**
 * Roles: an ASCII letter, then ASCII letters, digits, `_` or `-`, at most 32. A role becomes
 * anchor text in the exported PDF, and ASCII survives every font Word may export it with.
 */
export const ROLE_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

/** The text form of a tag, e.g. `signet:sign:partyA`. Throws INVALID_ARGUMENT for a bad name or role. */
export function formatTag(tag: SignetTag): string {
  if (tag.kind === 'var') {
    if (!VARIABLE_NAME_PATTERN.test(tag.name)) {
      throw new AddinError('INVALID_ARGUMENT', `变量名无效：“${tag.name}”。请使用字母、数字、_ . -，最多 40 个字符。Invalid variable name "${tag.name}": use letters, digits, _ . or -, at most 40 characters.`, { details: { field: 'name' } });
    }
    return `${TAG_PREFIX}var:${tag.name}`;
  }
  if (!ROLE_PATTERN.test(tag.role)) {
    throw new AddinError('INVALID_ARGUMENT', `角色无效：“${tag.role}”。请以英文字母开头，只用英文字母、数字、_ 或 -，最多 32 个字符（例如 partyA）。Invalid role "${tag.role}": start with an ASCII letter, then ASCII letters, digits, _ or -, at most 32 characters (e.g. partyA).`, { details: { field: 'role' } });
  }
  return `${TAG_PREFIX}${tag.kind}:${tag.role}`;
}

/** Parses a content control's tag; undefined when it is not a well-formed Signet tag. */
export function parseTag(text: string): SignetTag | undefined {
  if (!text.startsWith(TAG_PREFIX)) return undefined;
  const rest = text.slice(TAG_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon < 0) return undefined;
  const kind = rest.slice(0, colon);
  const value = rest.slice(colon + 1);
  if (kind === 'var') return VARIABLE_NAME_PATTERN.test(value) ? { kind: 'var', name: value } : undefined;
  if ((MARKER_KINDS as readonly string[]).includes(kind) && ROLE_PATTERN.test(value)) return { kind: kind as MarkerKind, role: value };
  return undefined;
}

/** True for party markers (sign, seal, date), false for variables. */
export function isMarker(tag: SignetTag): tag is { kind: MarkerKind; role: string } {
  return tag.kind !== 'var';
}
