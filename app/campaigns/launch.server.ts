import { randomUUID } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { campaigns, workspaces, type EmailTransport, type LaunchRefusal } from '../../db/schema';
import { emailsLeftToday, lockWorkspaceEmailDay } from '../email/daily-limit.server';
import { fromAddress, type EmailSettings } from '../email/settings.server';
import { jsonParam, selectRows } from '../email/sql.server';
import { audienceRecipients, type Recipient } from './audience.server';
import { freezeSurveyVersion } from '../surveys/surveys.server';
import { createInvitationToken } from '../surveys/invitation-token.server';
import { prepareSurveyTemplates, surveyMessageColumns, surveyMessageRow, type SurveyEmailContext, type SurveyTemplates } from './campaign-emails.server';
import { audienceSpecOf, type CampaignDetails } from './campaigns.server';

type Campaign = Pick<CampaignDetails, 'id' | 'workspaceId' | 'senderName' | 'closesAt'>;

/** The shared parts of a campaign's survey emails: company, sender, links, From. */
export async function surveyEmailContext(db: Database, campaign: Campaign, settings: Pick<EmailSettings, 'appUrl' | 'from'>): Promise<SurveyEmailContext> {
  const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, campaign.workspaceId));
  const sender = campaign.senderName ?? workspace!.senderName ?? workspace!.name;
  return {
    workspaceId: campaign.workspaceId,
    campaignId: campaign.id,
    company: workspace!.name,
    sender,
    closesAt: campaign.closesAt,
    appUrl: settings.appUrl,
    from: fromAddress(settings.from, sender),
  };
}

const CHUNK = 5000;
const LEASE = sql`now() + interval '2 minutes'`;

export interface LaunchResult {
  launched: boolean;
  invited: number;
  /** Set when the daily email limit stopped the launch and the campaign went back to draft. */
  refused?: LaunchRefusal;
}

type Claim = { ok: true; recipients: Recipient[] | null } | { ok: false; refused?: LaunchRefusal };

/**
 * Takes a due campaign for launching. A fresh launch (scheduled → sending)
 * first counts its audience against the workspace's daily email limit, under
 * the workspace's email-day lock: over the limit, the campaign goes back to
 * draft with the reason (the campaign page shows it), and nothing is queued.
 * While another launch of the same workspace is still queueing, it waits for
 * the next tick, so what that launch will add is counted too. A resumed
 * launch (sending, its lease run out) was admitted before and goes on.
 */
async function claimLaunch(db: Database, campaignId: string, dailyLimit: number): Promise<Claim> {
  return db.transaction(async (tx) => {
    const [resumed] = await selectRows<{ id: string }>(
      tx,
      sql`update campaigns set launch_locked_until = ${LEASE}
        where id = ${campaignId} and invitations_queued_at is null and status = 'sending' and (launch_locked_until is null or launch_locked_until < now())
        returning id`,
    );
    if (resumed) return { ok: true, recipients: null };
    const [due] = await tx.select().from(campaigns).where(and(eq(campaigns.id, campaignId), eq(campaigns.status, 'scheduled'), isNull(campaigns.invitationsQueuedAt)));
    if (!due) return { ok: false };
    await lockWorkspaceEmailDay(tx, due.workspaceId);
    const [busy] = await selectRows<{ id: string }>(
      tx,
      sql`select id from campaigns where workspace_id = ${due.workspaceId} and id <> ${campaignId} and status = 'sending' and invitations_queued_at is null limit 1`,
    );
    if (busy) return { ok: false };
    const recipients = await audienceRecipients(tx, await audienceSpecOf(tx, due));
    const left = await emailsLeftToday(tx, due.workspaceId, dailyLimit);
    if (recipients.length > left) {
      const refused: LaunchRefusal = { reason: 'daily_limit', eligible: recipients.length, left, limit: dailyLimit, at: new Date().toISOString() };
      const [back] = await selectRows<{ id: string }>(
        tx,
        sql`update campaigns set status = 'draft', launch_refusal = ${JSON.stringify(refused)}::jsonb where id = ${campaignId} and status = 'scheduled' returning id`,
      );
      return back ? { ok: false, refused } : { ok: false };
    }
    const [taken] = await selectRows<{ id: string }>(
      tx,
      sql`update campaigns set status = 'sending', launched_at = coalesce(launched_at, now()), launch_locked_until = ${LEASE}, launch_refusal = null
        where id = ${campaignId} and status = 'scheduled' and invitations_queued_at is null
        returning id`,
    );
    return taken ? { ok: true, recipients } : { ok: false };
  });
}

