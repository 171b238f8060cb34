import { and, asc, desc, eq, ilike, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.server';
import { campaigns, surveys, surveyVersions, tierAssignments, workspaces, workspaceTiers } from '../../db/schema';
import { isEmailVerified } from '../auth/email-verification.server';
import { isUuid, likePattern } from '../customers/customers.server';
import { cursorId, cursorTimestamp, decodeCursor, isoTimestamp, keysetPage } from '../http/keyset.server';
import { emailsLeftToday } from '../email/daily-limit.server';
import { selectRows } from '../email/sql.server';
import { previewAudience, type AudienceSpec } from './audience.server';
import { DEFAULT_CONTACT_DAYS, effectiveContactDays } from './contact-rule';
import { periodOf, type CampaignDraft } from './forms';

function selectCampaigns(db: Database, where: SQL | undefined) {
  return db
    .select({
      id: campaigns.id,
      name: campaigns.name,
      period: campaigns.period,
      status: campaigns.status,
      closesAt: campaigns.closesAt,
      createdAt: campaigns.createdAt,
      // Written out with aliases: in a one-table select Drizzle renders campaigns.id as a bare "id",
      // which inside the subquery is the invitation's or response's own id (every count was 0).
      invited: sql<number>`(select count(*) from invitations i where i.campaign_id = campaigns.id)::int`,
      started: sql<number>`(select count(*) from responses r where r.campaign_id = campaigns.id)::int`,
      completed: sql<number>`(select count(*) from responses r where r.campaign_id = campaigns.id and r.status = 'completed')::int`,
      // The sort key of a list page's cursor, to the microsecond.
      cursorAt: isoTimestamp(campaigns.createdAt),
    })
    .from(campaigns)
    .where(where)
    .orderBy(desc(campaigns.period), desc(campaigns.createdAt), desc(campaigns.id));
}

/** Where the next page of the campaign list starts: the last campaign's quarter, creation and id. */
const campaignCursorShape = z.tuple([z.string().regex(/^\d{4}-Q[1-4]$/), cursorTimestamp, cursorId]);

/** Whether a cursor from a URL is one of the campaign list's (the page answers 400 otherwise). */
export function isCampaignCursor(text: string): boolean {
  return decodeCursor(campaignCursorShape, text) !== null;
}

/**
 * One page of a workspace's campaigns, newest quarter first, then newest,
 * with their invitation and response counts, and the number of campaigns the
 * search (in the name) finds. Keyset pagination on (quarter, created, id);
 * a malformed cursor reads as none (routes refuse it first, see isCampaignCursor).
 */
export async function campaignsPage(db: Database, workspaceId: string, options: { q?: string; after?: string; limit?: number } = {}) {
  const limit = options.limit ?? 50;
  const q = options.q?.trim();
  const where = and(eq(campaigns.workspaceId, workspaceId), q ? ilike(campaigns.name, likePattern(q)) : undefined);
  const cursor = decodeCursor(campaignCursorShape, options.after);
  const after = cursor
    ? sql`(${campaigns.period}, ${campaigns.createdAt}, ${campaigns.id}) < (${cursor[0]}, ${cursor[1]}::timestamptz, ${cursor[2]}::uuid)`
    : undefined;
  const [rows, [count]] = await Promise.all([
    selectCampaigns(db, and(where, after)).limit(limit + 1),
    db.select({ n: sql<number>`count(*)::int` }).from(campaigns).where(where),
  ]);
  const page = keysetPage(rows, limit, (last) => [last.period, last.cursorAt, last.id]);
  return { rows: page.rows.map(({ cursorAt: _, ...row }) => row), next: page.next, total: Number(count?.n ?? 0) };
}

/** One campaign of the workspace with its counts, or null (also for another workspace's id). */
export async function getCampaign(db: Database, workspaceId: string, campaignId: string) {
  if (!isUuid(campaignId)) return null;
  const [campaign] = await selectCampaigns(db, and(eq(campaigns.id, campaignId), eq(campaigns.workspaceId, workspaceId)));
  return campaign ?? null;
}

/** A campaign's full settings with its survey's name, or null. */
export async function getCampaignDetails(db: Database, workspaceId: string, campaignId: string) {
  if (!isUuid(campaignId)) return null;
  const [row] = await db
    .select({ campaign: campaigns, surveyName: surveys.name, surveyVersion: surveyVersions.version })
    .from(campaigns)
    .innerJoin(surveyVersions, eq(surveyVersions.id, campaigns.surveyVersionId))
    .innerJoin(surveys, eq(surveys.id, surveyVersions.surveyId))
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.workspaceId, workspaceId)));
  return row ? { ...row.campaign, surveyName: row.surveyName, surveyVersion: row.surveyVersion } : null;
}

