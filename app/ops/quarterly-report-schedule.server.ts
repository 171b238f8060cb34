import type { Database } from '../../db/client.server';
import { sendDueQuarterlyReports } from '../reports/quarterly-report.server';
import { reportJob } from './job-report.server';
import { PollingLoops } from './polling-loops.server';

/** How often to look whether a quarter ended whose owners' reports are not sent yet. */
const CHECK_MS = 10 * 60_000;

/**
 * At the start of each quarter, every owner's report of the quarter just
 * ended (app/reports/quarterly-report.server.ts). Each app process and each
 * `npm run worker` runs this schedule; the reports table makes sure a
 * workspace's report is queued once, whoever looks first.
 */
export class QuarterlyReportSchedule {
  private readonly loops = new PollingLoops((error) => this.log(`quarterly reports: ${error instanceof Error ? error.message : String(error)}`));

  constructor(
    private readonly db: Database,
    private readonly options: { everyMs?: number; log?: (message: string) => void } = {},
  ) {}

  start(): this {
    this.loops.start([{ work: () => this.check(), idleMs: this.options.everyMs ?? CHECK_MS }]);
    return this;
  }

  /** Lets a check in hand finish, then stops. */
  stop(): Promise<void> {
    return this.loops.stop();
  }

  private async check(): Promise<boolean> {
    const started = performance.now();
    const queued = await sendDueQuarterlyReports(this.db);
    if (queued > 0) reportJob({ job: 'quarterly-report', outcome: 'queued', count: queued, durationMs: performance.now() - started });
    return false;
  }

  private log(message: string): void {
    (this.options.log ?? console.error)(message);
  }
}
