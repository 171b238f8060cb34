import type { AppMetrics } from './metrics.server';
import { logger } from './logger.server';

/** What one run of a background job did: counts and a duration, never addresses or tokens. */
export interface JobReport {
  job: 'email-batch' | 'email-outbox' | 'flag-evaluation' | 'webhook-delivery' | 'quarterly-report';
  outcome: 'sent' | 'retry' | 'failed' | 'postponed' | 'judged' | 'queued';
  /** How many items (emails, responses) the run handled. */
  count: number;
  durationMs: number;
}

declare global {
  // eslint-disable-next-line no-var
  var __wouldmissMetrics: AppMetrics | undefined;
}

export function setProcessMetrics(metrics: AppMetrics | undefined): void {
  globalThis.__wouldmissMetrics = metrics;
}

/** Writes one log line for a job run and counts its emails in the metrics. */
export function reportJob(report: JobReport): void {
  const level = report.outcome === 'failed' ? 'warn' : 'info';
  logger()[level]({ job: report.job, outcome: report.outcome, count: report.count, durationMs: Math.round(report.durationMs) }, 'job');
  if (report.job === 'email-batch' || report.job === 'email-outbox') {
    if (report.outcome === 'sent') globalThis.__wouldmissMetrics?.recordEmails('sent', report.count);
    if (report.outcome === 'failed') globalThis.__wouldmissMetrics?.recordEmails('failed', report.count);
  }
}
