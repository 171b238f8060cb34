/**
 * The large data set's rows (db/seed/large-rows.ts: customers, 12 quarters
 * of ABC tiers, invitations and completed responses with the demo's
 * patterns) loaded into a PGlite database, for `npm run bench:embedded`.
 * db/seed/large.server.ts loads the same rows into PostgreSQL over three
 * connections with the triggers off; PGlite has one connection and no COPY
 * from a client stream, so here each table is one `COPY … FROM '/dev/blob'`
 * of the generated text, with every trigger on: the rollup triggers see the
 * loaded rows as they see any statement. The flag queue the responses' COPY
 * fills is emptied afterwards (as on PostgreSQL, no flags are raised for the
 * loaded answers).
 */
import type { PGlite } from '@electric-sql/pglite';
import { eq } from 'drizzle-orm';
import { createWorkspace } from '../../app/auth/accounts.server';
import type { DatabaseHandle } from '../../db/client.server';
import { campaigns, surveyVersions, workspaceTiers } from '../../db/schema';
import {
  customerChunks,
  INVITATION_COLUMNS,
  LARGE,
  LARGE_PERIODS,
  largeCustomers,
  periodSentAt,
  RESPONSE_COLUMNS,
  surveyChunks,
  tierAssignmentChunks,
  type LargeIds,
} from '../../db/seed/large-rows';

export async function loadLargeIntoPglite(
  handle: DatabaseHandle,
  options: { customers: number; responses: number; log?: (line: string) => void },
): Promise<{ workspaceId: string; slug: string; invitations: number; responses: number }> {
  const log = options.log ?? (() => {});
  const { db } = handle;
  const client = (db as unknown as { $client: PGlite }).$client;
  let started = performance.now();
  const phase = (what: string) => {
    log(`${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    started = performance.now();
  };
  const workspace = await createWorkspace(db, { name: LARGE.name, locale: 'de', slug: LARGE.slug });
  const tiers = await db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, workspace.id));
  const [version] = await db.select().from(surveyVersions).where(eq(surveyVersions.workspaceId, workspace.id));
  await db.update(surveyVersions).set({ frozenAt: new Date() }).where(eq(surveyVersions.id, version!.id));
  const created = await db
    .insert(campaigns)
    .values(
      LARGE_PERIODS.map((period) => ({
        workspaceId: workspace.id,
        surveyVersionId: version!.id,
        name: `Befragung ${period}`,
        period,
        status: 'closed' as const,
        scheduledAt: periodSentAt(period),
        closesAt: new Date(periodSentAt(period).getTime() + 42 * 86_400_000),
      })),
    )
    .returning({ id: campaigns.id, period: campaigns.period });
  const ids: LargeIds = {
    workspaceId: workspace.id,
    tierIds: Object.fromEntries(tiers.map((tier) => [tier.label, tier.id])) as LargeIds['tierIds'],
    campaignIds: LARGE_PERIODS.map((period) => created.find((campaign) => campaign.period === period)!.id),
  };
  const customers = largeCustomers(options.customers);
  const copy = (table: string, columns: string, chunks: Iterable<string>) =>
    client.query(`copy ${table} (${columns}) from '/dev/blob'`, [], { blob: new Blob([...chunks]) });
  await copy('customers', 'id, workspace_id, external_id, email, name, company, locale', customerChunks(ids, customers));
  await copy('tier_assignments', 'workspace_id, customer_id, period, tier_id, revenue, margin, source', tierAssignmentChunks(ids, customers));
  phase(`${options.customers} customers and their tiers in 12 quarters`);
  const invitationText: string[] = [];
  const responseText: string[] = [];
  let invitationCount = 0;
  let responseCount = 0;
  for (const chunk of surveyChunks(ids, customers, options.responses)) {
    if (chunk.kind === 'invitations') {
      invitationText.push(chunk.text);
      invitationCount += chunk.rows;
    } else {
      responseText.push(chunk.text);
      responseCount += chunk.rows;
    }
  }
  await copy('invitations', INVITATION_COLUMNS, invitationText);
  phase(`${invitationCount} invitations`);
  await copy('responses', RESPONSE_COLUMNS, responseText);
  phase(`${responseCount} responses`);
  await client.query(`delete from flag_evaluations where response_id in (select id from responses where workspace_id = $1)`, [workspace.id]);
  await client.exec('vacuum analyze');
  phase('vacuum analyze');
  return { workspaceId: workspace.id, slug: workspace.slug, invitations: invitationCount, responses: responseCount };
}
