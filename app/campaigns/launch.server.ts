import { randomBytes, randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { campaigns, workspaces, type EmailTransport } from '../../db/schema';
import { tokenHash } from '../auth/tokens.server';
import { fromAddress, type EmailSettings } from '../email/settings.server';
import { jsonParam, selectRows } from '../email/sql.server';
import { audienceRecipients, type Recipient } from './audience.server';
import { insertSurveyMessages, prepareSurveyTemplates, type SurveyEmailContext, type SurveyTemplates } from './campaign-emails.server';
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

/** 256-bit link tokens, base64url, drawn in one call (one per invitation). */
function randomTokens(count: number): string[] {
  const bytes = randomBytes(32 * count);
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * 32, i * 32 + 32).toString('base64url'));
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
 * email, in transactions of 5,000 (invitation and email together), two at a
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
  await db.execute(sql`update survey_versions set frozen_at = now() where id = ${campaign!.surveyVersionId} and frozen_at is null`);
  // Fresh statistics, so the planner walks the queue index instead of sorting the new rows.
  if (invited > 1000) await db.execute(sql`analyze email_messages`);
  return { launched: true, invited };
}

/** One transaction: the chunk's invitations (new ones only) and their emails; the lease is extended. */
async function queueChunk(db: Database, ctx: SurveyEmailContext, templates: SurveyTemplates, transport: EmailTransport, chunk: Recipient[]): Promise<number> {
  const tokens = randomTokens(chunk.length);
  const rows = chunk.map((recipient, i) => ({ ...recipient, invitationId: randomUUID(), token: tokens[i]! }));
  return db.transaction(async (tx) => {
    const inserted = await selectRows<{ id: string }>(
      tx,
      sql`insert into invitations (id, workspace_id, campaign_id, customer_id, token_hash, status)
        select r.id, ${ctx.workspaceId}::uuid, ${ctx.campaignId}::uuid, r.customer_id, r.token_hash, 'queued'
        from json_to_recordset(${jsonParam(rows.map((row) => ({ id: row.invitationId, customer_id: row.id, token_hash: tokenHash(row.token) })))}::json)
          as r(id uuid, customer_id uuid, token_hash text)
        on conflict (campaign_id, customer_id) do nothing
        returning id`,
    );
    const fresh = new Set(inserted.map((row) => row.id));
    await insertSurveyMessages(tx, {
      kind: 'invitation',
      ctx,
      transport,
      templates,
      messages: rows
        .filter((row) => fresh.has(row.invitationId))
        .map((row) => ({ invitationId: row.invitationId, email: row.email, name: row.name, locale: row.locale, token: row.token, idempotencyKey: `invitation:${row.invitationId}` })),
    });
    await tx.execute(sql`update campaigns set launch_locked_until = ${LEASE} where id = ${ctx.campaignId}`);
    return fresh.size;
  });
}
