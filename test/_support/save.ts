import { renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let count = 0;

/**
 * Saves a file the way vim, `sed -i`, `mv` and many IDEs do: the new text goes to a temporary file,
 * which is then renamed over the original (a new inode under the old name). `tempIn` is where the
 * temporary file is written: beside the file (sed -i, vim) or in another folder of the same disk (mv).
 */
export function saveByRename(file: string, text: string, tempIn: string = dirname(file)): void {
  const temp = join(tempIn, `.${basename(file)}.save-${process.pid}-${count++}`);
  writeFileSync(temp, text);
  renameSync(temp, file);
}

/** Polls until `ok` holds or `ms` pass; returns the last value (the caller asserts on it). */
export async function until<T>(probe: () => T | Promise<T>, ok: (value: T) => boolean, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
