import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import type { EmailTransport } from '../../db/schema';
import type { EmailSettings } from '../email/settings.server';
import { emailsLeftToday, lockWorkspaceEmailDay } from '../email/daily-limit.server';
import { jsonParam, selectRows } from '../email/sql.server';
import { insertSurveyMessages } from './campaign-emails.server';
import { surveyEmailContext } from './launch.server';

interface DueReminder {
  invitation_id: string;
  campaign_id: string;
  number: number;
  to_address: string;
  name: string | null;
  token: string;
  locale: 'de' | 'en';
}

/**
 * Queues the reminders that are due: to invited customers who have not
 * completed the survey, `reminderDelayDays` after the invitation or the last
 * reminder, at most `maxReminders` times, only while the campaign is open
 * and before its close date, never to suppressed, bounced or unsubscribed
 * addresses, and not while another campaign of the workspace has invited
 * the customer within the workspace's contact rule (a reminder is no new
 * ask, but it must not follow another campaign's; it stays due and goes out
 * if that invitation grows old enough while the campaign is open; see
 * docs/decisions/0032-contact-rules-across-campaigns.md). Invitations are taken with SKIP LOCKED and counted in the same
 * transaction, so two processes never queue the same reminder; the message
 * key `reminder:<invitation>:<n>` makes that certain.
 *
 * Reminders count against the workspace's daily email limit like
 * invitations: under the workspace's email-day lock only as many are queued
 * as are left today, and the others stay due (not counted as sent), so they
 * go out as the rolling day frees room rather than being dropped. A workspace
 * whose launch is still queueing its invitations gets its reminders after.
 */
export async function queueDueReminders(
  db: Database,
  settings: Pick<EmailSettings, 'appUrl' | 'from' | 'transport' | 'dailyLimitPerWorkspace'>,
  options: { limit?: number; transport?: EmailTransport } = {},
): Promise<number> {
  const dailyLimit = settings.dailyLimitPerWorkspace;
  return db.transaction(async (tx) => {
    const candidates = await selectRows<{ id: string; workspace_id: string }>(
      tx,
      sql`with active as (select distinct workspace_id from campaigns where status in ('sending', 'open')),
        day_full as (
          select a.workspace_id from active a
          where (select count(*) from email_messages m where m.workspace_id = a.workspace_id and m.created_at > now() - interval '24 hours') >= ${dailyLimit})
        select i.id, c.workspace_id from invitations i
          join campaigns c on c.id = i.campaign_id
          where c.status in ('sending', 'open') and (c.closes_at is null or c.closes_at > now())
            and i.reminders_sent < c.max_reminders
            and i.sent_at is not null and i.status in ('sent', 'delivered') and i.unsubscribed_at is null
            and coalesce(i.last_reminder_at, i.sent_at) <= now() - make_interval(days => c.reminder_delay_days)
            and not exists (select 1 from responses r where r.invitation_id = i.id and r.status = 'completed')
            and exists (select 1 from email_messages m where m.invitation_id = i.id and m.kind = 'invitation' and m.status = 'sent'
              and m.variables ->> 'token' is not null
              and not exists (select 1 from suppressions s where s.workspace_id = m.workspace_id and s.email = lower(m.to_address)))
            and c.workspace_id not in (select workspace_id from day_full)
            -- The contact rule: not while another campaign's invitation to the customer is younger than the rule's days.
            and not exists (select 1 from invitations o join workspaces w on w.id = c.workspace_id
              where o.customer_id = i.customer_id and o.campaign_id <> i.campaign_id
                and coalesce(o.sent_at, o.created_at) > now() - make_interval(days => w.survey_cooldown_days))
          order by i.id
          limit ${options.limit ?? 5000}
          for update of i skip locked`,
    );
    const allowed = await withinDailyLimits(tx, candidates, dailyLimit);
    if (allowed.length === 0) return 0;
    const due = await selectRows<DueReminder>(
      tx,
      sql`with counted as (
          update invitations i set reminders_sent = i.reminders_sent + 1, last_reminder_at = now()
          where i.id in (select value::uuid from json_array_elements_text(${jsonParam(allowed)}::json))
          returning i.id, i.campaign_id, i.reminders_sent
        )
        select counted.id as invitation_id, counted.campaign_id, counted.reminders_sent as number,
          m.to_address, m.variables ->> 'name' as name, m.variables ->> 'token' as token, t.locale
        from counted
        join email_messages m on m.invitation_id = counted.id and m.kind = 'invitation'
        join email_templates t on t.id = m.template_id`,
    );
    const byCampaign = new Map<string, DueReminder[]>();
    for (const row of due) byCampaign.set(row.campaign_id, [...(byCampaign.get(row.campaign_id) ?? []), row]);
    for (const [campaignId, rows] of byCampaign) {
      const [campaign] = await tx.query.campaigns.findMany({ where: (c, { eq }) => eq(c.id, campaignId) });
      const ctx = await surveyEmailContext(tx, campaign!, settings);
      await insertSurveyMessages(tx, {
        kind: 'reminder',
        ctx,
        transport: options.transport ?? settings.transport,
        messages: rows.map((row) => ({
          invitationId: row.invitation_id,
          email: row.to_address,
          name: row.name,
          locale: row.locale,
          token: row.token,
          idempotencyKey: `reminder:${row.invitation_id}:${row.number}`,
        })),
      });
    }
    return due.length;
  });
}

/**
 * The candidates that fit into their workspaces' days, in order. Takes each
 * workspace's email-day lock (in a fixed order, so two processes never wait
 * on each other), then counts what is left; a workspace whose launch is
 * still queueing gets none this round.
 */
async function withinDailyLimits(tx: Database, candidates: { id: string; workspace_id: string }[], dailyLimit: number): Promise<string[]> {
  const byWorkspace = new Map<string, string[]>();
  for (const row of candidates) {
    const ids = byWorkspace.get(row.workspace_id) ?? [];
    ids.push(row.id);
    byWorkspace.set(row.workspace_id, ids);
  }
  const allowed: string[] = [];
  for (const workspaceId of [...byWorkspace.keys()].sort()) {
    await lockWorkspaceEmailDay(tx, workspaceId);
    const [launching] = await selectRows<{ id: string }>(
      tx,
      sql`select id from campaigns where workspace_id = ${workspaceId} and status = 'sending' and invitations_queued_at is null limit 1`,
    );
    if (launching) continue;
    const left = await emailsLeftToday(tx, workspaceId, dailyLimit);
    allowed.push(...byWorkspace.get(workspaceId)!.slice(0, left));
  }
  return allowed;
}
