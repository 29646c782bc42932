import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { bundledKbDir } from '../src/engine/knowledge-base.ts';

// `npm ci` on the oldest supported Node must print no EBADENGINE warning: every installed package,
// direct or transitive, must accept it (cookie@2 once wanted Node 22; an override pins cookie@1).
const pkg = JSON.parse(readFileSync(join(bundledKbDir, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(bundledKbDir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; engines?: unknown }> };
const oldest = semver.minVersion(pkg.engines.node)!.version;

describe('engines', () => {
  it('the project declares Node >= 20.19', () => {
    expect(oldest).toBe('20.19.0');
  });

  it(`every package in package-lock.json with engines.node accepts Node ${oldest}`, () => {
    const refusing: string[] = [];
    let checked = 0;
    for (const [path, entry] of Object.entries(lock.packages)) {
      const engines = entry.engines;
      // Old packages wrote engines as a list of strings ("node >= 0.8"); npm ignores those.
      if (!engines || typeof engines !== 'object' || Array.isArray(engines)) continue;
      const range = (engines as Record<string, unknown>)['node'];
      if (typeof range !== 'string') continue;
      checked++;
      if (!semver.satisfies(oldest, range, { includePrerelease: true })) refusing.push(`${path || '(root)'}@${entry.version} wants node ${range}`);
    }
    expect(checked).toBeGreaterThan(10);
    expect(refusing).toEqual([]);
  });
});