export type CampaignDetails = NonNullable<Awaited<ReturnType<typeof getCampaignDetails>>>;

/** What the draft form offers: survey versions, tiers and quarters of the workspace. */
export async function draftChoices(db: Database, workspaceId: string) {
  const [versions, tiers, periodRows, [workspace]] = await Promise.all([
    db
      .selectDistinctOn([surveys.id], { id: surveyVersions.id, surveyName: surveys.name, version: surveyVersions.version })
      .from(surveys)
      .innerJoin(surveyVersions, eq(surveyVersions.surveyId, surveys.id))
      .where(and(eq(surveys.workspaceId, workspaceId), isNull(surveys.archivedAt)))
      .orderBy(surveys.id, desc(surveyVersions.version)),
    db.select({ id: workspaceTiers.id, label: workspaceTiers.label }).from(workspaceTiers).where(eq(workspaceTiers.workspaceId, workspaceId)).orderBy(asc(workspaceTiers.position)),
    db.selectDistinct({ period: tierAssignments.period }).from(tierAssignments).where(eq(tierAssignments.workspaceId, workspaceId)),
    db.select({ name: workspaces.name, senderName: workspaces.senderName, cooldownDays: workspaces.surveyCooldownDays }).from(workspaces).where(eq(workspaces.id, workspaceId)),
  ]);
  const now = new Date();
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 3, 1));
  const periods = [...new Set([...periodRows.map((row) => row.period), periodOf(now), periodOf(next)])].sort().reverse();
  return { versions, tiers, periods, currentPeriod: periodOf(now), workspace: workspace! };
}

export type DraftProblem = { field: 'surveyVersionId' | 'tierIds'; error: 'survey_invalid' | 'tier_invalid' };

/** Checks that the draft's survey version and tiers belong to the workspace. */
async function checkDraft(db: Database, workspaceId: string, draft: CampaignDraft): Promise<DraftProblem | null> {
  const [version] = await db
    .select({ id: surveyVersions.id })
    .from(surveyVersions)
    .where(and(eq(surveyVersions.id, draft.surveyVersionId), eq(surveyVersions.workspaceId, workspaceId)));
  if (!version) return { field: 'surveyVersionId', error: 'survey_invalid' };
  if (draft.audienceTierIds) {
    const tiers = await db
      .select({ id: workspaceTiers.id })
      .from(workspaceTiers)
      .where(and(eq(workspaceTiers.workspaceId, workspaceId), inArray(workspaceTiers.id, draft.audienceTierIds)));
    if (tiers.length !== draft.audienceTierIds.length) return { field: 'tierIds', error: 'tier_invalid' };
  }
  return null;
}

/** Creates a draft. */
export async function createDraft(db: Database, workspaceId: string, userId: string, draft: CampaignDraft) {
  const problem = await checkDraft(db, workspaceId, draft);
  if (problem) return { ok: false as const, problem };
  const [row] = await db.insert(campaigns).values({ ...draft, workspaceId, createdBy: userId, status: 'draft' }).returning({ id: campaigns.id });
  return { ok: true as const, id: row!.id };
}

/** Changes a draft; campaigns past the draft stage cannot be changed. */
export async function updateDraft(db: Database, workspaceId: string, campaignId: string, draft: CampaignDraft) {
  const problem = await checkDraft(db, workspaceId, draft);
  if (problem) return { ok: false as const, problem };
  const updated = await db
    .update(campaigns)
    .set(draft)
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.workspaceId, workspaceId), eq(campaigns.status, 'draft')))
    .returning({ id: campaigns.id });
  return updated.length > 0 ? { ok: true as const, id: campaignId } : { ok: false as const, problem: null };
}

export async function deleteDraft(db: Database, workspaceId: string, campaignId: string): Promise<boolean> {
  const deleted = await db
    .delete(campaigns)
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.workspaceId, workspaceId), eq(campaigns.status, 'draft')))
    .returning({ id: campaigns.id });
  return deleted.length > 0;
}

/** The audience rules of a campaign as they apply now. */
export async function audienceSpecOf(db: Database, campaign: Pick<CampaignDetails, 'id' | 'workspaceId' | 'period' | 'audienceTierIds' | 'cooldownDays'>): Promise<AudienceSpec> {
  const [workspace] = await db.select({ days: workspaces.surveyCooldownDays }).from(workspaces).where(eq(workspaces.id, campaign.workspaceId));
  return {
    workspaceId: campaign.workspaceId,
    campaignId: campaign.id,
    period: campaign.period,
    tierIds: campaign.audienceTierIds,
    // The workspace's contact rule holds for every campaign; a campaign may only wait longer.
    cooldownDays: effectiveContactDays(workspace?.days ?? DEFAULT_CONTACT_DAYS, campaign.cooldownDays),
  };
}

