import { parseYaml, type Position, type YamlProblem, type YamlSource } from './yaml-source.ts';

/** A content page: front matter, the Markdown body and where its parts are. */
export interface Page {
  readonly file: string;
  readonly lang: string;
  readonly kind: string;
  readonly id: string;
  readonly frontMatter: YamlSource | null;
  readonly title: string;
  readonly summary: string;
  /** The Markdown after the front matter. */
  readonly body: string;
  /** 1-based line of the body's first line in the file. */
  readonly bodyLine: number;
  readonly sections: readonly PageSection[];
  readonly placeholders: readonly Placeholder[];
}

export interface PageSection extends Position {
  readonly heading: string;
  readonly text: string;
}

export interface Placeholder extends Position {
  readonly fact: string;
  readonly fallback: string | undefined;
}

/** `{{fact}}` or `{{fact|fallback text}}` */
export const placeholderPattern = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*(?:\|([^}\n]*))?\}\}/g;

export interface PageProblem extends YamlProblem {
  readonly kind: 'front-matter' | 'yaml';
}

/** Splits a Markdown page into front matter, sections and placeholders. Pure: the caller reads the file. */
export function parsePage(
  file: string,
  text: string,
  where: { lang: string; kind: string; id: string },
): { page: Page; problems: PageProblem[] } {
  const problems: PageProblem[] = [];
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lines = normalized.split('\n');
  let frontMatter: YamlSource | null = null;
  let bodyStart = 0;
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
    if (end === -1) {
      problems.push({ kind: 'front-matter', line: 1, col: 1, message: 'unclosed' });
    } else {
      const parsed = parseYaml(file, lines.slice(1, end).join('\n'), 1);
      for (const p of parsed.problems) problems.push({ ...p, kind: 'yaml' });
      frontMatter = parsed.source;
      bodyStart = end + 1;
    }
  } else {
    problems.push({ kind: 'front-matter', line: 1, col: 1, message: 'missing' });
  }
  const fm = (frontMatter?.data ?? {}) as Record<string, unknown>;
  const bodyLines = lines.slice(bodyStart);
  const body = bodyLines.join('\n');
  const sections: PageSection[] = [];
  let current: { heading: string; line: number; col: number; text: string[] } | null = null;
  let inFence = false;
  bodyLines.forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const m = inFence ? null : /^##\s+(.+?)\s*#*\s*$/.exec(line);
    if (m && !line.startsWith('###')) {
      if (current) sections.push({ heading: current.heading, line: current.line, col: current.col, text: current.text.join('\n').trim() });
      current = { heading: m[1]!, line: bodyStart + i + 1, col: 1, text: [] };
    } else if (current) {
      current.text.push(line);
    }
  });
  if (current) {
    const c = current as { heading: string; line: number; col: number; text: string[] };
    sections.push({ heading: c.heading, line: c.line, col: c.col, text: c.text.join('\n').trim() });
  }
  const placeholders: Placeholder[] = [];
  lines.forEach((line, i) => {
    for (const m of line.matchAll(placeholderPattern)) {
      placeholders.push({ fact: m[1]!, fallback: m[2], line: i + 1, col: (m.index ?? 0) + 1 });
    }
  });
  return {
    page: {
      file,
      ...where,
      frontMatter,
      title: typeof fm['title'] === 'string' ? fm['title'] : where.id,
      summary: typeof fm['summary'] === 'string' ? fm['summary'] : '',
      body,
      bodyLine: bodyStart + 1,
      sections,
      placeholders,
    },
    problems,
  };
}
