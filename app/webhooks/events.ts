import { z } from 'zod';
import { flagKinds, flagSeverities, flagStatuses, missUsAnswers, webhookEventTypes, type WebhookEventType } from '../../db/schema';

// The payloads the database triggers of migration 0016 write, as zod
// schemas: the OpenAPI document's `webhooks` section is generated from them,
// and the tests check every delivered payload against them. A payload
// carries ids a CRM already knows (external ids, member emails); never a
// survey link, a customer's email or a flag's notes.

const isoInstant = z.iso.datetime().describe('UTC, with microseconds.');
const customerRef = z.object({ id: z.uuid(), externalId: z.string().describe('The id the customer has in your CRM.') });

const scale = (low: number, high: number) => z.number().int().min(low).max(high).nullable();

export const responseCompletedData = z.object({
  responseId: z.uuid(),
  campaignId: z.uuid(),
  period: z.string().describe('The campaign\'s quarter, e.g. 2026-Q4.'),
  locale: z.enum(['de', 'en']),
  completedAt: isoInstant,
  customer: customerRef,
  tier: z.string().nullable().describe("The customer's tier in the campaign's period."),
  answers: z.object({
    missUs: z.enum(missUsAnswers).nullable(),
    missMost: z.string().nullable(),
    alternative: z.string().nullable(),
    treatValued: scale(1, 5),
    treatResponsive: scale(1, 5),
    treatEqual: scale(1, 5),
    treatPromise: scale(1, 5),
    benefit: scale(1, 5),
    csat: scale(1, 5),
    recommend: scale(0, 10),
    improve: z.string().nullable(),
  }),
});

export const flagEventData = z.object({
  flagId: z.uuid(),
  kind: z.enum(flagKinds),
  severity: z.enum(flagSeverities),
  status: z.enum(flagStatuses),
  previousStatus: z.enum(flagStatuses).nullable().describe('The status before this event; null for a new flag.'),
  reasons: z.array(z.string()).describe('The rules that fired.'),
  campaignId: z.uuid(),
  responseId: z.uuid().nullable(),
  customer: customerRef,
  assignee: z.object({ name: z.string(), email: z.string() }).nullable().describe('The member the flag is assigned to.'),
  raisedAt: isoInstant,
  updatedAt: isoInstant,
});

export const campaignClosedData = z.object({
  campaignId: z.uuid(),
  name: z.string(),
  period: z.string(),
  closedAt: isoInstant,
});

export const tierChangedData = z.object({
  customer: customerRef,
  period: z.string(),
  tier: z.string(),
  previousTier: z.string().nullable().describe('The tier the customer had in this period before; null for a first assignment.'),
  source: z.enum(['import', 'abc', 'api', 'manual']),
});

const envelope = <T extends WebhookEventType, D extends z.ZodObject>(type: T, data: D) =>
  z.object({ type: z.literal(type), timestamp: isoInstant.describe('When the change was made.'), data });

/** Each event type: its payload and what the OpenAPI document says of it. */
export const webhookEvents = {
  'response.completed': {
    summary: 'A customer completed a survey',
    description: 'Sent once, when a response becomes completed, with the answers to the core items and the tier in the campaign\'s period.',
    payload: envelope('response.completed', responseCompletedData),
  },
  'flag.raised': {
    summary: 'A flag was raised',
    description: 'A customer may feel second-class or may not miss you: a new flag, or one raised again after the customer\'s changed answers had withdrawn it.',
    payload: envelope('flag.raised', flagEventData),
  },
  'flag.changed': {
    summary: 'A flag changed',
    description: 'Its status, severity, reasons or assignee changed (contacted, resolved, dismissed, withdrawn, reassigned). Notes are never sent.',
    payload: envelope('flag.changed', flagEventData),
  },
  'campaign.closed': {
    summary: 'A campaign closed',
    description: 'The campaign takes no more answers.',
    payload: envelope('campaign.closed', campaignClosedData),
  },
  'customer.tier_changed': {
    summary: "A customer's tier was set",
    description: 'A first tier in a period, or a different one, from an import, the ABC analysis, the API or by hand.',
    payload: envelope('customer.tier_changed', tierChangedData),
  },
} as const satisfies Record<WebhookEventType, { summary: string; description: string; payload: z.ZodType }>;

export const webhookPayload = z.discriminatedUnion('type', [
  webhookEvents['response.completed'].payload,
  webhookEvents['flag.raised'].payload,
  webhookEvents['flag.changed'].payload,
  webhookEvents['campaign.closed'].payload,
  webhookEvents['customer.tier_changed'].payload,
]);
export type WebhookPayload = z.output<typeof webhookPayload>;

export { webhookEventTypes };
