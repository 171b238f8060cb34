import { createElement } from 'react';
import { and, eq, gt, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { customers, flagDigests, flagEvents, flags, memberships, users, workspaces, workspaceTiers } from '../../db/schema';
import FlagAlertEmail from '../../emails/flag-alert';
import FlagDigestEmail, { type DigestFlag } from '../../emails/flag-digest';
import { env } from '../config/env.server';
import { queueEmail } from '../email/outbox.server';
import { isLocale, translator, type Locale } from '../i18n';
import { ALERT_MAX_AGE_MS, DIGEST_HOUR_UTC, flagAlertsOf } from './alerts';
import { flagDueAt, isOverdue, type ServiceLevel } from './service-level';

/**
 * Flag notifications through the email queue (and so the local outbox
 * without Resend), in each member's language: an alert at once for a
 * high-severity flag assigned to a member who wants those, and one digest
 * a day of new, overdue and reassigned flags, never an empty one.
 */

/** A flag the rules just raised (or raised again). */
export interface RaisedFlag {
  flagId: string;
  workspaceId: string;
  severity: 'high' | 'medium';
  assignedTo: string | null;
  raisedAt: Date;
  /** Tells two raisings of one flag apart in the idempotency key. */
  key: string;
}

interface FlagSummary {
  id: string;
  workspaceId: string;
  kind: 'second_class' | 'at_risk';
  severity: 'high' | 'medium';
  status: string;
  reasons: string[];
  createdAt: Date;
  customerName: string | null;
  customerCompany: string | null;
  externalId: string;
  tier: string | null;
}

function summaryQuery(db: Database) {
  return db
    .select({
      id: flags.id,
      workspaceId: flags.workspaceId,
      kind: flags.kind,
      severity: flags.severity,
      status: flags.status,
      reasons: flags.reasons,
      createdAt: flags.createdAt,
      customerName: customers.name,
      customerCompany: customers.company,
      externalId: customers.externalId,
      tier: workspaceTiers.label,
    })
    .from(flags)
    .innerJoin(customers, eq(customers.id, flags.customerId))
    .leftJoin(workspaceTiers, eq(workspaceTiers.id, flags.tierId));
}

const customerLabel = (flag: FlagSummary) => flag.customerName || flag.customerCompany || flag.externalId;

function formatDate(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'medium', timeZone: 'Europe/Berlin' }).format(date);
}

const flagUrl = (id: string) => `${env().APP_URL}/app/flags/${id}`;

interface Recipient {
  userId: string;
  workspaceId: string;
  email: string;
  locale: Locale;
  role: 'owner' | 'marketing';
  mode: 'immediate' | 'digest' | 'off' | null;
  workspaceName: string;
  level: ServiceLevel;
}

function recipientQuery(db: Database) {
  return db
    .select({
      userId: users.id,
      workspaceId: memberships.workspaceId,
      email: users.email,
      userLocale: users.locale,
      defaultLocale: workspaces.defaultLocale,
      role: memberships.role,
      mode: memberships.flagAlerts,
      workspaceName: workspaces.name,
      highDays: workspaces.flagSlaHighDays,
      mediumDays: workspaces.flagSlaMediumDays,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId));
}

type RecipientRow = Awaited<ReturnType<ReturnType<typeof recipientQuery>['execute']>>[number];

function recipientOf(row: RecipientRow): Recipient {
  return {
    userId: row.userId,
    workspaceId: row.workspaceId,
    email: row.email,
    locale: isLocale(row.userLocale) ? row.userLocale : row.defaultLocale,
    role: row.role,
    mode: row.mode,
    workspaceName: row.workspaceName,
    level: { highDays: row.highDays, mediumDays: row.mediumDays },
  };
}

/**
 * Queues an alert for each high-severity flag in `raised` that was raised in
 * the last day and is assigned to a member who gets alerts at once. Runs in
 * the transaction that raised the flags, so an alert is queued exactly when
 * its flag is.
 */
