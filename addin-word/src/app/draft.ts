/**
 * Drafting: the template and clause library, inserting a clause at the cursor, turning the
 * selection into a variable, and marking where each party signs, seals or dates.
 */
import type { Clause, TemplateSummary } from '../api/signet-api.js';
import type { SignetControl } from '../office/office-gateway.js';
import type { MarkerKind } from '../office/signet-tag.js';
import type { AppDeps } from './app-deps.js';
import { readOutline, type DocumentOutline } from './document-outline.js';

/** The enterprise's library. */
export interface Library {
  templates: TemplateSummary[];
  clauses: Clause[];
}

/** Loads templates and clauses (both at once), optionally filtered. */
export async function loadLibrary(deps: AppDeps, query?: string): Promise<Library> {
  const [templates, clauses] = await Promise.all([deps.api.listTemplates(query), deps.api.listClauses(query)]);
  return { templates, clauses };
}

/** Inserts a clause at the cursor and returns the document's new outline (a clause may bring variables). */
export async function insertClause(deps: AppDeps, clause: Clause): Promise<DocumentOutline> {
  await deps.gateway.insertClause({ format: clause.format, content: clause.content });
  return readOutline(deps.gateway);
}

/** Turns the selected text into the variable `name` (trimmed). */
export function makeVariable(deps: AppDeps, name: string): Promise<SignetControl> {
  return deps.gateway.makeVariableFromSelection(name.trim());
}

/** Inserts a marker for `role` (trimmed) after the cursor. */
export function markParty(deps: AppDeps, kind: MarkerKind, role: string): Promise<SignetControl> {
  return deps.gateway.insertPartyMarker(kind, role.trim());
}

/** Inserts the variable `name` at the cursor, showing `[name]` until it is filled (e.g. a template's variable). */
export function insertVariableAtCursor(deps: AppDeps, name: string): Promise<SignetControl> {
  return deps.gateway.insertVariable(name.trim(), `[${name.trim()}]`);
}
