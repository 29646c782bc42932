import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledKbDir, loadKnowledgeBase } from '../src/engine/knowledge-base.ts';
import { buildFlows, renderMermaid } from '../src/graph/index.ts';
import { parseMermaid } from './_support/mermaid.ts';

describe('README', () => {
  it('shows the current decision flow of the bundled knowledge base (regenerate with kb graph), and Mermaid parses it', async () => {
    const readme = readFileSync(join(bundledKbDir, 'README.md'), 'utf8');
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(diagram).toBe(renderMermaid(buildFlows(loadKnowledgeBase(), 'en')));
    expect((await parseMermaid(diagram!)).type).toBe('flowchart-v2');
  });

  it('documents the two quick-start commands that CI runs', () => {
    const readme = readFileSync(join(bundledKbDir, 'README.md'), 'utf8');
    expect(readme).toContain('npm ci && npx kb diagnose "Nicht autorisiert"\n');
    expect(readme).toContain('\nnpm test\n');
    expect(readFileSync(join(bundledKbDir, '.ci', 'run'), 'utf8')).toMatch(/npm ci\nnpm test\n/);
  });
});