/**
 * Starts sending a campaign: scheduled → sending, then for every customer of
 * the audience an invitation with a fresh 256-bit token and its rendered
 * email, in statements of 5,000 (invitations and emails together), two at a
 * time. The raw tokens exist only in the stored messages. A campaign that
 * would take its workspace over the daily email limit does not start (see
 * claimLaunch).
 *
 * A process that dies half-way leaves the campaign `sending` without
 * `invitations_queued_at`; once its lease has run out, the next tick resumes
 * with the customers not yet invited. The unique (campaign, customer) and
 * message keys make a second invitation or email impossible, even if two
 * processes resumed at once.
 */
export async function launchCampaign(
  db: Database,
  campaignId: string,
  settings: Pick<EmailSettings, 'appUrl' | 'from' | 'transport' | 'dailyLimitPerWorkspace'>,
  options: { transport?: EmailTransport; lanes?: number } = {},
): Promise<LaunchResult> {
  const claim = await claimLaunch(db, campaignId, settings.dailyLimitPerWorkspace);
  if (!claim.ok) return claim.refused ? { launched: false, invited: 0, refused: claim.refused } : { launched: false, invited: 0 };
  const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  const recipients = claim.recipients ?? (await audienceRecipients(db, await audienceSpecOf(db, campaign!)));
  const ctx = await surveyEmailContext(db, campaign!, settings);
  const templates = await prepareSurveyTemplates(db, 'invitation', ctx, recipients);
  const transport = options.transport ?? settings.transport;
  const chunks: Recipient[][] = [];
  for (let i = 0; i < recipients.length; i += CHUNK) chunks.push(recipients.slice(i, i + CHUNK));
  let invited = 0;
  // Two chunks at a time keep both cores of a small server busy (PostgreSQL); PGlite runs them one after the other.
  const lanes = Array.from({ length: Math.min(options.lanes ?? 2, chunks.length) }, async () => {
    for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
      const queued = await queueChunk(db, ctx, templates, transport, chunk);
      invited += queued;
    }
  });
  await Promise.all(lanes);
  await db.execute(sql`update campaigns set invitations_queued_at = now(), launch_locked_until = null,
      status = case when exists (select 1 from invitations i where i.campaign_id = ${campaignId}) then status else 'open' end
    where id = ${campaignId}`);
  // A survey version in use by a campaign is frozen; changes make a new version.
  await freezeSurveyVersion(db, campaign!.surveyVersionId);
  // Fresh statistics, so the planner walks the queue index instead of sorting the new rows.
  if (invited > 1000) await db.execute(sql`analyze email_messages`);
  return { launched: true, invited };
}

/**
 * One statement per chunk: the chunk's invitations (new ones only), the email
 * of each new invitation, and the lease extended. Being one statement, it
 * commits whole or not at all, without a transaction's extra round trips.
 * The tokens are drawn in this process (PGlite has no pgcrypto); the database
 * gets only their hashes for the invitations, and the raw token for the
 * message's values.
 */
async function queueChunk(db: Database, ctx: SurveyEmailContext, templates: SurveyTemplates, transport: EmailTransport, chunk: Recipient[]): Promise<number> {
  const rows = chunk.map((recipient) => {
    const { token, tokenHash } = createInvitationToken();
    const invitationId = randomUUID();
    const message = { invitationId, email: recipient.email, name: recipient.name, locale: recipient.locale, token, idempotencyKey: `invitation:${invitationId}` };
    return { ...surveyMessageRow(templates, ctx, message), customer_id: recipient.id, token_hash: tokenHash };
  });
  const [row] = await selectRows<{ invited: number }>(
    db,
    sql`with r as materialized (
        select * from json_to_recordset(${jsonParam(rows)}::json) as r(${surveyMessageColumns}, customer_id uuid, token_hash text)),
      invited as (
        insert into invitations (id, workspace_id, campaign_id, customer_id, token_hash, status)
        select r.invitation_id, ${ctx.workspaceId}::uuid, ${ctx.campaignId}::uuid, r.customer_id, r.token_hash, 'queued' from r
        on conflict (campaign_id, customer_id) do nothing
        returning id),
      messages as (
        insert into email_messages (workspace_id, kind, campaign_id, invitation_id, idempotency_key, from_address,
          to_address, subject, template_id, variables, link, transport)
        select ${ctx.workspaceId}::uuid, 'invitation', ${ctx.campaignId}::uuid, r.invitation_id, r.idempotency_key, ${ctx.from},
          r.to_address, r.subject, r.template_id, r.variables, r.link, ${transport}
        from r join invited on invited.id = r.invitation_id
        on conflict (idempotency_key) do nothing),
      lease as (update campaigns set launch_locked_until = ${LEASE} where id = ${ctx.campaignId})
      select count(*)::int as invited from invited`,
  );
  return Number(row?.invited ?? 0);
}
