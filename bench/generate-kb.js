// Writes a valid knowledge base with N causes over N/20 symptoms, for the scale benchmark.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FACTS = 60;

/** Deterministic pseudo-random numbers, so every run benchmarks the same knowledge base. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function generateKb(dir, causes) {
  const rand = rng(causes);
  const symptoms = Math.max(1, Math.round(causes / 20));
  const pick = (n) => Math.floor(rand() * n);
  for (const sub of ['rules/causes', 'content/en/symptoms', 'content/de/symptoms', 'content/en/causes', 'content/de/causes']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'rules/kb.yaml'), `name: generated-${causes}\nversion: 1.0.0\ndefaultLanguage: en\nsections:\n  symptoms: { en: [Meaning], de: [Bedeutung] }\n  causes: { en: [Fix], de: [Lösung] }\n`);
  let facts = 'facts:\n';
  for (let i = 0; i < FACTS; i++) {
    facts += `  - id: f${i}\n    type: boolean\n    source: asked\n    cost: ${['probe', 'user', 'it'][i % 3]}\n    description: { en: Fact ${i}, de: Fakt ${i} }\n    question: { en: Is fact ${i} so?, de: Trifft Fakt ${i} zu? }\n`;
  }
  writeFileSync(join(dir, 'rules/facts.yaml'), facts);
  let sym = 'symptoms:\n';
  for (let s = 0; s < symptoms; s++) {
    sym += `  - id: s${s}\n    title: { en: Widget ${s} failed, de: Widget ${s} fehlgeschlagen }\n    messages: { en: [Widget ${s} failed to synchronise], de: [Widget ${s} konnte nicht synchronisieren] }\n`;
    for (const lang of ['en', 'de']) writeFileSync(join(dir, `content/${lang}/symptoms/s${s}.md`), `---\ntitle: "Widget ${s}"\nsummary: "Widget ${s} failed."\n---\n## ${lang === 'en' ? 'Meaning' : 'Bedeutung'}\nThe widget failed.\n`);
  }
  writeFileSync(join(dir, 'rules/symptoms.yaml'), sym);
  writeFileSync(join(dir, 'rules/signals.yaml'), "signals:\n  - id: widget-code\n    pattern: 'widget code (?<f0>true|false)'\n    examples: ['widget code true']\n");
  const pages = 10;
  for (let p = 0; p < pages; p++) {
    for (const lang of ['en', 'de']) writeFileSync(join(dir, `content/${lang}/causes/page${p}.md`), `---\ntitle: "Page ${p}"\nsummary: "Shared page ${p}."\n---\n## ${lang === 'en' ? 'Fix' : 'Lösung'}\nDo thing ${p}.\n`);
  }
  const perFile = 100;
  for (let file = 0; file * perFile < causes; file++) {
    let out = 'causes:\n';
    for (let c = file * perFile; c < Math.min(causes, (file + 1) * perFile); c++) {
      const a = pick(FACTS);
      const b = pick(FACTS);
      const d = pick(FACTS);
      out += `  - id: c${c}\n    symptoms: [s${c % symptoms}]\n    layer: ${['input', 'dns', 'tcp', 'tls', 'http', 'auth', 'ews', 'send'][c % 8]}\n    prior: ${(0.05 + rand() * 0.9).toFixed(2)}\n    page: page${c % pages}\n`;
      out += `    conditions:\n      all:\n        - { fact: f${a}, operator: equal, value: true }\n        - any:\n            - { fact: f${b}, operator: equal, value: false }\n            - not: { fact: f${d}, operator: equal, value: true }\n`;
    }
    writeFileSync(join(dir, `rules/causes/part${file}.yaml`), out);
  }
  return { symptoms, facts: FACTS };
}
