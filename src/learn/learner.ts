import type { CompiledKnowledgeBase } from '../engine/knowledge-base.ts';
import type { FeedbackCount, FeedbackStore } from '../feedback/index.ts';
import { type LearnedPriors, learnPriors } from './priors.ts';

/** What /readyz shows of the learning. */
export interface LearnerStatus {
  /** When the counts were last read from the database (ISO time); null before the first read. */
  readonly refreshedAt: string | null;
  /** Reports counted at that read (for the knowledge base being served). */
  readonly reports: number;
  /** Why the last read failed, if it did; the last good counts keep steering. */
  readonly error: string | null;
}

export interface LearnerOptions {
  readonly store: FeedbackStore;
  /** The knowledge base being served (it may be swapped by a reload). */
  readonly kb: () => CompiledKnowledgeBase;
  /** How often to read the counts again, in ms: other instances write to the same database. */
  readonly intervalMs: number;
  readonly log?: { warn(obj: object, msg: string): void };
}

/**
 * Keeps the learned priors of the served knowledge base current: reads the feedback counts from the
 * store on an interval (so each instance learns from what all instances recorded) and after each answer
 * this instance records. Learned priors are computed once per knowledge base and set of counts.
 */
export class PriorLearner {
  readonly #options: LearnerOptions;
  #counts: { kbName: string; rows: readonly FeedbackCount[] } | null = null;
  #memo = new WeakMap<CompiledKnowledgeBase, LearnedPriors>();
  #status: LearnerStatus = { refreshedAt: null, reports: 0, error: null };
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | null = null;
  #again = false;
  #closed = false;

  constructor(options: LearnerOptions) {
    this.#options = options;
  }

  get status(): LearnerStatus {
    return this.#status;
  }

  /** Reads the counts now. Calls while a read runs are folded into one more read after it; never rejects. */
  refresh(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#read().finally(() => {
      this.#running = null;
      if (this.#again && !this.#closed) {
        this.#again = false;
        void this.refresh();
      }
    });
    return this.#running;
  }

  async #read(): Promise<void> {
    const kbName = this.#options.kb().data.settings.name;
    try {
      const rows = await this.#options.store.counts(kbName);
      const before = this.#counts;
      if (!before || before.kbName !== kbName || JSON.stringify(before.rows) !== JSON.stringify(rows)) {
        this.#counts = { kbName, rows };
        this.#memo = new WeakMap();
      }
      this.#status = { refreshedAt: new Date().toISOString(), reports: rows.reduce((n, r) => n + r.solved + r.notSolved, 0), error: null };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.#status = { ...this.#status, error: reason };
      this.#options.log?.warn({ err: reason }, 'reading the feedback counts failed; the last learned priors keep steering');
    }
  }

  /** Reads the counts on the interval until close(); the timer does not keep the process alive. */
  start(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setInterval(() => void this.refresh(), this.#options.intervalMs);
    this.#timer.unref();
  }

  /** The learned priors for `kb` from the counts read last (none counted before the first read). */
  priorsFor(kb: CompiledKnowledgeBase): LearnedPriors {
    let priors = this.#memo.get(kb);
    if (!priors) {
      const counts = this.#counts && this.#counts.kbName === kb.data.settings.name ? this.#counts.rows : [];
      priors = learnPriors(kb, counts);
      this.#memo.set(kb, priors);
    }
    return priors;
  }

  /** Stops the interval and waits for a read in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#running;
  }
}
