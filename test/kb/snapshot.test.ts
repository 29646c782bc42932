import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readKbFiles } from '../../src/kb/files.ts';
import { checkKbFiles } from '../../src/kb/load.ts';
import { fingerprint, readSnapshot, writeSnapshot } from '../../src/kb/snapshot.ts';
import { copyKb } from './_fixture.ts';

let kb: ReturnType<typeof copyKb> | undefined;
let out: string | undefined;
afterEach(() => {
  kb?.cleanup();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('the build snapshot of a checked knowledge base', () => {
  it('round-trips the data, and is ignored as soon as one file changes', () => {
    kb = copyKb();
    out = mkdtempSync(join(tmpdir(), 'snap-'));
    const path = join(out, 'kb-snapshot.json');
    const files = readKbFiles(kb.dir);
    const { data, diagnostics } = checkKbFiles(kb.dir, files, { checkRegexSafety: false });
    writeSnapshot(path, data!, diagnostics, fingerprint(files));
    const back = readSnapshot(path, fingerprint(readKbFiles(kb.dir)), kb.dir);
    expect(back?.data.causes).toEqual(data!.causes);
    expect([...back!.data.facts.keys()]).toEqual([...data!.facts.keys()]);
    expect(back!.data.pages.get('de/causes/needs-app-password')?.body).toBe(data!.pages.get('de/causes/needs-app-password')?.body);
    kb.edit('rules/causes/auth.yaml', 'prior: 0.4', 'prior: 0.41');
    expect(readSnapshot(path, fingerprint(readKbFiles(kb.dir)), kb.dir)).toBeNull();
    expect(readSnapshot(join(out, 'missing.json'), 'x', kb.dir)).toBeNull();
  });
});
