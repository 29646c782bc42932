// tsc emits only JavaScript: copy what else dist/ needs (generated CommonJS validators, the web page).
import { cpSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const [from, to, filter] of [
  ['src/generated', 'dist/generated', (f) => !f.endsWith('.ts') || f.endsWith('.d.cts')],
  ['src/server/public', 'dist/server/public', () => true],
]) {
  if (existsSync(root + from)) cpSync(root + from, root + to, { recursive: true, filter: (src) => !/\.[a-z]+$/.test(src) || filter(src) });
}
