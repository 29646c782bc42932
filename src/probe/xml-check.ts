/**
 * Whether a text is a well-formed XML document, checked in one linear pass: one root element, tags
 * nested and closed, attributes quoted, `&` only in entity references. It is deliberately smaller than
 * a parser: EWS clients fail on what this rejects ("didn't contain valid XML"), so the probe must not
 * read a ResponseCode out of a body a real client could not parse. A DOCTYPE is refused outright:
 * EWS never sends one, and a document type is how entity tricks start.
 */
export function isWellFormedXml(text: string): boolean {
  const s = text.replace(/^\uFEFF/, '');
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const name = /[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/y;
  const attribute = /\s+([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)\s*=\s*("[^"<]*"|'[^'<]*')/y;
  const tagEnd = /\s*(\/?)>/y;
  const closeEnd = /\s*>/y;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    const textEnd = lt === -1 ? s.length : lt;
    const between = s.slice(i, textEnd);
    if (stack.length === 0 && between.trim() !== '') return false; // text outside the root element
    if (!entitiesOk(between)) return false;
    if (lt === -1) break;
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('-->', lt + 4);
      if (end === -1) return false;
      i = end + 3;
    } else if (s.startsWith('<![CDATA[', lt)) {
      if (stack.length === 0) return false;
      const end = s.indexOf(']]>', lt + 9);
      if (end === -1) return false;
      i = end + 3;
    } else if (s.startsWith('<?', lt)) {
      const end = s.indexOf('?>', lt + 2);
      if (end === -1) return false;
      i = end + 2;
    } else if (s.startsWith('<!', lt)) {
      return false; // DOCTYPE or other declarations
    } else if (s.startsWith('</', lt)) {
      name.lastIndex = lt + 2;
      const m = name.exec(s);
      if (!m || stack.pop() !== m[0]) return false;
      closeEnd.lastIndex = name.lastIndex;
      if (!closeEnd.exec(s)) return false;
      i = closeEnd.lastIndex;
    } else {
      name.lastIndex = lt + 1;
      const m = name.exec(s);
      if (!m) return false;
      let pos = name.lastIndex;
      const seen = new Set<string>();
      for (;;) {
        attribute.lastIndex = pos;
        const a = attribute.exec(s);
        if (!a) break;
        if (seen.has(a[1]!) || !entitiesOk(a[2]!)) return false;
        seen.add(a[1]!);
        pos = attribute.lastIndex;
      }
      tagEnd.lastIndex = pos;
      const end = tagEnd.exec(s);
      if (!end) return false;
      if (stack.length === 0) roots++;
      if (roots > 1) return false;
      if (end[1] !== '/') stack.push(m[0]);
      i = tagEnd.lastIndex;
    }
  }
  return stack.length === 0 && roots === 1;
}

/** `&` starts an entity reference, never stands alone; `<` cannot appear in text (the caller split on it). */
function entitiesOk(text: string): boolean {
  let at = text.indexOf('&');
  while (at !== -1) {
    if (!/^&(?:lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9A-Fa-f]{1,6});/.test(text.slice(at, at + 12))) return false;
    at = text.indexOf('&', at + 1);
  }
  return true;
}
