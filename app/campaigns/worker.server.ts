import type { Database } from '../../db/client.server';
import { Dispatcher, type DispatcherOptions } from '../email/dispatcher.server';
import type { EmailSettings } from '../email/settings.server';
import { campaignTick } from './lifecycle.server';

/**
 * The email worker: the send queue plus the campaign clock. The app process
 * runs one (unless RUN_WORKER=false), `npm run worker` runs one more.
 */
export function createEmailWorker(db: Database, settings: EmailSettings, options: Partial<DispatcherOptions> = {}): Dispatcher {
  return new Dispatcher({
    db,
    settings,
    tick: (database) => campaignTick(database, settings),
    // Without a rate limit, more batches in flight keep the provider busy.
    lanes: settings.ratePerSecond > 0 ? 2 : 4,
    ...options,
  });
}
