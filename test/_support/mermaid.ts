import { Window } from 'happy-dom';

/** What Mermaid's own parser makes of a flowchart. */
export interface ParsedFlowchart {
  readonly type: string;
  readonly vertices: ReadonlyMap<string, { readonly text?: string }>;
  readonly edges: readonly { readonly start: string; readonly end: string }[];
  readonly subgraphs: readonly { readonly id: string; readonly title: string; readonly nodes: readonly string[] }[];
}

let loaded: Promise<typeof import('mermaid').default> | undefined;

/**
 * Mermaid itself, headless in Node: its parser sanitises labels with DOMPurify, which needs a DOM, so
 * a happy-dom window is installed as `window`/`document` before Mermaid is first imported.
 */
function mermaid(): Promise<typeof import('mermaid').default> {
  loaded ??= (async () => {
    const window = new Window();
    Object.assign(globalThis, { window, document: window.document });
    return (await import('mermaid')).default;
  })();
  return loaded;
}

/** Parses with Mermaid 11's own flowchart parser; throws Mermaid's parse error when the text is not valid. */
export async function parseMermaid(text: string): Promise<ParsedFlowchart> {
  const m = await mermaid();
  await m.parse(text);
  const diagram = await m.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as {
    getVertices(): Map<string, { text?: string }>;
    getEdges(): { start: string; end: string }[];
    getSubGraphs(): { id: string; title: string; nodes: string[] }[];
  };
  return { type: diagram.type, vertices: db.getVertices(), edges: db.getEdges(), subgraphs: db.getSubGraphs() };
}
