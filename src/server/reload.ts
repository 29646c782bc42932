import type { FastifyBaseLogger } from 'fastify';
import { type CompiledKnowledgeBase, compileKnowledgeBase } from '../engine/knowledge-base.ts';
import { formatDiagnostic } from '../kb/diagnostics.ts';
import { readKnowledgeBase } from '../kb/load.ts';
import { type KbWatcher, watchKnowledgeBase } from '../kb/watch.ts';

/** One problem of a failed reload, as /readyz shows it. */
export interface ReloadError {
  readonly code: string;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export interface ReloadStatus {
  readonly at: string;
  readonly ok: boolean;
  readonly errors: readonly ReloadError[];
}

/**
 * Holds the knowledge base being served. A reload swaps it only when the new files load without
 * errors; a broken edit keeps the last good one serving and records the errors for /readyz.
 */
export class KnowledgeBaseHolder {
  #kb: CompiledKnowledgeBase;
  #loadedAt = new Date();
  #generation = 1;
  #last: ReloadStatus | null = null;
  #watcher: KbWatcher | undefined;
  readonly dir: string | undefined;
  readonly #log: FastifyBaseLogger | undefined;

  constructor(kb: CompiledKnowledgeBase, dir: string | undefined, log?: FastifyBaseLogger) {
    this.#kb = kb;
    this.dir = dir;
    this.#log = log;
  }

  get current(): CompiledKnowledgeBase {
    return this.#kb;
  }

  get generation(): number {
    return this.#generation;
  }

  get loadedAt(): Date {
    return this.#loadedAt;
  }

  get lastReload(): ReloadStatus | null {
    return this.#last;
  }

  get watching(): boolean {
    return this.#watcher !== undefined;
  }

  /** Reads the folder again; swaps the knowledge base when it has no errors. Never throws. */
  reload(): ReloadStatus {
    const at = new Date().toISOString();
    if (!this.dir) return (this.#last = { at, ok: false, errors: [{ code: 'KB_READ', file: '', line: 1, col: 1, message: 'This server was given a knowledge base object, not a folder; nothing to reload.' }] });
    let status: ReloadStatus;
    try {
      const { data, diagnostics } = readKnowledgeBase(this.dir);
      const errors = diagnostics.filter((d) => d.severity === 'error');
      if (!data || errors.length > 0) {
        status = { at, ok: false, errors: errors.map(({ code, file, line, col, message }) => ({ code, file, line, col, message })) };
        this.#log?.error(
          { errors: errors.slice(0, 50).map((d) => formatDiagnostic(d, 'error')), generation: this.#generation },
          `knowledge base reload failed with ${errors.length} error(s); still serving generation ${this.#generation}`,
        );
      } else {
        this.#kb = compileKnowledgeBase(data, diagnostics, { cacheSize: 0 }); // the routes cache answers
        this.#generation++;
        this.#loadedAt = new Date();
        status = { at, ok: true, errors: [] };
        this.#log?.info({ generation: this.#generation, version: data.settings.version, warnings: diagnostics.length }, 'knowledge base reloaded');
      }
    } catch (error) {
      status = { at, ok: false, errors: [{ code: 'KB_READ', file: '', line: 1, col: 1, message: error instanceof Error ? error.message : String(error) }] };
      this.#log?.error({ err: error }, 'knowledge base reload failed; still serving the last good one');
    }
    this.#last = status;
    return status;
  }

  /**
   * Reloads after changes under rules/ and content/ settle (debounced). Folders are watched, so a
   * save by rename (vim, sed -i, most IDEs) is seen every time, not only the first.
   */
  watch(debounceMs = 150): void {
    if (!this.dir || this.watching) return;
    this.#watcher = watchKnowledgeBase(this.dir, () => this.reload(), {
      debounceMs,
      onError: (error, folder) => this.#log?.warn({ err: error, folder }, 'watching a folder of the knowledge base failed'),
    });
    this.#log?.info({ dir: this.dir }, 'watching the knowledge base for changes');
  }

  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}
