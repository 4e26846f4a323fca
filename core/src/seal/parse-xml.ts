/**
 * A small, strict XML 1.0 parser for uploaded SVG: elements, attributes, text and CDATA, with the
 * predefined and numeric character references (XML 1.0 §4.1, §4.6). Comments, processing
 * instructions and a DOCTYPE without entity declarations are skipped; entity declarations are
 * refused, so no entity expansion ("billion laughs") can happen.
 */
import { SignetError } from '../errors.js';

/** An element: its qualified name, attributes in document order, and children. */
export interface XmlElement {
  name: string;
  attributes: Map<string, string>;
  children: (XmlElement | string)[];
  /** 1-based line of the start tag, for messages. */
  line: number;
}

const MAX_DEPTH = 128;
const MAX_ELEMENTS = 200_000;

function malformed(text: string, pos: number, what: string): SignetError {
  const line = text.slice(0, pos).split('\n').length;
  return new SignetError('IMAGE_INVALID', `The SVG is not well-formed XML (line ${line}: ${what}); re-export it from the drawing program`);
}

const NAME = /[A-Za-z_:\u00C0-\uFFFF][-A-Za-z0-9_:.\u00B7\u00C0-\uFFFF]*/y;

/** Decodes character and predefined entity references; throws for anything else. */
function decode(s: string, text: string, pos: number): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);?/g, (m, ref: string) => {
    if (!m.endsWith(';')) throw malformed(text, pos, `"${m}" is not a complete reference`);
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!(cp > 0 && cp <= 0x10ffff)) throw malformed(text, pos, `&${ref}; is not a character`);
      return String.fromCodePoint(cp);
    }
    const v = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[ref];
    if (v === undefined) throw malformed(text, pos, `the entity &${ref}; is not defined`);
    return v;
  });
}

/** Parses an XML document and returns its root element. Throws IMAGE_INVALID when it is not well-formed. */
export function parseXml(text: string): XmlElement {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let pos = 0;
  let count = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  // Start tags come in document order, so the line count advances incrementally.
  let lineCursor = 0, lineNo = 1;
  const lineAt = (p: number) => {
    for (; lineCursor < p; lineCursor++) if (text.charCodeAt(lineCursor) === 10) lineNo++;
    return lineNo;
  };
  const expect = (s: string, what: string) => {
    const i = text.indexOf(s, pos);
    if (i < 0) throw malformed(text, pos, `${what} is not closed`);
    const body = text.slice(pos, i);
    pos = i + s.length;
    return body;
  };
  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    const chunk = lt < 0 ? text.slice(pos) : text.slice(pos, lt);
    if (chunk) {
      if (stack.length) stack[stack.length - 1].children.push(decode(chunk, text, pos));
      else if (chunk.trim()) throw malformed(text, pos, 'text outside the root element');
    }
    if (lt < 0) break;
    pos = lt;
    if (text.startsWith('<!--', pos)) {
      pos += 4;
      expect('-->', 'a comment');
    } else if (text.startsWith('<![CDATA[', pos)) {
      pos += 9;
      const body = expect(']]>', 'a CDATA section');
      if (!stack.length) throw malformed(text, pos, 'CDATA outside the root element');
      stack[stack.length - 1].children.push(body);
    } else if (text.startsWith('<?', pos)) {
      pos += 2;
      expect('?>', 'a processing instruction');
    } else if (text.startsWith('<!DOCTYPE', pos)) {
      // Skip the doctype, including an internal subset in brackets, but refuse entity declarations.
      let depth = 0;
      let i = pos + 9;
      for (; i < text.length; i++) {
        const c = text[i];
        if (c === '[') depth++;
        else if (c === ']') depth--;
        else if (c === '>' && depth <= 0) break;
      }
      const dt = text.slice(pos, i);
      if (/<!ENTITY/i.test(dt)) {
        throw new SignetError('SVG_UNSUPPORTED', 'The SVG declares XML entities in its DOCTYPE, which Signet does not expand; remove the DOCTYPE');
      }
      if (i >= text.length) throw malformed(text, pos, 'the DOCTYPE is not closed');
      pos = i + 1;
    } else if (text.startsWith('</', pos)) {
      pos += 2;
      NAME.lastIndex = pos;
      const m = NAME.exec(text);
      if (!m) throw malformed(text, pos, 'a bad end tag');
      pos = NAME.lastIndex;
      while (/\s/.test(text[pos] ?? '')) pos++;
      if (text[pos] !== '>') throw malformed(text, pos, `the end tag </${m[0]}> is not closed`);
      pos++;
      const open = stack.pop();
      if (!open || open.name !== m[0]) throw malformed(text, pos, `</${m[0]}> does not match ${open ? `<${open.name}>` : 'any start tag'}`);
    } else {
      const start = pos;
      pos++;
      NAME.lastIndex = pos;
      const m = NAME.exec(text);
      if (!m) throw malformed(text, pos, 'a "<" that starts no tag');
      pos = NAME.lastIndex;
      const el: XmlElement = { name: m[0], attributes: new Map(), children: [], line: lineAt(start) };
      if (++count > MAX_ELEMENTS) throw new SignetError('IMAGE_INVALID', `The SVG has more than ${MAX_ELEMENTS} elements; simplify it`);
      let selfClosing = false;
      for (;;) {
        const ws = pos;
        while (/\s/.test(text[pos] ?? '')) pos++;
        const c = text[pos];
        if (c === undefined) throw malformed(text, start, `the tag <${el.name}> is not closed`);
        if (c === '>') { pos++; break; }
        if (c === '/' && text[pos + 1] === '>') { pos += 2; selfClosing = true; break; }
        if (ws === pos) throw malformed(text, pos, `attributes of <${el.name}> need white space between them`);
        NAME.lastIndex = pos;
        const an = NAME.exec(text);
        if (!an) throw malformed(text, pos, `a bad attribute in <${el.name}>`);
        pos = NAME.lastIndex;
        while (/\s/.test(text[pos] ?? '')) pos++;
        if (text[pos] !== '=') throw malformed(text, pos, `the attribute ${an[0]} has no value`);
        pos++;
        while (/\s/.test(text[pos] ?? '')) pos++;
        const q = text[pos];
        if (q !== '"' && q !== "'") throw malformed(text, pos, `the value of ${an[0]} is not quoted`);
        const end = text.indexOf(q, pos + 1);
        if (end < 0) throw malformed(text, pos, `the value of ${an[0]} is not closed`);
        const raw = text.slice(pos + 1, end);
        if (raw.includes('<')) throw malformed(text, pos, `the value of ${an[0]} contains "<"`);
        if (el.attributes.has(an[0])) throw malformed(text, pos, `the attribute ${an[0]} appears twice`);
        el.attributes.set(an[0], decode(raw, text, pos).replace(/[\t\n\r]/g, ' '));
        pos = end + 1;
      }
      if (stack.length) stack[stack.length - 1].children.push(el);
      else if (root) throw malformed(text, start, 'a second root element');
      else root = el;
      if (!selfClosing) {
        stack.push(el);
        if (stack.length > MAX_DEPTH) throw new SignetError('IMAGE_INVALID', `The SVG nests elements deeper than ${MAX_DEPTH} levels; simplify it`);
      }
    }
  }
  if (stack.length) throw malformed(text, text.length, `<${stack[stack.length - 1].name}> is not closed`);
  if (!root) throw malformed(text, 0, 'there is no root element');
  return root;
}
