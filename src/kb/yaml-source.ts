import { createRequire } from 'node:module';
import type { Document, LineCounter } from 'yaml';

const require = createRequire(import.meta.url);
// Loaded on first use: a process that starts from the build's snapshot never parses YAML.
let yamlModule: typeof import('yaml') | undefined;
const yaml = (): typeof import('yaml') => (yamlModule ??= require('yaml') as typeof import('yaml'));
let jsYamlModule: typeof import('js-yaml') | undefined;
const jsYaml = (): typeof import('js-yaml') => (jsYamlModule ??= require('js-yaml') as typeof import('js-yaml'));

/**
 * A parsed YAML file. The data comes from a fast parser; the positional document (for file:line:col)
 * is built from the text only when a position is asked for, which is when something is wrong.
 */
export interface YamlSource {
  readonly file: string;
  readonly text: string;
  readonly data: unknown;
  /** Line offset added to every position (front matter inside a Markdown file starts after `---`). */
  readonly lineOffset: number;
}

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface YamlProblem extends Position {
  readonly message: string;
  /** The yaml library's code (BAD_INDENT, TAB_AS_INDENT, …) when it gave one. */
  readonly code?: string;
}

const positional = new WeakMap<YamlSource, { doc: Document; lineCounter: LineCounter }>();

function parsePositional(text: string): { doc: Document; lineCounter: LineCounter } {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  return { doc, lineCounter };
}

// Aliases can expand exponentially ("billion laughs"); only the positional parser limits them.
const aliasPattern = /(^|[\s[{,:-])\*[^\s,\]}]/m;

/**
 * Parses YAML (YAML 1.2 core schema). Valid files go through js-yaml, which is ~25× faster than the
 * positional parser; a file with an error, or with aliases, goes through `yaml`, which reports each
 * problem with its line and column. Problems come back as data, never as exceptions.
 */
export function parseYaml(file: string, text: string, lineOffset = 0): { source: YamlSource | null; problems: YamlProblem[] } {
  if (!aliasPattern.test(text)) {
    try {
      const { load, CORE_SCHEMA } = jsYaml();
      const data = load(text, { schema: CORE_SCHEMA, filename: file }) ?? null;
      return { source: { file, text, data, lineOffset }, problems: [] };
    } catch {
      // Fall through: the positional parser says what and where.
    }
  }
  const parsed = parsePositional(text);
  // One mistake, one error: the parser's later complaints are mostly the first one's consequences.
  const problems = parsed.doc.errors.slice(0, 1).map((e) => {
    const pos = parsed.lineCounter.linePos(e.pos[0]);
    return { line: pos.line + lineOffset, col: pos.col, message: e.message.split('\n')[0] ?? e.message, code: e.code };
  });
  if (problems.length > 0) return { source: null, problems };
  let data: unknown;
  try {
    data = parsed.doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { source: null, problems: [{ line: 1 + lineOffset, col: 1, message: (e as Error).message }] };
  }
  const source: YamlSource = { file, text, data, lineOffset };
  positional.set(source, parsed);
  return { source, problems };
}

/**
 * 1-based line:col of the deepest node that exists on `path`; with `key`, of that map key.
 * A missing value points at its nearest existing parent.
 */
export function positionOf(source: YamlSource, path: readonly (string | number)[], key?: string): Position {
  const { isMap, isNode, isScalar } = yaml();
  let parsed = positional.get(source);
  if (!parsed) {
    parsed = parsePositional(source.text);
    positional.set(source, parsed);
  }
  const { doc, lineCounter } = parsed;
  let node: unknown = doc.contents;
  for (let i = path.length; i > 0; i--) {
    const found = doc.getIn(path.slice(0, i), true); // keepScalar so the node has a range
    if (isNode(found)) {
      node = found;
      break;
    }
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (isNode(pair?.key)) node = pair.key;
  }
  const offset = isNode(node) && node.range ? node.range[0] : 0;
  const pos = lineCounter.linePos(offset);
  return { line: pos.line + source.lineOffset, col: pos.col };
}

/** `/causes/3/conditions` → ['causes', 3, 'conditions'] (JSON Pointer, RFC 6901). */
export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
