import { randomUUID } from 'node:crypto';
import { count, eq, inArray } from 'drizzle-orm';
import { createWorkspace } from '../../app/auth/accounts.server';
import { hashPassword } from '../../app/auth/password.server';
import { randomToken, tokenHash } from '../../app/auth/tokens.server';
import { evaluateAllQueuedFlags } from '../../app/flags/evaluate.server';
import { seedDemoOutbox } from '../../app/campaigns/demo-outbox.server';
import { importCustomers, type SourceOpener } from '../../app/customers/import.server';
import { saveTierPromises } from '../../app/customers/tier-promises.server';
import { toCsv } from '../../app/reports/csv';
import type { Database } from '../client.server';
import {
  campaigns,
  customers,
  flagEvents,
  flags,
  invitations,
  memberships,
  responses,
  surveyVersions,
  users,
  workspaces,
  workspaceTiers,
} from '../schema';
import { tierPromises } from './demo-data';
import { DEMO_PERIODS, generateDemoData, type DemoData } from './demo-generate';

/** The demo's fixed identity. The password is for demo data only and printed at start. */
export const DEMO = {
  slug: 'muster-beratung',
  name: 'Muster Beratung GmbH',
  password: 'wouldmiss-demo',
  members: [
    { role: 'owner', email: 'inhaber@muster-beratung.example', name: 'Petra Inhaber' },
    { role: 'marketing', email: 'marketing@muster-beratung.example', name: 'Max Marketing' },
  ],
} as const;

export interface DemoResult {
  created: boolean;
  workspaceName: string;
  logins: Array<{ role: string; email: string; password: string }>;
}

/**
 * Creates the demo workspace on a database that has no workspace yet, and
 * reports the demo logins whenever the demo workspace exists.
 */
export async function ensureDemoWorkspace(db: Database): Promise<DemoResult> {
  const logins = DEMO.members.map((member) => ({ role: member.role, email: member.email, password: DEMO.password }));
  const [demo] = await db.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.slug, DEMO.slug));
  if (demo) return { created: false, workspaceName: DEMO.name, logins };
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(workspaces);
  if (n > 0) return { created: false, workspaceName: DEMO.name, logins: [] };
  await createDemoWorkspace(db);
  return { created: true, workspaceName: DEMO.name, logins };
}

/** Quarter start (UTC) of a period such as `2026-Q2`. */
function quarterStart(period: string): Date {
  const [year, quarter] = [Number(period.slice(0, 4)), Number(period.slice(6))];
  return new Date(Date.UTC(year, (quarter - 1) * 3, 1));
}

const addMinutes = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

/** One quarter's customer file: every customer with that quarter's revenue and margin. */
function customerFile(data: DemoData, period: string, accountOwner: (index: number) => string | null): string {
  const revenueOf = new Map(data.tiers.filter((row) => row.period === period).map((row) => [row.customerIndex, row]));
  return toCsv(
    ['external_id', 'email', 'name', 'company', 'locale', 'revenue', 'margin', 'account_owner', 'industry', 'size', 'region', 'customer_since'],
    data.customers.map((customer, index) => [
      customer.externalId,
      customer.email,
      customer.name,
      customer.company,
      customer.locale,
      revenueOf.get(index)!.revenue.toFixed(2),
      revenueOf.get(index)!.margin.toFixed(2),
      accountOwner(index),
      customer.industry,
      customer.size,
      customer.region,
      customer.customerSince,
    ]),
  );
}

/** A file held in memory, read as an upload is. */
function memorySource(text: string): SourceOpener {
  const bytes = new TextEncoder().encode(text);
  return () =>
    async function* () {
      yield bytes;
    };
}

async function insertInChunks<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>, size = 500) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

const closingNotes = [
  { status: 'resolved', note: 'Angerufen, Missverständnis zur Rückrufzeit geklärt.' },
  { status: 'resolved', note: 'Termin vor Ort vereinbart, Kunde zufrieden.' },
  { status: 'dismissed', note: 'Einzelfall, kein Handlungsbedarf.' },
] as const;

