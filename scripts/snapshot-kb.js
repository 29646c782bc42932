// Checks the bundled knowledge base once at build time and saves it as dist/kb-snapshot.json.
// A process whose rules/ and content/ match the snapshot's fingerprint skips parsing and linting.
// Fails the build when the knowledge base has errors.
import { bundledKbDir, snapshotPath } from '../dist/engine/knowledge-base.js';
import { readKbFiles } from '../dist/kb/files.js';
import { checkKbFiles } from '../dist/kb/load.js';
import { fingerprint, writeSnapshot } from '../dist/kb/snapshot.js';

const files = readKbFiles(bundledKbDir);
const { data, diagnostics } = checkKbFiles(bundledKbDir, files, { checkRegexSafety: true });
if (!data) {
  for (const d of diagnostics) console.error(`${d.file}:${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}`);
  console.error('snapshot-kb: the bundled knowledge base has errors; run kb lint');
  process.exit(1);
}
writeSnapshot(snapshotPath, data, diagnostics, fingerprint(files));
