import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import {
  campaigns,
  customers,
  emailEvents,
  emailMessages,
  flagEvents,
  flags,
  invitations,
  responseAnswers,
  responses,
  suppressions,
  tierAssignments,
  workspaceTiers,
} from '../../db/schema';
import { recordAudit } from '../auth/audit.server';
import { composedMessages } from '../email/outbox.server';
import { isUuid } from './customers.server';

/**
 * Everything stored about one customer, as a privacy request (GDPR Art. 15)
 * needs it. It includes the internal tiers, which customers otherwise never
 * see; the member handing it over decides. Recorded in the audit log.
 */
export async function exportCustomer(db: Database, workspaceId: string, customerId: string, actorUserId: string) {
  if (!isUuid(customerId)) return null;
  const [customer] = await db.select().from(customers).where(and(eq(customers.id, customerId), eq(customers.workspaceId, workspaceId)));
  if (!customer) return null;
  const [tiers, invitationRows, responseRows, flagRows, messageRows, suppressionRows] = await Promise.all([
    db
      .select({ period: tierAssignments.period, tier: workspaceTiers.label, revenue: tierAssignments.revenue, margin: tierAssignments.margin, source: tierAssignments.source, createdAt: tierAssignments.createdAt })
      .from(tierAssignments)
      .innerJoin(workspaceTiers, eq(workspaceTiers.id, tierAssignments.tierId))
      .where(eq(tierAssignments.customerId, customer.id))
      .orderBy(asc(tierAssignments.period)),
    db
      .select({
        campaign: campaigns.name,
        period: campaigns.period,
        status: invitations.status,
        createdAt: invitations.createdAt,
        sentAt: invitations.sentAt,
        deliveredAt: invitations.deliveredAt,
        openedAt: invitations.openedAt,
        remindersSent: invitations.remindersSent,
        lastReminderAt: invitations.lastReminderAt,
        unsubscribedAt: invitations.unsubscribedAt,
      })
      .from(invitations)
      .innerJoin(campaigns, eq(campaigns.id, invitations.campaignId))
      .where(eq(invitations.customerId, customer.id))
      .orderBy(asc(invitations.createdAt)),
    db
      .select({ response: responses, campaign: campaigns.name })
      .from(responses)
      .innerJoin(campaigns, eq(campaigns.id, responses.campaignId))
      .where(eq(responses.customerId, customer.id))
      .orderBy(asc(responses.startedAt)),
    db
      .select({ flag: flags, campaign: campaigns.name })
      .from(flags)
      .innerJoin(campaigns, eq(campaigns.id, flags.campaignId))
      .where(eq(flags.customerId, customer.id))
      .orderBy(asc(flags.createdAt)),
    db
      .select({
        id: emailMessages.id,
        kind: emailMessages.kind,
        to: emailMessages.toAddress,
        subject: emailMessages.subject,
        text: emailMessages.text,
        status: emailMessages.status,
        createdAt: emailMessages.createdAt,
        sentAt: emailMessages.sentAt,
      })
      .from(emailMessages)
      .innerJoin(invitations, eq(invitations.id, emailMessages.invitationId))
      .where(eq(invitations.customerId, customer.id))
      .orderBy(asc(emailMessages.createdAt)),
    customer.email
      ? db.select({ email: suppressions.email, reason: suppressions.reason, createdAt: suppressions.createdAt }).from(suppressions).where(and(eq(suppressions.workspaceId, workspaceId), eq(suppressions.email, customer.email)))
      : Promise.resolve([]),
  ]);
  const responseIds = responseRows.map((row) => row.response.id);
  const customAnswers = responseIds.length
    ? await db.select().from(responseAnswers).where(inArray(responseAnswers.responseId, responseIds))
    : [];
  const flagIds = flagRows.map((row) => row.flag.id);
  const events = flagIds.length ? await db.select().from(flagEvents).where(inArray(flagEvents.flagId, flagIds)).orderBy(asc(flagEvents.createdAt)) : [];
  const messageIds = messageRows.map((row) => row.id);
  // Campaign messages are stored as template plus values: compose the text as it was sent.
  const composed = await composedMessages(db, messageIds);
  const deliveries = messageIds.length ? await db.select().from(emailEvents).where(inArray(emailEvents.messageId, messageIds)).orderBy(asc(emailEvents.occurredAt)) : [];

  await recordAudit(db, { workspaceId, actorUserId, action: 'customer.exported', subjectType: 'customer', subjectId: customer.id });
  return {
    exportedAt: new Date().toISOString(),
    customer: {
      id: customer.id,
      externalId: customer.externalId,
      email: customer.email,
      name: customer.name,
      company: customer.company,
      locale: customer.locale,
      industry: customer.industry,
      size: customer.size,
      region: customer.region,
      customerSince: customer.customerSince,
      createdAt: customer.createdAt,
      updatedAt: customer.updatedAt,
      erasedAt: customer.erasedAt,
    },
    tiers,
    invitations: invitationRows,
    responses: responseRows.map(({ response, campaign }) => {
      const { id, workspaceId: _workspace, campaignId: _campaign, invitationId: _invitation, customerId: _customer, ...answers } = response;
      return {
        campaign,
        ...answers,
        customAnswers: Object.fromEntries(customAnswers.filter((answer) => answer.responseId === id).map((answer) => [answer.questionKey, answer.value])),
      };
    }),
    flags: flagRows.map(({ flag, campaign }) => ({
      campaign,
      kind: flag.kind,
      severity: flag.severity,
      reasons: flag.reasons,
      status: flag.status,
      createdAt: flag.createdAt,
      updatedAt: flag.updatedAt,
      events: events.filter((event) => event.flagId === flag.id).map((event) => ({ action: event.action, note: event.note, createdAt: event.createdAt })),
    })),
    emails: messageRows.map(({ id, ...message }) => ({
      ...message,
      subject: composed.get(id)?.subject ?? message.subject,
      text: composed.get(id)?.text ?? message.text,
      events: deliveries.filter((event) => event.messageId === id).map((event) => ({ type: event.type, occurredAt: event.occurredAt })),
    })),
    suppressions: suppressionRows,
  };
}

