/**
 * Background loops that poll for work and can be woken: the email
 * dispatcher's and the flag evaluator's. Each loop calls its `work` until it
 * reports nothing more to do, then sleeps `idleMs` or until `wake()`.
 * `stop()` lets every loop finish the work in hand.
 */
export class PollingLoops {
  private stopped = true;
  private loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();

  /** `onError` hears of a failed round; the loop goes on after its pause. */
  constructor(private readonly onError: (error: unknown) => void) {}

  get running(): boolean {
    return !this.stopped;
  }

  /** Starts the loops, each `work` returning whether it found work (then it is called again at once). */
  start(loops: ReadonlyArray<{ work: () => Promise<boolean>; idleMs: number }>): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loops = loops.map(({ work, idleMs }) => this.loop(work, idleMs));
  }

  /** Finishes the work in hand and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await Promise.all(this.loops);
    this.loops = [];
  }

  /** Looks for work now instead of at the next poll. */
  wake(): void {
    for (const waker of this.wakers) waker();
  }

  private async loop(work: () => Promise<boolean>, idleMs: number): Promise<void> {
    while (!this.stopped) {
      let worked = false;
      try {
        worked = await work();
      } catch (error) {
        this.onError(error);
      }
      if (!worked && !this.stopped) await this.sleep(idleMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}
