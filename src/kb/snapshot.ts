import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Diagnostic } from './diagnostics.ts';
import type { KbFiles } from './files.ts';
import type { KnowledgeBaseData } from './model.ts';
import type { Page } from './page.ts';

/**
 * A checked knowledge base saved at build time, so a process can skip parsing, schema validation and
 * cross-checks when the files are byte for byte the ones that were checked (same fingerprint).
 */
interface Snapshot {
  readonly fingerprint: string;
  readonly diagnostics: Diagnostic[];
  readonly data: Omit<KnowledgeBaseData, 'facts' | 'pages' | 'locations'> & {
    facts: [string, unknown][];
    pages: [string, Omit<Page, 'frontMatter'>][];
    locations: [string, unknown][];
  };
}

/** SHA-256 over every file's path and text (and the unreadable ones' reasons), in path order. */
export function fingerprint(files: KbFiles): string {
  const hash = createHash('sha256');
  const all = [...files.rules, ...files.content].sort((a, b) => a.file.localeCompare(b.file));
  for (const f of all) hash.update(`${f.file}\u0000${f.text}\u0000`);
  for (const u of files.unreadable) hash.update(`!${u.file}\u0000${u.reason}\u0000`);
  return hash.digest('hex');
}

export function writeSnapshot(path: string, data: KnowledgeBaseData, diagnostics: Diagnostic[], print: string): void {
  const snapshot: Snapshot = {
    fingerprint: print,
    diagnostics,
    data: {
      ...data,
      facts: [...data.facts],
      pages: [...data.pages].map(([k, { frontMatter: _fm, ...page }]) => [k, page]),
      locations: [...data.locations],
    },
  };
  writeFileSync(path, JSON.stringify(snapshot));
}

/** The snapshot's data when its fingerprint matches; null when there is none or it is stale. */
export function readSnapshot(path: string, print: string, dir: string): { data: KnowledgeBaseData; diagnostics: Diagnostic[] } | null {
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  } catch {
    return null;
  }
  if (snapshot.fingerprint !== print) return null;
  const d = snapshot.data;
  return {
    diagnostics: snapshot.diagnostics,
    data: {
      ...d,
      dir,
      facts: new Map(d.facts) as KnowledgeBaseData['facts'],
      pages: new Map(d.pages.map(([k, p]) => [k, { ...p, frontMatter: null }])),
      locations: new Map(d.locations) as KnowledgeBaseData['locations'],
    },
  };
}