/**
 * Erases a customer (GDPR Art. 17), in one transaction; see
 * docs/decisions/0008-customer-import-api-privacy.md for what goes and what stays:
 *   - name, email and company are removed and the external id replaced, so
 *     nothing links the row to the person any more; `erased_at` is set; the
 *     attributes (industry, size, region, customer since) go too, since
 *     together they can single a company out;
 *   - completed answers stay for the aggregates, under the tier the customer
 *     had, but free-text answers are removed (they may name people);
 *   - flags with their notes, and the emails sent to the customer, are deleted;
 *     survey links stop working and unsent invitations are suppressed;
 *   - the address goes on the suppression list only when `suppressAddress`.
 * Returns false when there is no such customer or it is erased already.
 */
export async function eraseCustomer(
  db: Database,
  workspaceId: string,
  customerId: string,
  input: { actorUserId: string; suppressAddress: boolean },
): Promise<boolean> {
  if (!isUuid(customerId)) return false;
  return db.transaction(async (tx) => {
    const [customer] = await tx
      .select({ id: customers.id, email: customers.email })
      .from(customers)
      .where(and(eq(customers.id, customerId), eq(customers.workspaceId, workspaceId), sql`${customers.erasedAt} is null`))
      .for('update');
    if (!customer) return false;

    const invitationIds = (await tx.select({ id: invitations.id }).from(invitations).where(eq(invitations.customerId, customer.id))).map((row) => row.id);
    if (invitationIds.length > 0) {
      await tx.delete(emailMessages).where(inArray(emailMessages.invitationId, invitationIds));
      // No SHA-256 hex digest equals `erased-<uuid>`, so every survey link of the customer stops working.
      await tx
        .update(invitations)
        .set({
          tokenHash: sql`'erased-' || gen_random_uuid()`,
          status: sql`case when ${invitations.status} = 'queued' then 'suppressed' else ${invitations.status} end`,
        })
        .where(inArray(invitations.id, invitationIds));
    }
    await tx.delete(flags).where(eq(flags.customerId, customer.id));
    await tx.update(responses).set({ missMost: null, alternative: null, improve: null }).where(eq(responses.customerId, customer.id));
    // Custom answers to text questions of the response's survey version.
    await tx.execute(sql`
      delete from response_answers ra using responses r, campaigns c, survey_versions sv
      where ra.response_id = r.id and r.customer_id = ${customer.id} and c.id = r.campaign_id and sv.id = c.survey_version_id
        and exists (select 1 from jsonb_array_elements(sv.definition -> 'questions') q where q ->> 'key' = ra.question_key and q ->> 'kind' = 'text')`);
    await tx.update(tierAssignments).set({ revenue: null, margin: null }).where(eq(tierAssignments.customerId, customer.id));
    await tx
      .update(customers)
      .set({ email: null, name: null, company: null, industry: null, size: null, region: null, customerSince: null, externalId: `erased-${customer.id}`, erasedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(customers.id, customer.id));
    const suppressed = input.suppressAddress && customer.email !== null;
    if (suppressed) {
      await tx.insert(suppressions).values({ workspaceId, email: customer.email!, reason: 'manual' }).onConflictDoNothing();
    }
    await recordAudit(tx, {
      workspaceId,
      actorUserId: input.actorUserId,
      action: 'customer.erased',
      subjectType: 'customer',
      subjectId: customer.id,
      details: { addressSuppressed: suppressed },
    });
    return true;
  });
}