export type ScheduleResult =
  | { ok: true; sendsNow: boolean }
  | { ok: false; error: 'not_draft' | 'audience_empty' | 'audience_changed' | 'email_unverified'; eligible?: number }
  | { ok: false; error: 'daily_limit'; eligible: number; left: number; limit: number };

/**
 * Confirms a draft: it becomes scheduled and is launched by the dispatcher at
 * its time (at once without one). `expectedEligible` is the number the member
 * confirmed; if the audience changed since, nothing happens. A workspace
 * whose owner has not confirmed their email address sends nothing, and a
 * campaign that would take the workspace over its daily email limit
 * (`dailyEmailLimit`, emails in 24 hours) is refused with what is left.
 */
export async function scheduleCampaign(
  db: Database,
  workspaceId: string,
  campaignId: string,
  expectedEligible: number,
  limits: { dailyEmailLimit: number },
): Promise<ScheduleResult> {
  const campaign = await getCampaignDetails(db, workspaceId, campaignId);
  if (!campaign || campaign.status !== 'draft') return { ok: false, error: 'not_draft' };
  if (!(await isEmailVerified(db, workspaceId))) return { ok: false, error: 'email_unverified' };
  const preview = await previewAudience(db, await audienceSpecOf(db, campaign));
  if (preview.eligible === 0) return { ok: false, error: 'audience_empty', eligible: 0 };
  if (preview.eligible !== expectedEligible) return { ok: false, error: 'audience_changed', eligible: preview.eligible };
  const left = await emailsLeftToday(db, workspaceId, limits.dailyEmailLimit);
  if (preview.eligible > left) return { ok: false, error: 'daily_limit', eligible: preview.eligible, left, limit: limits.dailyEmailLimit };
  const [row] = await selectRows<{ sends_now: boolean }>(
    db,
    sql`update campaigns set status = 'scheduled', scheduled_at = greatest(coalesce(scheduled_at, now()), now())
      where id = ${campaignId} and workspace_id = ${workspaceId} and status = 'draft'
      returning scheduled_at <= now() + interval '1 second' as sends_now`,
  );
  if (!row) return { ok: false, error: 'not_draft' };
  return { ok: true, sendsNow: row.sends_now };
}

/** A scheduled campaign that has not started sending goes back to draft. */
export async function unscheduleCampaign(db: Database, workspaceId: string, campaignId: string): Promise<boolean> {
  const rows = await db
    .update(campaigns)
    .set({ status: 'draft' })
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.workspaceId, workspaceId), eq(campaigns.status, 'scheduled')))
    .returning({ id: campaigns.id });
  return rows.length > 0;
}

export interface CampaignProgress {
  funnel: { invited: number; sent: number; delivered: number; opened: number; started: number; completed: number; bounced: number; unsubscribed: number; complained: number };
  queue: Record<'invitation' | 'reminder', Record<'queued' | 'sending' | 'sent' | 'failed' | 'cancelled', number>>;
}

/** The funnel and the send queue of one campaign, for the live campaign page. */
export async function campaignProgress(db: Database, campaignId: string): Promise<CampaignProgress> {
  const [[funnel], queueRows] = await Promise.all([
    selectRows<CampaignProgress['funnel']>(
      db,
      sql`select count(*)::int as invited,
          count(*) filter (where i.sent_at is not null)::int as sent,
          count(*) filter (where i.delivered_at is not null)::int as delivered,
          count(*) filter (where i.opened_at is not null)::int as opened,
          (select count(*) from responses r where r.campaign_id = ${campaignId})::int as started,
          (select count(*) from responses r where r.campaign_id = ${campaignId} and r.status = 'completed')::int as completed,
          count(*) filter (where i.status = 'bounced')::int as bounced,
          count(*) filter (where i.unsubscribed_at is not null)::int as unsubscribed,
          count(*) filter (where i.status = 'complained')::int as complained
        from invitations i where i.campaign_id = ${campaignId}`,
    ),
    selectRows<{ kind: string; status: string; n: number }>(
      db,
      sql`select kind, status, count(*)::int as n from email_messages where campaign_id = ${campaignId} group by kind, status`,
    ),
  ]);
  const empty = () => ({ queued: 0, sending: 0, sent: 0, failed: 0, cancelled: 0 });
  const queue = { invitation: empty(), reminder: empty() };
  for (const row of queueRows) {
    const bucket = queue[row.kind as 'invitation' | 'reminder'];
    if (bucket && row.status in bucket) bucket[row.status as keyof typeof bucket] = Number(row.n);
  }
  const numeric = Object.fromEntries(Object.entries(funnel!).map(([key, value]) => [key, Number(value)])) as CampaignProgress['funnel'];
  return { funnel: numeric, queue };
}
