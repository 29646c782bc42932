// Writes the decision-flow diagram of the bundled knowledge base into README.md (after a build);
// test/readme.test.ts fails while the README shows an older one.
//   node scripts/readme-graph.js
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadKnowledgeBase } from '../dist/engine/knowledge-base.js';
import { buildFlows, renderMermaid } from '../dist/graph/index.js';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const text = readFileSync(readme, 'utf8');
const diagram = renderMermaid(buildFlows(loadKnowledgeBase(), 'en'));
const next = text.replace(/```mermaid\n[\s\S]*?```/, () => `\`\`\`mermaid\n${diagram}\`\`\``);
if (next === text) console.log('README.md: the diagram is current');
else {
  writeFileSync(readme, next);
  console.log('README.md: diagram updated');
}
