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
const label = (s: string) => s.replace(/["<>]/g, "'");

/** Mermaid flowchart: symptom → causes → facts, and the question order as a numbered chain. */
export function renderMermaid(flows: readonly SymptomFlow[]): string {
  const lines = ['flowchart LR'];
  const facts = new Set<string>();
  for (const f of flows) {
    lines.push(`  S_${safeId(f.symptom)}{{"${label(f.title)}"}}`);
    for (const c of f.causes) {
      lines.push(`  S_${safeId(f.symptom)} --> C_${safeId(c.id)}["${c.id}<br/>${c.layer} · prior ${c.prior}"]`);
      for (const fact of c.facts) {
        facts.add(fact);
        lines.push(`  C_${safeId(c.id)} -.-> F_${safeId(fact)}(["${fact}"])`);
      }
    }
    if (f.questionOrder.length > 0) {
      const chain = f.questionOrder.map((q, i) => `Q_${safeId(f.symptom)}_${i}["${i + 1}. ${q}"]`).join(' --> ');
      lines.push(`  subgraph questions_${safeId(f.symptom)}["Questions for ${label(f.title)}"]`);
      lines.push(`    ${chain}`);
      lines.push('  end');
    }
  }
  return `${[...new Set(lines)].join('\n')}\n`;
}

/** Graphviz DOT with the same content. */
export function renderDot(flows: readonly SymptomFlow[]): string {
  const lines = ['digraph kb {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  for (const f of flows) {
    lines.push(`  "S:${f.symptom}" [shape=hexagon, label="${label(f.title)}"];`);
    for (const c of f.causes) {
      lines.push(`  "C:${c.id}" [shape=box, label="${c.id}\\n${c.layer} · prior ${c.prior}"];`);
      lines.push(`  "S:${f.symptom}" -> "C:${c.id}";`);
      for (const fact of c.facts) {
        lines.push(`  "F:${fact}" [shape=ellipse, label="${fact}"];`);
        lines.push(`  "C:${c.id}" -> "F:${fact}" [style=dashed];`);
      }
    }
    f.questionOrder.forEach((q, i) => {
      lines.push(`  "Q:${f.symptom}:${i}" [shape=note, label="${i + 1}. ${q}"];`);
      if (i > 0) lines.push(`  "Q:${f.symptom}:${i - 1}" -> "Q:${f.symptom}:${i}";`);
      else lines.push(`  "S:${f.symptom}" -> "Q:${f.symptom}:0" [style=dotted];`);
    });
  }
  lines.push('}');
  return `${[...new Set(lines)].join('\n')}\n`;
}
