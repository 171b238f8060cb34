import { eq, sql } from 'drizzle-orm';
import { createWorkspace } from '../../app/auth/accounts.server';
import { createInvitationToken } from '../../app/surveys/invitation-token.server';
import { openDatabase, type Database } from '../../db/client.server';
import { campaigns, customers, invitations, surveyVersions, tierAssignments, workspaceTiers } from '../../db/schema';
import type { LoadRequest, NextVisit } from './http-load';

/** The period of the survey benchmarks' campaign. */
export const SURVEY_BENCH_PERIOD = '2026-Q3';

/**
 * The data both survey benchmarks (the app, `survey.ts`, and its baseline,
 * `baseline-survey.ts`) load: one workspace with an open campaign and
 * `count` invited customers in three tiers, a quarter of them English.
 * Returns the invitations' link tokens.
 */
export async function seedSurveyBench(url: string, count: number): Promise<string[]> {
  const handle = await openDatabase({ driver: 'postgres', url, maxConnections: 4 });
  try {
    return await seedSurveyWorkspace(handle, count);
  } finally {
    await handle.close();
  }
}

/** The same workspace and invitations in an open database of either driver. */
export async function seedSurveyWorkspace(handle: { db: Database }, count: number): Promise<string[]> {
  const workspace = await createWorkspace(handle.db, { name: 'Bench & Partner GmbH', locale: 'de' });
  const tiers = await handle.db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, workspace.id));
  const [version] = await handle.db.select().from(surveyVersions).where(eq(surveyVersions.workspaceId, workspace.id));
  await handle.db.update(surveyVersions).set({ frozenAt: new Date() }).where(eq(surveyVersions.id, version!.id));
  const [campaign] = await handle.db
    .insert(campaigns)
    .values({
      workspaceId: workspace.id,
      surveyVersionId: version!.id,
      name: 'Bench',
      period: SURVEY_BENCH_PERIOD,
      status: 'open',
      closesAt: new Date(Date.now() + 30 * 86_400_000),
    })
    .returning();
  const tokens: string[] = [];
  for (let start = 0; start < count; start += 1_000) {
    const size = Math.min(1_000, count - start);
    const rows = await handle.db
      .insert(customers)
      .values(
        Array.from({ length: size }, (_, i) => ({
          workspaceId: workspace.id,
          externalId: `K-${start + i}`,
          name: `Kunde ${start + i}`,
          email: `kunde${start + i}@bench.example`,
          locale: (i % 4 === 0 ? 'en' : 'de') as 'de' | 'en',
        })),
      )
      .returning({ id: customers.id });
    await handle.db.insert(tierAssignments).values(
      rows.map((row, i) => ({
        workspaceId: workspace.id,
        customerId: row.id,
        period: SURVEY_BENCH_PERIOD,
        tierId: tiers[i % tiers.length]!.id,
        source: 'import' as const,
      })),
    );
    const batch = rows.map((row) => ({ row, ...createInvitationToken() }));
    await handle.db
      .insert(invitations)
      .values(batch.map(({ row, tokenHash }) => ({ workspaceId: workspace.id, campaignId: campaign!.id, customerId: row.id, tokenHash, status: 'delivered' as const })));
    tokens.push(...batch.map((entry) => entry.token));
  }
  await handle.db.execute(sql`analyze`);
  return tokens;
}

/** The answers of each core step, as the page's form sends them. */
export const STEP_ANSWERS = [
  'miss_us=very',
  'miss_most=Die+pers%C3%B6nliche+Betreuung&alternative=',
  'treat_valued=4&treat_responsive=5&treat_equal=4&treat_promise=3',
  'benefit=5&csat=4&recommend=9',
  'improve=Schnellere+R%C3%BCckrufe',
];

/**
 * The two loads of the survey benchmarks over the seeded links: page views
 * take the first half (each request another customer), submissions the
 * second half (a visit is one customer's five steps, in order, so every post
 * saves a step).
 */
export function surveyVisits(tokens: string[], origin: string) {
  const half = Math.floor(tokens.length / 2);
  const postTokens = tokens.slice(half);
  let viewCursor = 0;
  let postCursor = 0;
  const view: NextVisit = () => [{ method: 'GET', path: `/s/${tokens[viewCursor++ % half]}` }];
  const submit: NextVisit = () => {
    const token = postTokens[postCursor++ % postTokens.length]!;
    return STEP_ANSWERS.map(
      (answers, step): LoadRequest => ({
        method: 'POST',
        path: `/s/${token}?step=${step}`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
        body: `step=${step}&intent=next&lang=de&${answers}`,
      }),
    );
  };
  return { view, submit, postTokens, wrappedAround: () => postCursor > postTokens.length };
}