export async function queueFlagAlerts(db: Database, raised: readonly RaisedFlag[], now: Date): Promise<number> {
  const due = raised.filter((flag) => flag.severity === 'high' && flag.assignedTo !== null && now.getTime() - flag.raisedAt.getTime() < ALERT_MAX_AGE_MS);
  if (due.length === 0) return 0;
  const recipients = (
    await recipientQuery(db).where(
      or(...due.map((flag) => and(eq(memberships.workspaceId, flag.workspaceId), eq(memberships.userId, flag.assignedTo!)))),
    )
  ).map(recipientOf);
  const summaries = new Map((await summaryQuery(db).where(inArray(flags.id, due.map((flag) => flag.flagId)))).map((row) => [row.id, row]));
  let queued = 0;
  for (const flag of due) {
    const recipient = recipients.find((r) => r.workspaceId === flag.workspaceId && r.userId === flag.assignedTo);
    const summary = summaries.get(flag.flagId);
    if (!recipient || !summary || !flagAlertsOf(recipient.role, recipient.mode).immediate) continue;
    const t = translator(recipient.locale);
    const vars = {
      customer: customerLabel(summary),
      kind: t(`flagsPage.kinds.${summary.kind}`),
      workspace: recipient.workspaceName,
      tier: summary.tier ?? '–',
      date: formatDate(flagDueAt(flag.raisedAt, summary.severity, recipient.level), recipient.locale),
    };
    await queueEmail(db, {
      kind: 'flag_alert',
      workspaceId: flag.workspaceId,
      to: recipient.email,
      fromName: 'Wouldmiss',
      subject: t('flagsPage.alertEmail.subject', vars),
      body: createElement(FlagAlertEmail, {
        lang: recipient.locale,
        texts: {
          preview: t('flagsPage.alertEmail.preview', vars),
          heading: t('flagsPage.alertEmail.heading', vars),
          body: t('flagsPage.alertEmail.body', vars),
          why: t('flagsPage.alertEmail.why'),
          due: t('flagsPage.alertEmail.due', vars),
          button: t('flagsPage.alertEmail.button'),
          footer: t('flagsPage.alertEmail.footer'),
        },
        reasons: summary.reasons.map((reason) => t(`flagsPage.reasonTexts.${reason}`)),
        flagUrl: flagUrl(flag.flagId),
      }),
      idempotencyKey: `flag-alert:${flag.flagId}:${flag.key}`,
      link: flagUrl(flag.flagId),
    });
    queued++;
  }
  return queued;
}

/** The UTC calendar day of an instant, as `YYYY-MM-DD`. */
const dayOf = (at: Date) => at.toISOString().slice(0, 10);

/**
 * Sends the day's digests that are due: to every member who gets digests and
 * has none for today, once it is past the digest hour. A digest lists the
 * workspace's flags raised since the member's previous digest (or the last
 * day), its overdue flags, and flags assigned to the member by someone else
 * since then. A member with nothing to read gets nothing, and is looked at
 * again at the next call. Returns how many digests were queued.
 */
export async function sendDueDigests(db: Database, now: Date = new Date()): Promise<number> {
  if (now.getUTCHours() < DIGEST_HOUR_UTC) return 0;
  const day = dayOf(now);
  const candidates = (
    await recipientQuery(db)
      .leftJoin(flagDigests, and(eq(flagDigests.workspaceId, memberships.workspaceId), eq(flagDigests.userId, memberships.userId), eq(flagDigests.day, day)))
      .where(and(isNull(flagDigests.day), or(isNull(memberships.flagAlerts), eq(memberships.flagAlerts, 'digest'))))
  )
    .map(recipientOf)
    .filter((recipient) => flagAlertsOf(recipient.role, recipient.mode).digest);
  let sent = 0;
  for (const recipient of candidates) {
    if (await sendDigest(db, recipient, now, day)) sent++;
  }
  return sent;
}

