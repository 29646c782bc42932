import { parse as parseDot } from '@ts-graphviz/ast';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/engine/knowledge-base.ts';
import { buildFlows, renderDot, renderMermaid, type SymptomFlow } from '../../src/graph/index.ts';
import { parseMermaid } from '../_support/mermaid.ts';

// `kb graph` output checked by real parsers: Mermaid 11's own (the one GitHub and the docs render
// with) and a Graphviz DOT grammar (@ts-graphviz/ast), not by comparing text with itself.
const kb = loadKnowledgeBase();
const whole = buildFlows(kb, 'en');
const cases: [string, SymptomFlow[]][] = [['the whole knowledge base', whole], ...whole.map((f): [string, SymptomFlow[]] => [`symptom ${f.symptom}`, buildFlows(kb, 'en', f.symptom)])];

/** What the flows say must be drawn: symptom → cause edges, cause → fact edges, question chains. */
function expectedEdges(flows: readonly SymptomFlow[]): Set<string> {
  const out = new Set<string>();
  for (const f of flows) {
    for (const c of f.causes) {
      out.add(`S:${f.symptom}->C:${c.id}`);
      for (const fact of c.facts) out.add(`C:${c.id}->F:${fact}`);
    }
    f.questionOrder.forEach((_, i) => out.add(i === 0 ? `S:${f.symptom}->Q:${f.symptom}:0` : `Q:${f.symptom}:${i - 1}->Q:${f.symptom}:${i}`));
  }
  return out;
}

describe('kb graph --format mermaid parses in Mermaid', () => {
  it.each(cases)('%s', async (_name, flows) => {
    const parsed = await parseMermaid(renderMermaid(flows));
    expect(parsed.type).toBe('flowchart-v2');
    const mermaidId = (dotted: string) => dotted.replace(/^([SCFQ]):/, '$1_').replace(/[^A-Za-z0-9]/g, '_');
    const edges = new Set(parsed.edges.map((e) => `${e.start}->${e.end}`));
    // Every edge but the dotted symptom → first question (the subgraph shows that order) is drawn.
    for (const e of expectedEdges(flows)) {
      const [from, to] = e.split('->') as [string, string];
      if (from.startsWith('S:') && to.startsWith('Q:')) continue;
      expect(edges, e).toContain(`${mermaidId(from)}->${mermaidId(to)}`);
    }
    // One subgraph per symptom with questions, holding exactly its question nodes.
    const withQuestions = flows.filter((f) => f.questionOrder.length > 0);
    expect(parsed.subgraphs.map((s) => s.id).sort()).toEqual(withQuestions.map((f) => `questions_${mermaidId(f.symptom)}`).sort());
    for (const f of withQuestions) {
      const sub = parsed.subgraphs.find((s) => s.id === `questions_${mermaidId(f.symptom)}`)!;
      expect([...sub.nodes].sort()).toEqual(f.questionOrder.map((_, i) => `Q_${mermaidId(f.symptom)}_${i}`).sort());
    }
    for (const f of flows) expect(parsed.vertices.get(`S_${mermaidId(f.symptom)}`)?.text).toBe(f.title);
  });

  it('keeps hostile titles and ids inside their labels', async () => {
    const flows: SymptomFlow[] = [
      { symptom: 'a', title: 'Quote " <script>alert(1)</script> # ; end\nsubgraph x', causes: [{ id: 'end', layer: 'auth', prior: 0.5, facts: ['graph', 'click'] }], questionOrder: ['graph', 'end'] },
      { symptom: 'b', title: 'back\\slash {curly} [square] (round) |pipe|', causes: [{ id: 'end', layer: 'auth', prior: 0.5, facts: ['click'] }], questionOrder: [] },
    ];
    const parsed = await parseMermaid(renderMermaid(flows));
    expect(parsed.vertices.size).toBeGreaterThanOrEqual(6);
    expect(parsed.subgraphs).toHaveLength(1);
    expect(parsed.edges.map((e) => `${e.start}->${e.end}`)).toEqual(expect.arrayContaining(['S_a->C_end', 'S_b->C_end', 'C_end->F_click']));
    expect(() => parseDot(renderDot(flows))).not.toThrow();
  });
});

describe('kb graph --format dot parses as Graphviz DOT', () => {
  it.each(cases)('%s', (_name, flows) => {
    const ast = parseDot(renderDot(flows));
    const graph = ast.children.find((c) => c.type === 'Graph')!;
    expect(graph).toMatchObject({ directed: true });
    const statements = graph.children as unknown as { type: string; id?: { value: string }; targets?: { id: { value: string } }[] }[];
    const edges = statements.filter((s) => s.type === 'Edge').map((s) => s.targets!.map((t) => t.id.value).join('->'));
    expect(new Set(edges)).toEqual(expectedEdges(flows));
    expect(edges.length).toBe(new Set(edges).size); // each edge once
    const nodes = statements.filter((s) => s.type === 'Node').map((s) => s.id!.value);
    expect(nodes.length).toBe(new Set(nodes).size); // each node declared once
    for (const e of edges) for (const end of e.split('->')) expect(nodes).toContain(end);
  });
});
