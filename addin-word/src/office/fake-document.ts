/**
 * The in-memory document of `FakeOfficeGateway`: paragraphs of text runs and content controls,
 * as much of Word's model as the add-in touches. Clauses are read from the same HTML and Flat OPC
 * OOXML that Word's `insertHtml` / `insertOoxml` take, including run-level `<w:sdt>` controls.
 */

/** A run of text, or a content control. */
export type FakeInline =
  | { type: 'text'; text: string }
  | {
    type: 'control';
    id: number;
    tagText: string;
    title: string;
    text: string;
    /** Drawn tiny and white in the PDF: a party marker's anchor text. */
    anchor: boolean;
  };

/** A paragraph. */
export interface FakeParagraph {
  inlines: FakeInline[];
}

/** The whole document. */
export interface FakeDocumentSnapshot {
  title: string;
  paragraphs: FakeParagraph[];
}

/** The text of a paragraph, controls included. */
export function paragraphText(p: FakeParagraph): string {
  return p.inlines.map((i) => i.text).join('');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the XML/HTML character references a clause may use. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Paragraphs of an HTML clause: one per `<p>`, `<li>`, `<h1>`…`<h6>` or `<br>`, tags stripped. */
export function htmlParagraphs(html: string): FakeParagraph[] {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .split(/<br\s*\/?>|<\/(?:p|li|h[1-6]|div)>/i)
    .map((chunk) => decodeEntities(chunk.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim())
    .filter((t) => t.length > 0)
    .map((text) => ({ inlines: [{ type: 'text', text }] }));
}

/**
 * Paragraphs of a Flat OPC OOXML clause: each `<w:p>` of the main part, with `<w:t>` runs as
 * text and run-level `<w:sdt>` carrying a `<w:tag>` as content controls (ids from `nextId`).
 */
export function ooxmlParagraphs(ooxml: string, nextId: () => number): FakeParagraph[] {
  const out: FakeParagraph[] = [];
  for (const para of ooxml.matchAll(/<w:p[\s>][\s\S]*?<\/w:p>/g)) {
    const inlines: FakeInline[] = [];
    for (const m of para[0].matchAll(/<w:sdt>([\s\S]*?)<\/w:sdt>|<w:t(?:\s[^>]*)?>([\s\S]*?)<\/w:t>/g)) {
      if (m[1] !== undefined) {
        const tag = /<w:tag w:val="([^"]*)"/.exec(m[1])?.[1] ?? '';
        const title = /<w:alias w:val="([^"]*)"/.exec(m[1])?.[1] ?? '';
        const text = [...m[1].matchAll(/<w:t(?:\s[^>]*)?>([\s\S]*?)<\/w:t>/g)].map((t) => decodeEntities(t[1])).join('');
        inlines.push({ type: 'control', id: nextId(), tagText: decodeEntities(tag), title: decodeEntities(title), text, anchor: false });
      } else {
        inlines.push({ type: 'text', text: decodeEntities(m[2] ?? '') });
      }
    }
    if (inlines.length) out.push({ inlines });
  }
  return out;
}

/**
 * A Flat OPC package with one paragraph per entry, as Word's `insertOoxml` takes it. A string is
 * plain text; `{ variable, text }` becomes a run-level content control tagged `signet:var:<variable>`.
 */
export function flatOpcClause(paragraphs: (string | { variable: string; text: string })[][]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const run = (t: string) => `<w:r><w:t xml:space="preserve">${esc(t)}</w:t></w:r>`;
  const body = paragraphs.map((p) => `<w:p>${p.map((part) => typeof part === 'string'
    ? run(part)
    : `<w:sdt><w:sdtPr><w:alias w:val="${esc(`变量 ${part.variable}`)}"/><w:tag w:val="${esc(`signet:var:${part.variable}`)}"/></w:sdtPr><w:sdtContent>${run(part.text)}</w:sdtContent></w:sdt>`).join('')}</w:p>`).join('');
  return '<pkg:package xmlns:pkg="http://schemas.microsoft.com/office/2006/xmlPackage">'
    + '<pkg:part pkg:name="/_rels/.rels" pkg:contentType="application/vnd.openxmlformats-package.relationships+xml"><pkg:xmlData>'
    + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    + '</pkg:xmlData></pkg:part>'
    + '<pkg:part pkg:name="/word/document.xml" pkg:contentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"><pkg:xmlData>'
    + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`
    + '</pkg:xmlData></pkg:part></pkg:package>';
}