async function sendDigest(db: Database, recipient: Recipient, now: Date, day: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [previous] = await tx
      .select({ sentAt: sql<Date>`max(${flagDigests.sentAt})` })
      .from(flagDigests)
      .where(and(eq(flagDigests.workspaceId, recipient.workspaceId), eq(flagDigests.userId, recipient.userId)));
    const since = previous?.sentAt ? new Date(previous.sentAt) : new Date(now.getTime() - 24 * 60 * 60 * 1000);
    const inWorkspace = eq(flags.workspaceId, recipient.workspaceId);
    const [fresh, open, reassigned] = await Promise.all([
      summaryQuery(tx).where(and(inWorkspace, gt(flags.createdAt, since), ne(flags.status, 'withdrawn'))),
      summaryQuery(tx).where(and(inWorkspace, eq(flags.status, 'open'))),
      summaryQuery(tx)
        .innerJoin(flagEvents, eq(flagEvents.flagId, flags.id))
        .where(
          and(
            inWorkspace,
            eq(flags.assignedTo, recipient.userId),
            eq(flagEvents.action, 'assigned'),
            gt(flagEvents.createdAt, since),
            or(isNull(flagEvents.actorUserId), ne(flagEvents.actorUserId, recipient.userId)),
          ),
        ),
    ]);
    const overdue = open.filter((flag) => isOverdue(flag, recipient.level, now));
    const reassignedOnce = [...new Map(reassigned.map((row) => [row.id, row])).values()].filter((flag) => flag.status === 'open' || flag.status === 'contacted');
    const count = new Set([...fresh, ...overdue, ...reassignedOnce].map((flag) => flag.id)).size;
    if (count === 0) return false;
    // The digest's record and its email commit together: at most one a day.
    const [claimed] = await tx
      .insert(flagDigests)
      .values({ workspaceId: recipient.workspaceId, userId: recipient.userId, day, sentAt: now, flagCount: count })
      .onConflictDoNothing()
      .returning({ day: flagDigests.day });
    if (!claimed) return false;

    const t = translator(recipient.locale);
    const describe = (flag: FlagSummary, withDue: boolean): DigestFlag => {
      const reasons = flag.reasons.map((reason) => t(`flagsPage.reasonTexts.${reason}`)).join('; ');
      const due = flagDueAt(flag.createdAt, flag.severity, recipient.level);
      return {
        url: flagUrl(flag.id),
        title: `${customerLabel(flag)} — ${t(`flagsPage.kinds.${flag.kind}`)}${flag.tier ? ` (${flag.tier})` : ''}`,
        detail: withDue ? `${reasons} · ${t('flagsPage.overdueSince', { date: formatDate(due, recipient.locale) })}` : reasons,
      };
    };
    const vars = { workspace: recipient.workspaceName, count };
    await queueEmail(tx, {
      kind: 'flag_digest',
      workspaceId: recipient.workspaceId,
      to: recipient.email,
      fromName: 'Wouldmiss',
      subject: t('flagsPage.digestEmail.subject', vars),
      body: createElement(FlagDigestEmail, {
        lang: recipient.locale,
        texts: {
          preview: t('flagsPage.digestEmail.preview', vars),
          heading: t('flagsPage.digestEmail.heading', vars),
          button: t('flagsPage.digestEmail.button'),
          footer: t('flagsPage.digestEmail.footer'),
        },
        sections: [
          { title: t('flagsPage.digestEmail.newFlags'), flags: fresh.map((flag) => describe(flag, false)) },
          { title: t('flagsPage.digestEmail.overdueFlags'), flags: overdue.map((flag) => describe(flag, true)) },
          { title: t('flagsPage.digestEmail.reassignedFlags'), flags: reassignedOnce.map((flag) => describe(flag, false)) },
        ],
        queueUrl: `${env().APP_URL}/app/flags`,
      }),
      idempotencyKey: `flag-digest:${recipient.workspaceId}:${recipient.userId}:${day}`,
      link: `${env().APP_URL}/app/flags`,
    });
    return true;
  });
}