/** Marketing has worked the flags of past quarters: each is resolved or dismissed with a note. */
async function closeFlags(db: Database, workspaceId: string, campaignId: string, memberId: string, at: Date) {
  const rows = await db.select({ id: flags.id }).from(flags).where(eq(flags.campaignId, campaignId));
  for (const [index, row] of rows.entries()) {
    const closing = closingNotes[index % closingNotes.length]!;
    await db.update(flags).set({ status: closing.status, assignedTo: memberId, updatedAt: at }).where(eq(flags.id, row.id));
    await db.insert(flagEvents).values([
      { workspaceId, flagId: row.id, actorUserId: memberId, action: 'contacted', note: 'Kunde angerufen.', createdAt: addMinutes(at, -60) },
      { workspaceId, flagId: row.id, actorUserId: memberId, action: closing.status, note: closing.note, createdAt: at },
    ]);
  }
}

/** Writes the generated demo data in one transaction. */
export async function createDemoWorkspace(db: Database): Promise<string> {
  const data = generateDemoData();
  const passwordHash = await hashPassword(DEMO.password);
  return db.transaction(async (tx) => {
    const workspace = await createWorkspace(tx, { name: DEMO.name, locale: 'de', slug: DEMO.slug });
    // The demo's customers were all surveyed in October; a 30-day cooldown lets a new campaign reach them.
    await tx.update(workspaces).set({ surveyCooldownDays: 30 }).where(eq(workspaces.id, workspace.id));
    let marketingId = '';
    let ownerId = '';
    for (const member of DEMO.members) {
      const [user] = await tx
        .insert(users)
        .values({ email: member.email, name: member.name, passwordHash, locale: 'de' })
        .returning({ id: users.id });
      await tx.insert(memberships).values({ workspaceId: workspace.id, userId: user!.id, role: member.role });
      if (member.role === 'marketing') marketingId = user!.id;
      else ownerId = user!.id;
    }
    const tierRows = await tx.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, workspace.id));
    // The owner has written down what each tier is promised, through the same function as the settings form.
    const promised = await saveTierPromises(
      tx,
      workspace.id,
      ownerId,
      [...tierRows]
        .sort((a, b) => a.position - b.position)
        .map((row) => ({ tierId: row.id, promise: tierPromises[row.label as keyof typeof tierPromises] ?? null })),
    );
    if (!promised.ok) throw new Error(`demo: could not record the tier promises (${promised.error})`);
    const [version] = await tx.select().from(surveyVersions).where(eq(surveyVersions.workspaceId, workspace.id));

    // The customers and their tiers arrive as a business's would: one customer
    // file a quarter with revenue and margin, imported by the owner through the
    // same code as an upload, which ranks them into tiers (ABC by revenue). The
    // owner looks after the customers who are in tier A this quarter herself.
    const current = DEMO_PERIODS[DEMO_PERIODS.length - 1];
    const topNow = new Set(data.tiers.filter((row) => row.period === current && row.tier === 'A').map((row) => row.customerIndex));
    const ownerEmail = DEMO.members.find((member) => member.role === 'owner')!.email;
    for (const period of DEMO_PERIODS) {
      const file = customerFile(data, period, (index) => (topNow.has(index) ? ownerEmail : null));
      const report = await importCustomers(tx, { workspaceId: workspace.id, period, tiersBy: 'revenue' }, memorySource(file), {
        actorUserId: ownerId,
        origin: 'demo',
        // Inside the demo's one transaction: nothing waits for it, so no staging.
        staged: false,
      });
      if (!report.imported) throw new Error(`demo: the customer file of ${period} did not import (${JSON.stringify(report.errors.slice(0, 3))})`);
    }
    const imported = await tx
      .select({ id: customers.id, externalId: customers.externalId })
      .from(customers)
      .where(eq(customers.workspaceId, workspace.id));
    const idOf = new Map(imported.map((row) => [row.externalId, row.id]));
    const customerIds = data.customers.map((customer) => idOf.get(customer.externalId)!);

    for (const period of DEMO_PERIODS) {
      const sentAt = addMinutes(quarterStart(period), 14 * 24 * 60 + 9 * 60);
      const isCurrent = period === current;
      const [campaign] = await tx
        .insert(campaigns)
        .values({
          workspaceId: workspace.id,
          surveyVersionId: version!.id,
          name: `Kundenbefragung ${period}`,
          period,
          status: isCurrent ? 'open' : 'closed',
          scheduledAt: sentAt,
          closesAt: isCurrent ? new Date(Date.UTC(2026, 11, 31, 23, 0)) : addMinutes(sentAt, 42 * 24 * 60),
          reminderDelayDays: 7,
          maxReminders: 1,
          senderName: DEMO.name,
          createdAt: addMinutes(sentAt, -3 * 24 * 60),
        })
        .returning({ id: campaigns.id });
      const answered = new Map(data.responses.filter((r) => r.period === period).map((r) => [r.customerIndex, r]));
      // Links are random like real ones. The open campaign's raw tokens go into its
      // emails in the outbox (below); those of closed campaigns are not needed.
      const tokens = data.customers.map(() => randomToken());
      const invitationRows = data.customers.map((_, index) => ({
        id: randomUUID(),
        workspaceId: workspace.id,
        campaignId: campaign!.id,
        customerId: customerIds[index]!,
        tokenHash: tokenHash(tokens[index]!),
        status: 'delivered' as const,
        sentAt,
        deliveredAt: addMinutes(sentAt, 1),
        openedAt: answered.has(index) ? addMinutes(sentAt, answered.get(index)!.minutesAfterSend) : null,
        createdAt: addMinutes(sentAt, -10),
      }));
      await insertInChunks(invitationRows, (chunk) => tx.insert(invitations).values(chunk));
      if (isCurrent) {
        const reminderDue = 7 * 24 * 60;
        await seedDemoOutbox(tx, {
          workspaceId: workspace.id,
          campaignId: campaign!.id,
          senderName: DEMO.name,
          closesAt: new Date(Date.UTC(2026, 11, 31, 23, 0)),
          sentAt,
          invitations: data.customers.map((customer, index) => {
            const response = answered.get(index);
            const answeredInTime = response?.completed && response.minutesAfterSend < reminderDue;
            return {
              invitationId: invitationRows[index]!.id,
              token: tokens[index]!,
              email: customer.email,
              name: customer.name,
              locale: customer.locale,
              remindedAt: answeredInTime ? null : addMinutes(sentAt, reminderDue),
            };
          }),
        });
      }
      const responseRows = [...answered.values()].map((response) => {
        const startedAt = addMinutes(sentAt, response.minutesAfterSend);
        const { customerIndex, period: _period, completed, minutesAfterSend: _minutes, ...answers } = response;
        return {
          workspaceId: workspace.id,
          campaignId: campaign!.id,
          invitationId: invitationRows[customerIndex]!.id,
          customerId: customerIds[customerIndex]!,
          period,
          locale: data.customers[customerIndex]!.locale,
          status: completed ? ('completed' as const) : ('started' as const),
          step: completed ? 11 : 1,
          startedAt,
          completedAt: completed ? addMinutes(startedAt, 2) : null,
          updatedAt: addMinutes(startedAt, 2),
          ...answers,
        };
      });
      await insertInChunks(responseRows, (chunk) => tx.insert(responses).values(chunk));
      // The insert queued the completed responses for the flag rules, as a live answer does; judge them now.
      await evaluateAllQueuedFlags(tx);
      if (!isCurrent) await closeFlags(tx, workspace.id, campaign!.id, marketingId, addMinutes(sentAt, 30 * 24 * 60));
    }
    // The standard survey is in use by the demo's campaigns, so it is frozen.
    await tx.update(surveyVersions).set({ frozenAt: new Date(Date.UTC(2025, 6, 1)) }).where(inArray(surveyVersions.id, [version!.id]));
    return workspace.id;
  });
}
