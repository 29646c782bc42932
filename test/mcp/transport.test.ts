import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageFramer } from '../../src/mcp/transport.ts';
import { root } from './_client.ts';

const frame = (text: string, limits = { maxBytes: 64, maxDepth: 3 }, chunk = 7) => {
  const framer = new MessageFramer(limits);
  const bytes = Buffer.from(text);
  const out = [];
  for (let i = 0; i < bytes.length; i += chunk) out.push(...framer.push(bytes.subarray(i, i + chunk)));
  return out.map((f) => ('line' in f ? { line: f.line.toString('utf8') } : f));
};

describe('the MCP message framer', () => {
  it('passes whole lines within the limits, across chunk boundaries', () => {
    expect(frame('{"id":1,"method":"ping"}\n{"id":2}\n{"partial"')).toEqual([{ line: '{"id":1,"method":"ping"}' }, { line: '{"id":2}' }]);
  });

  it.each([
    ['an id after a long value', `{"method":"x","params":{"a":"${'y'.repeat(100)}"},"id":42}\n`, 42],
    ['a string id with an escaped quote', `{"id":"a\\"b","params":"${'y'.repeat(100)}"}\n`, 'a"b'],
    ['no id (a notification)', `{"method":"x","params":"${'y'.repeat(100)}"}\n`, null],
    ['an "id" key inside the params only', `{"params":{"id":7,"v":"${'y'.repeat(100)}"}}\n`, null],
    ['an "id" text inside a string', `{"params":"\\"id\\":5 ${'y'.repeat(100)}"}\n`, null],
  ])('refuses a message over maxBytes and keeps its top-level id: %s', (_name, text, id) => {
    expect(frame(text)).toEqual([{ refusal: { id, code: 'BODY_TOO_LARGE' } }]);
  });

  it('refuses a message nested deeper than maxDepth, and reads the next one normally', () => {
    expect(frame('{"id":3,"p":[[[1]]]}\n{"id":4}\n')).toEqual([{ refusal: { id: 3, code: 'BODY_TOO_DEEP' } }, { line: '{"id":4}' }]);
  });

  it('kb mcp refuses a --message-limit that is not a size (exit 2, naming the flag)', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'kb.js'), 'mcp', '--message-limit', 'lots'], { input: '', encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--message-limit');
  }, 30_000);
});
