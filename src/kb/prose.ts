/**
 * The prose of a Markdown page: the text a reader reads as words, with code, placeholders and link
 * targets blanked out. Offsets and line breaks are kept, so a position found in the prose is the
 * position in the page.
 */

/** Blanks a range with spaces, keeping line breaks (positions stay where they were). */
function blank(chars: string[], from: number, to: number): void {
  for (let i = from; i < to && i < chars.length; i++) if (chars[i] !== '\n') chars[i] = ' ';
}

/** Inline code spans (CommonMark: a run of n backticks closes at the next run of exactly n). */
function codeSpans(line: string): [number, number][] {
  const spans: [number, number][] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] !== '`') {
      i++;
      continue;
    }
    let n = 0;
    while (line[i + n] === '`') n++;
    let j = i + n;
    let closed = -1;
    while (j < line.length) {
      if (line[j] !== '`') {
        j++;
        continue;
      }
      let m = 0;
      while (line[j + m] === '`') m++;
      if (m === n) {
        closed = j + m;
        break;
      }
      j += m;
    }
    if (closed === -1) {
      i += n; // an unmatched run is literal text
      continue;
    }
    spans.push([i, closed]);
    i = closed;
  }
  return spans;
}

/** URLs written as Markdown link targets, autolinks, reference definitions or bare in the text. */
export interface UrlInText {
  readonly url: string;
  /** Offset of the URL's first character in the text. */
  readonly index: number;
}

// Every pattern is linear: no nested or adjacent unbounded repetition.
const inlineLink = /\]\(\s{0,10}<?([^\s)<>]{1,2000})/g;
const autolink = /<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]{1,2000})>/g;
const referenceDefinition = /^ {0,3}\[[^\]\n]{1,200}\]:\s{0,10}<?([^\s<>]{1,2000})/gm;
const bareUrl = /\b(?:https?|ftp):\/\/[^\s<>()[\]`]{1,2000}/gi;

/**
 * Splits a page body into prose and the URLs it links to. Code (fenced blocks and inline spans)
 * and placeholders are neither prose nor links: a URL in code is an example, not a link.
 */
export function readProse(body: string): { prose: string; urls: UrlInText[] } {
  const text = body.replace(/\r\n?/g, '\n');
  const chars = text.split('');
  let offset = 0;
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const fenceMark = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence !== null) {
      blank(chars, offset, offset + line.length);
      if (fenceMark && fenceMark[1]!.startsWith(fence)) fence = null;
    } else if (fenceMark) {
      fence = fenceMark[1]!;
      blank(chars, offset, offset + line.length);
    } else {
      for (const [from, to] of codeSpans(line)) blank(chars, offset + from, offset + to);
    }
    offset += line.length + 1;
  }
  for (const m of chars.join('').matchAll(/\{\{[^}\n]{0,500}\}\}/g)) blank(chars, m.index, m.index + m[0].length);
  const urls: UrlInText[] = [];
  const take = (url: string, index: number) => {
    urls.push({ url, index });
    blank(chars, index, index + url.length);
  };
  // Link targets first; what is left of a URL after them is a bare one.
  for (const pattern of [inlineLink, autolink, referenceDefinition]) {
    for (const m of chars.join('').matchAll(pattern)) take(m[1]!, m.index + m[0].lastIndexOf(m[1]!));
  }
  for (const m of chars.join('').matchAll(bareUrl)) take(m[0].replace(/[.,;:!?'"*_]+$/, ''), m.index);
  urls.sort((a, b) => a.index - b.index);
  return { prose: chars.join(''), urls };
}

/** 0-based line and column of an offset in a text. */
export function lineColAt(text: string, index: number): { line: number; col: number } {
  let line = 0;
  let start = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: index - start };
}
