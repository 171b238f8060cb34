import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { campaigns, workspaces, type EmailTransport } from '../../db/schema';
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
}

/**
 * Starts sending a campaign: scheduled → sending, then for every customer of
 * the audience an invitation with a fresh 256-bit token and its rendered
 * email, in statements of 5,000 (invitations and emails together), two at a
 * time. The raw tokens exist only in the stored messages.
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
  settings: Pick<EmailSettings, 'appUrl' | 'from' | 'transport'>,
  options: { transport?: EmailTransport; lanes?: number } = {},
): Promise<LaunchResult> {
  const [taken] = await selectRows<{ id: string }>(
    db,
    sql`update campaigns set status = 'sending', launched_at = coalesce(launched_at, now()), launch_locked_until = ${LEASE}
      where id = ${campaignId} and invitations_queued_at is null
        and (status = 'scheduled' or (status = 'sending' and (launch_locked_until is null or launch_locked_until < now())))
      returning id`,
  );
  if (!taken) return { launched: false, invited: 0 };
  const [campaign] = await db.select().from(campaigns).where(eq(campaigns.id, campaignId));
  const recipients = await audienceRecipients(db, await audienceSpecOf(db, campaign!));
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
