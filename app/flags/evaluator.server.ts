import type { Database } from '../../db/client.server';
import { sendDueDigests } from './alerts.server';
import { evaluateQueuedFlags, evaluationLanes, recordEvaluationFailure, sideBySide } from './evaluate.server';
import { reportJob } from '../ops/job-report.server';
import { PollingLoops } from '../ops/polling-loops.server';

const BATCH = 200;

export interface FlagEvaluatorOptions {
  /** How often to look at the queue when nothing woke the evaluator. */
  pollMs?: number;
  /** How often to look for due digests. */
  digestEveryMs?: number;
  log?: (message: string) => void;
  /** Responses judged per batch (BATCH). */
  batch?: number;
}

/**
 * Works the queue of responses to judge (app/flags/evaluate.server.ts) and
 * sends the daily digests. Each app process and each `npm run worker` runs
 * one; they share the queue through the database (`SKIP LOCKED`). A survey
 * submission that completes or changes a response wakes this process's
 * evaluator, so a flag is raised well within a second; the poll is the
 * guarantee for answers saved by other processes or before a crash.
 */
export class FlagEvaluator {
  private readonly loops = new PollingLoops((error) => this.log(`flag evaluator: ${error instanceof Error ? error.message : String(error)}`));
  /** After a failed batch, judge one response at a time to find the one that fails. */
  private isolating = false;
  /** The last step took full batches: more are waiting, so the next step judges `evaluationLanes` batches side by side. */
  private backlog = false;

  constructor(
    private readonly db: Database,
    private readonly options: FlagEvaluatorOptions = {},
  ) {}

  start(): this {
    this.loops.start([
      { work: () => this.step(), idleMs: this.options.pollMs ?? 1000 },
      { work: async () => (await sendDueDigests(this.db), false), idleMs: this.options.digestEveryMs ?? 60_000 },
    ]);
    return this;
  }

  /** Finishes the batch in hand and stops. */
  stop(): Promise<void> {
    return this.loops.stop();
  }

  wake(): void {
    this.loops.wake();
  }

  /** Judges one batch, or `evaluationLanes` side by side while a backlog lasts; false when the queue is (most likely) empty now. */
  async step(): Promise<boolean> {
    try {
      const limit = this.isolating ? 1 : (this.options.batch ?? BATCH);
      // One batch after a wake-up (a submission's answer or two), more only for a backlog: an extra claim would find nothing.
      const lanes = this.backlog && !this.isolating ? evaluationLanes(this.db) : 1;
      const started = performance.now();
      const judged = (await sideBySide(lanes, () => evaluateQueuedFlags(this.db, { limit }))).map((result) => result.judged);
      const count = judged.reduce((sum, n) => sum + n, 0);
      this.isolating = false;
      if (count > 0) reportJob({ job: 'flag-evaluation', outcome: 'judged', count, durationMs: performance.now() - started });
      // A batch smaller than the limit emptied the queue: sleep rather than ask again at once.
      this.backlog = judged.every((n) => n === limit);
      return this.backlog;
    } catch (error) {
      this.backlog = false;
      const message = error instanceof Error ? error.message : String(error);
      this.log(`flag evaluation failed: ${message}`);
      if (this.isolating) await recordEvaluationFailure(this.db, message);
      this.isolating = true;
      return true;
    }
  }

  private log(message: string): void {
    (this.options.log ?? console.error)(message);
  }
}

// The server entry and the Remix build (which bundles the survey pages) are
// separate module graphs; a global is the one place both see.
declare global {
  // eslint-disable-next-line no-var
  var __wouldmissFlagEvaluator: FlagEvaluator | undefined;
}

export function setProcessFlagEvaluator(evaluator: FlagEvaluator | undefined): void {
  globalThis.__wouldmissFlagEvaluator = evaluator;
}

/** Wakes this process's evaluator, if it runs one. */
export function wakeFlagEvaluator(): void {
  globalThis.__wouldmissFlagEvaluator?.wake();
}
