import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import type { EmailSettings } from '../email/settings.server';
import { selectRows } from '../email/sql.server';
import { launchCampaign } from './launch.server';
import { queueDueReminders } from './reminders.server';
import { forgetSurveyTokens } from './survey-tokens.server';

/**
 * The campaign clock, run by every dispatcher every few seconds. Each step is
 * a guarded state change, so any number of processes may run it at once:
 *   scheduled/sending/open → closed at the close date;
 *   scheduled → sending at the scheduled time (queues the invitations; a
 *   launch whose process died is resumed once its lease has run out);
 *   sending → open once no invitation waits in the queue;
 *   reminders that are due are queued.
 */
export async function campaignTick(db: Database, settings: Pick<EmailSettings, 'appUrl' | 'from' | 'transport' | 'dailyLimitPerWorkspace'>): Promise<void> {
  // A campaign whose close date passed before it was launched closes unsent.
  // One statement, so the clear survey tokens go in the same transaction as the close.
  await db.execute(sql`with closed as (
      update campaigns set status = 'closed', closed_at = now()
      where status in ('scheduled', 'sending', 'open') and closes_at <= now()
      returning id)
    ${forgetSurveyTokens(sql`select id from closed`)}`);
  // Due campaigns, and launches whose process died before all invitations were queued.
  const due = await selectRows<{ id: string }>(
    db,
    sql`select id from campaigns where invitations_queued_at is null
        and ((status = 'scheduled' and scheduled_at <= now())
          or (status = 'sending' and (launch_locked_until is null or launch_locked_until < now())))
      order by scheduled_at limit 10`,
  );
  for (const campaign of due) await launchCampaign(db, campaign.id, settings);
  await db.execute(sql`update campaigns c set status = 'open'
    where c.status = 'sending' and c.invitations_queued_at is not null and not exists (
      select 1 from email_messages m where m.campaign_id = c.id and m.kind = 'invitation' and m.status in ('queued', 'sending'))`);
  // A few rounds per tick keep a large wave of reminders moving without holding one transaction for long.
  for (let round = 0; round < 20; round++) {
    if ((await queueDueReminders(db, settings)) === 0) break;
  }
}

/**
 * Closes a campaign now: no more answers, reminders or queued invitations,
 * and its messages lose their clear survey tokens in the same statement.
 */
export async function closeCampaign(db: Database, workspaceId: string, campaignId: string): Promise<boolean> {
  const rows = await selectRows<{ id: string }>(
    db,
    sql`with closed as (
        update campaigns set status = 'closed', closed_at = now(), closes_at = least(coalesce(closes_at, now()), now())
        where id = ${campaignId} and workspace_id = ${workspaceId} and status in ('sending', 'open')
        returning id),
      forgotten as (${forgetSurveyTokens(sql`select id from closed`)})
      select id from closed`,
  );
  return rows.length > 0;
}
