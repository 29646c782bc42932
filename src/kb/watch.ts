import { type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';

/** A running watch of a knowledge base folder; `close()` stops it. */
export interface KbWatcher {
  close(): void;
}

export interface WatchOptions {
  /** Quiet time after the last change before `onChange` runs (ms). */
  readonly debounceMs?: number;
  /** A folder that could not be watched (it is tried again after the next change). */
  readonly onError?: (error: Error, folder: string) => void;
}

/** The knowledge base's own sub-folders; changes anywhere else in its folder do not matter. */
const watchedRoots = ['rules', 'content'];

function foldersOf(dir: string): string[] {
  const out: string[] = [];
  const walk = (folder: string) => {
    out.push(folder);
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const full = join(folder, name);
      if (statSync(full, { throwIfNoEntry: false })?.isDirectory()) walk(full);
    }
  };
  for (const root of watchedRoots) if (statSync(join(dir, root), { throwIfNoEntry: false })?.isDirectory()) walk(join(dir, root));
  return out;
}

/**
 * Calls `onChange` (debounced) after any file under rules/ or content/ changes. Watches folders, not
 * files: an editor that saves by writing a temporary file and renaming it over the original (vim,
 * `sed -i`, many IDEs) replaces the file's inode, and a watch on the old inode would go silent. The
 * set of folders is read again after every change, so new, removed and replaced folders are followed.
 */
export function watchKnowledgeBase(dir: string, onChange: () => void, options: WatchOptions = {}): KbWatcher {
  const debounceMs = options.debounceMs ?? 150;
  const watchers = new Map<string, { watcher: FSWatcher; ino: number }>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const changed = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (closed) return;
      sync();
      onChange();
    }, debounceMs);
  };

  const add = (folder: string, filter?: (name: string | null) => boolean) => {
    const ino = statSync(folder, { throwIfNoEntry: false })?.ino;
    if (ino === undefined) return;
    try {
      const watcher = watch(folder, { persistent: true }, (_event, name) => {
        if (!filter || filter(name === null ? null : String(name))) changed();
      });
      watcher.on('error', (error) => {
        watcher.close();
        watchers.delete(folder);
        options.onError?.(error, folder);
        changed();
      });
      watchers.set(folder, { watcher, ino });
    } catch (error) {
      options.onError?.(error as Error, folder);
    }
  };

  const sync = () => {
    const wanted = new Set(foldersOf(dir));
    for (const [folder, entry] of watchers) {
      if (folder === dir) continue;
      const ino = statSync(folder, { throwIfNoEntry: false })?.ino;
      // Gone, or replaced by another folder of the same name: watch the new one.
      if (!wanted.has(folder) || ino !== entry.ino) {
        entry.watcher.close();
        watchers.delete(folder);
      }
    }
    for (const folder of wanted) if (!watchers.has(folder)) add(folder);
  };

  // The folder itself: rules/ or content/ created, removed or renamed.
  add(dir, (name) => name === null || watchedRoots.includes(name));
  sync();

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const { watcher } of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
