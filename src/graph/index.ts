import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import { chooseQuestions } from '../engine/questions.ts';
import type { Lang } from '../i18n/index.ts';

/** The decision flow of one symptom: its causes, the facts each needs, and the order of questions. */
export interface SymptomFlow {
  readonly symptom: string;
  readonly title: string;
  readonly causes: readonly { id: string; layer: string; prior: number; facts: readonly string[] }[];
  /** Facts in the order the engine would ask for them when every answer stays unknown. */
  readonly questionOrder: readonly string[];
}

/** Builds the flow of each symptom (or of one), as the engine sees it. */
export function buildFlows(kb: CompiledKnowledgeBase, lang: Lang, symptom?: string): SymptomFlow[] {
  const symptoms = kb.data.symptoms.filter((s) => !symptom || s.id === symptom);
  return symptoms.map((s) => {
    const causes = kb.bySymptom.get(s.id) ?? [];
    const candidates = causes.map((c) => ({ cause: c, prior: c.decl.priorBySymptom?.[s.id] ?? c.decl.prior, onSymptom: true, baseFacts: kb.baseFactsOf.get(c.decl.id)! }));
    const order: string[] = [];
    for (let i = 0; i < 12; i++) {
      const next = chooseQuestions(candidates, {}, kb.data.facts, 1, new Set(order))[0];
      if (!next) break;
      order.push(next.fact);
    }
    return {
      symptom: s.id,
      title: s.title[lang],
      causes: causes.map((c) => ({ id: c.decl.id, layer: c.decl.layer, prior: c.decl.priorBySymptom?.[s.id] ?? c.decl.prior, facts: [...kb.baseFactsOf.get(c.decl.id)!].sort() })),
      questionOrder: order,
    };
  });
}

const safeId = (s: string) => s.replace(/[^A-Za-z0-9]/g, '_');
/** Text inside a quoted Mermaid label: quotes and angle brackets as Mermaid entity codes, no line breaks. */
const mermaidText = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/#/g, '#35;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
/** Text inside a quoted DOT string: backslashes and quotes escaped, no line breaks. */
const dotText = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/**
 * Mermaid flowchart: symptom → causes (the edge carries the cause's prior for that symptom) → facts, and the question order as a numbered chain in a
 * subgraph per symptom. A node shared by several symptoms is defined once (its first use carries the
 * label) and every edge appears once; structural lines such as a subgraph's `end` are never merged.
 */
export function renderMermaid(flows: readonly SymptomFlow[]): string {
  const lines = ['flowchart LR'];
  const defined = new Set<string>();
  const edges = new Set<string>();
  // `label` is already Mermaid text (escaped); the first use of an id carries it.
  const node = (id: string, shape: (label: string) => string, label: string) => {
    if (defined.has(id)) return id;
    defined.add(id);
    return `${id}${shape(`"${label}"`)}`;
  };
  const edge = (from: string, arrow: string, to: string, toNode: string) => {
    const key = `${from} ${arrow} ${to}`;
    if (edges.has(key)) return;
    edges.add(key);
    lines.push(`  ${from} ${arrow} ${toNode}`);
  };
  for (const f of flows) {
    const s = `S_${safeId(f.symptom)}`;
    lines.push(`  ${node(s, (l) => `{{${l}}}`, mermaidText(f.title))}`);
    for (const c of f.causes) {
      const cid = `C_${safeId(c.id)}`;
      // The prior belongs to the pair (priorBySymptom), so it labels the edge, not the shared cause node.
      edge(s, `-->|"prior ${c.prior}"|`, cid, node(cid, (l) => `[${l}]`, `${mermaidText(c.id)}<br/>${mermaidText(c.layer)}`));
      for (const fact of c.facts) {
        const fid = `F_${safeId(fact)}`;
        edge(cid, '-.->', fid, node(fid, (l) => `([${l}])`, mermaidText(fact)));
      }
    }
    if (f.questionOrder.length > 0) {
      const chain = f.questionOrder.map((q, i) => node(`Q_${safeId(f.symptom)}_${i}`, (l) => `[${l}]`, mermaidText(`${i + 1}. ${q}`))).join(' --> ');
      lines.push(`  subgraph questions_${safeId(f.symptom)}["${mermaidText(`Questions for ${f.title}`)}"]`);
      lines.push(`    ${chain}`);
      lines.push('  end');
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Graphviz DOT with the same content; each node and edge once. */
export function renderDot(flows: readonly SymptomFlow[]): string {
  const lines = ['digraph kb {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  const seen = new Set<string>();
  const add = (line: string) => {
    if (seen.has(line)) return;
    seen.add(line);
    lines.push(line);
  };
  const id = (s: string) => `"${dotText(s)}"`;
  for (const f of flows) {
    const s = id(`S:${f.symptom}`);
    add(`  ${s} [shape=hexagon, label="${dotText(f.title)}"];`);
    for (const c of f.causes) {
      const cid = id(`C:${c.id}`);
      add(`  ${cid} [shape=box, label="${dotText(c.id)}\\n${dotText(c.layer)}"];`);
      add(`  ${s} -> ${cid} [label="prior ${c.prior}"];`);
      for (const fact of c.facts) {
        const fid = id(`F:${fact}`);
        add(`  ${fid} [shape=ellipse, label="${dotText(fact)}"];`);
        add(`  ${cid} -> ${fid} [style=dashed];`);
      }
    }
    f.questionOrder.forEach((q, i) => {
      const qid = id(`Q:${f.symptom}:${i}`);
      add(`  ${qid} [shape=note, label="${i + 1}. ${dotText(q)}"];`);
      add(i > 0 ? `  ${id(`Q:${f.symptom}:${i - 1}`)} -> ${qid};` : `  ${s} -> ${qid} [style=dotted];`);
    });
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
