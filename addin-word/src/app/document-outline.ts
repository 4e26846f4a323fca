/**
 * What the document holds, from Signet's point of view: its variables (by name, with every
 * control that carries them) and its party markers (by kind and role). Read fresh from Word each
 * time, because the author may have edited or deleted controls since.
 */
import type { AnchorField } from '../api/signet-api.js';
import type { OfficeGateway, SignetControl } from '../office/office-gateway.js';
import type { MarkerKind } from '../office/signet-tag.js';

/** One variable and its controls. */
export interface VariableInfo {
  name: string;
  /** The current text of its first control. */
  value: string;
  controlIds: number[];
}

/** One party marker. */
export interface MarkerInfo {
  kind: MarkerKind;
  role: string;
  anchorText: string;
  controlId: number;
}

/** The document's variables and markers. */
export interface DocumentOutline {
  variables: VariableInfo[];
  markers: MarkerInfo[];
  /** The roles that have at least one marker, in document order. */
  roles: string[];
}

/** Reads the outline from the document. */
export async function readOutline(gateway: OfficeGateway): Promise<DocumentOutline> {
  return outlineOf(await gateway.listControls());
}

/** Groups controls into an outline. */
export function outlineOf(controls: SignetControl[]): DocumentOutline {
  const vars = new Map<string, VariableInfo>();
  const markers: MarkerInfo[] = [];
  for (const c of controls) {
    if (c.tag.kind === 'var') {
      const v = vars.get(c.tag.name);
      if (v) v.controlIds.push(c.id);
      else vars.set(c.tag.name, { name: c.tag.name, value: c.text, controlIds: [c.id] });
    } else {
      markers.push({ kind: c.tag.kind, role: c.tag.role, anchorText: c.tagText, controlId: c.id });
    }
  }
  return { variables: [...vars.values()], markers, roles: [...new Set(markers.map((m) => m.role))] };
}

/** The anchored fields the server should create, one per distinct (kind, role). */
export function anchorFields(outline: DocumentOutline): AnchorField[] {
  const seen = new Set<string>();
  const out: AnchorField[] = [];
  for (const m of outline.markers) {
    if (seen.has(m.anchorText)) continue;
    seen.add(m.anchorText);
    out.push({ kind: m.kind === 'sign' ? 'signature' : m.kind, role: m.role, anchorText: m.anchorText });
  }
  return out;
}
