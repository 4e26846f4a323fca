/**
 * Keeps clause HTML to simple formatting, so that a clause can be shown in the console and inserted
 * into Word without carrying scripts, styles, links or event handlers: every tag outside a short
 * list is dropped (its text kept), every attribute is dropped, and script-like elements go with
 * their content.
 */

/** The tags a clause may use. */
export const CLAUSE_TAGS: ReadonlySet<string> = new Set([
  'p', 'br', 'b', 'strong', 'i', 'em', 'u', 's', 'sub', 'sup', 'ol', 'ul', 'li', 'h1', 'h2', 'h3', 'h4', 'blockquote',
  'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'div',
]);

const VOID = new Set(['br']);
const DROP_WITH_CONTENT = /<(script|style|iframe|object|embed|template|noscript|svg|math|textarea|title|head)\b[\s\S]*?(<\/\1\s*>|$)/gi;

/** Returns `html` with only {@link CLAUSE_TAGS}, no attributes, no comments and no script-like elements. */
export function sanitizeClauseHtml(html: string): string {
  const noComments = html.replace(/<!--[\s\S]*?(-->|$)/g, '').replace(/<!\[CDATA\[[\s\S]*?(\]\]>|$)/g, '').replace(/<![^>]*>/g, '').replace(/<\?[\s\S]*?(\?>|$)/g, '');
  const noScripts = noComments.replace(DROP_WITH_CONTENT, '');
  let out = '';
  const tag = /<(\/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*>/g;
  let last = 0;
  for (let m = tag.exec(noScripts); m; m = tag.exec(noScripts)) {
    out += escapeText(noScripts.slice(last, m.index));
    last = tag.lastIndex;
    const name = m[2].toLowerCase();
    if (!CLAUSE_TAGS.has(name)) continue;
    if (m[1]) {
      if (!VOID.has(name)) out += `</${name}>`;
    } else out += `<${name}>`;
  }
  return (out + escapeText(noScripts.slice(last))).trim();
}

/** Escapes stray `<` and `>` in text; entities such as `&amp;` stay as they are. */
function escapeText(s: string): string {
  return s.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/&(?![A-Za-z]+;|#\d+;|#x[0-9A-Fa-f]+;)/g, '&amp;');
}
