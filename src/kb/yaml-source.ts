import { createRequire } from 'node:module';
import type { Document, LineCounter } from 'yaml';

// Loaded on first use: a process that starts from the build's snapshot never parses YAML.
let yamlModule: typeof import('yaml') | undefined;
const yaml = (): typeof import('yaml') => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

/** A parsed YAML file that still knows where each value came from. */
export interface YamlSource {
  readonly file: string;
  readonly doc: Document;
  readonly lineCounter: LineCounter;
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
}

/** Parses YAML keeping positions; syntax errors and duplicate keys come back as problems, not exceptions. */
export function parseYaml(file: string, text: string, lineOffset = 0): { source: YamlSource | null; problems: YamlProblem[] } {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const problems = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return { line: pos.line + lineOffset, col: pos.col, message: e.message.split('\n')[0] ?? e.message };
  });
  if (problems.length > 0) return { source: null, problems };
  return { source: { file, doc, lineCounter, data: doc.toJS({ maxAliasCount: 100 }), lineOffset }, problems };
}

/**
 * 1-based line:col of the deepest node that exists on `path`; with `key`, of that map key.
 * A missing value points at its nearest existing parent.
 */
export function positionOf(source: YamlSource, path: readonly (string | number)[], key?: string): Position {
  const { isMap, isNode, isScalar } = yaml();
  let node: unknown = source.doc.contents;
  for (let i = path.length; i > 0; i--) {
    const found = source.doc.getIn(path.slice(0, i), true); // keepScalar so the node has a range
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
  const pos = source.lineCounter.linePos(offset);
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
