import { memoize } from './_memo.ts';

/** A four-part build number: major.minor.build.revision. */
export type Version = readonly [number, number, number, number];

/**
 * Reads an Exchange build as people and servers write it: `14.2.247.5`, the long form `14.02.0247.005`,
 * `Version 14.3 (Build 123.4)` from the admin tools, or fewer parts (`15.2`, missing parts are 0).
 * Schema names such as `Exchange2010_SP2` or `V2_68` are not builds: they give null.
 */
export function parseVersion(text: unknown): Version | null {
  if (typeof text !== 'string' || text.length > 100) return null;
  return parseCached(text);
}

const parseCached = memoize(parse, 1000);

function parse(text: string): Version | null {
  const s = text.trim();
  const admin = /^Version\s+(\d{1,5})\.(\d{1,5})\s*\(Build\s+(\d{1,6})\.(\d{1,6})\)$/i.exec(s);
  const parts = admin ? admin.slice(1) : /^\d{1,5}(\.\d{1,6}){1,3}$/.test(s) ? s.split('.') : null;
  if (!parts) return null;
  const n = parts.map(Number);
  while (n.length < 4) n.push(0);
  return [n[0]!, n[1]!, n[2]!, n[3]!];
}

/** Negative when a < b, 0 when equal, positive when a > b; all four numbers compared in order. */
export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 4; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

export function formatVersion(v: Version): string {
  return v.join('.');
}
