import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.server';
import { workspaces } from '../../db/schema';
import type { FieldProblem } from './api-http.server';
import { selectRows } from '../../db/client.server';
import { MAX_TEXT } from './import-row';
import { centsToDecimal, normalizeEmail, parseCustomerSince, parseSizeBand, SIZE_BANDS } from './import-values';
import { isPeriod } from './period';
import { listTiers, tierCountsForPeriod } from './tiers.server';

/** Customers or tier assignments per request. */
export const API_BATCH_LIMIT = 1000;

const externalId = z
  .string({ error: 'required, a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'at most 100 characters')
  .refine((id) => !/[\u0000-\u001f\u007f]/.test(id), 'must not contain control characters');
// PostgreSQL text cannot hold NUL; names and labels have no use for other control characters either (tabs and line breaks aside).
const withoutControls = (text: string) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
const optionalText = z
  .string()
  .trim()
  .max(MAX_TEXT, `at most ${MAX_TEXT} characters`)
  .refine(withoutControls, 'must not contain control characters')
  .nullable()
  .optional();

/** Later copies of an external id are flagged at their own index. */
function noRepeatedIds<T extends { externalId: string }>(items: T[], ctx: z.RefinementCtx) {
  const first = new Map<string, number>();
  items.forEach((item, index) => {
    const seen = first.get(item.externalId);
    if (seen === undefined) first.set(item.externalId, index);
    else ctx.addIssue({ code: 'custom', path: [index, 'externalId'], message: `appears more than once in this request (first at index ${seen})` });
  });
}

const batch = <T extends z.ZodType<{ externalId: string }>>(item: T, noun: string) =>
  z
    .array(item, { error: `required, an array of ${noun}` })
    .min(1, `send at least one of the ${noun}`)
    .max(API_BATCH_LIMIT, `at most ${API_BATCH_LIMIT.toLocaleString('en')} ${noun} per request; send the rest in further requests`)
    .superRefine(noRepeatedIds);

/** `POST /api/v1/customers`: omitted fields keep their stored value, null clears it. */
export const upsertCustomersBody = z.strictObject({
  customers: batch(
    z.strictObject({
      externalId,
      email: z.string({ error: 'required, a string' }).transform(normalizeEmail).pipe(z.email('not a valid email address')),
      name: optionalText,
      company: optionalText,
      locale: z.enum(['de', 'en'], { error: 'de or en' }).optional(),
      industry: optionalText,
      size: z
        .union([z.number().int().positive(), z.string().max(40)], { error: `an employee count or one of ${SIZE_BANDS.join(', ')}` })
        .transform((value, ctx) => {
          const band = parseSizeBand(String(value));
          if (band === null) ctx.addIssue({ code: 'custom', message: `an employee count or one of ${SIZE_BANDS.join(', ')}` });
          return band ?? z.NEVER;
        })
        .nullable()
        .optional(),
      region: optionalText,
      customerSince: z
        .string({ error: 'a date like 2019-03-01' })
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2019-03-01')
        .refine((text) => parseCustomerSince(text) === text, 'a real date, not in the future')
        .nullable()
        .optional(),
    }),
    'customers',
  ),
});

const amount = z.number({ error: 'a number' }).finite().max(999_999_999_999.99, 'too large');

/** `POST /api/v1/tiers`: the tier of each customer in one period. */
export const setTiersBody = z.strictObject({
  period: z.string({ error: 'required, like 2026-Q4' }).refine(isPeriod, 'a quarter like 2026-Q4'),
  assignments: batch(
    z.strictObject({
      externalId,
      tier: z.string({ error: 'required, a tier label' }).trim().min(1, 'must not be empty').refine(withoutControls, 'must not contain control characters'),
      revenue: amount.min(0, 'must not be negative').nullable().optional(),
      margin: amount.min(-999_999_999_999.99, 'too small').nullable().optional(),
    }),
    'assignments',
  ),
});

export type SyncResult<T> = { ok: true; value: T } | { ok: false; errors: FieldProblem[] };

const cents = (value: number) => Math.round(value * 100);
const decimal = (value: number | null | undefined) => (value == null ? null : value < 0 ? `-${centsToDecimal(cents(-value))}` : centsToDecimal(cents(value)));

/** An optional field as the value and whether it was sent (omitted keeps the stored value, null clears it). */
function attribute<K extends string>(key: K, value: string | null | undefined) {
  return { [key]: value ?? null, [`has_${key}`]: value !== undefined } as Record<K | `has_${K}`, string | boolean | null>;
}

/** Upserts customers by external id in one statement (one transaction). */
export async function upsertCustomersFromApi(db: Database, workspaceId: string, body: z.infer<typeof upsertCustomersBody>) {
  const [workspace] = await db.select({ locale: workspaces.defaultLocale }).from(workspaces).where(eq(workspaces.id, workspaceId));
  const input = body.customers.map((customer) => ({
    external_id: customer.externalId,
    email: customer.email,
    name: customer.name ?? null,
    has_name: customer.name !== undefined,
    company: customer.company ?? null,
    has_company: customer.company !== undefined,
    locale: customer.locale ?? null,
    ...attribute('industry', customer.industry),
    ...attribute('size', customer.size),
    ...attribute('region', customer.region),
    ...attribute('customer_since', customer.customerSince),
  }));
  const [result] = await selectRows<{ created: number; updated: number }>(
    db,
    sql`
      with input as (
        select * from json_to_recordset(${JSON.stringify(input)}::json)
          as i(external_id text, email text, name text, has_name boolean, company text, has_company boolean, locale text,
            industry text, has_industry boolean, size text, has_size boolean, region text, has_region boolean, customer_since date, has_customer_since boolean)
      ), existing as (
        select c.external_id, c.name, c.company, c.locale, c.industry, c.size, c.region, c.customer_since from customers c
        where c.workspace_id = ${workspaceId} and c.external_id in (select external_id from input)
      ), upserted as (
        insert into customers as c (workspace_id, external_id, email, name, company, locale, industry, size, region, customer_since)
        select ${workspaceId}, i.external_id, i.email,
          case when i.has_name then i.name else e.name end,
          case when i.has_company then i.company else e.company end,
          coalesce(i.locale, e.locale, ${workspace?.locale ?? 'de'}),
          case when i.has_industry then i.industry else e.industry end,
          case when i.has_size then i.size else e.size end,
          case when i.has_region then i.region else e.region end,
          case when i.has_customer_since then i.customer_since else e.customer_since end
        from input i left join existing e on e.external_id = i.external_id
        on conflict (workspace_id, external_id) do update
          set email = excluded.email, name = excluded.name, company = excluded.company, locale = excluded.locale,
            industry = excluded.industry, size = excluded.size, region = excluded.region, customer_since = excluded.customer_since, updated_at = now()
        returning (c.xmax = 0) as inserted
      )
      select (count(*) filter (where inserted))::int as created, (count(*) filter (where not inserted))::int as updated from upserted`,
  );
  return result!;
}

/**
 * Sets the tier of each listed customer in a period, all or nothing: unknown
 * external ids and tier labels are reported per field and nothing changes.
 */
export async function setTiersFromApi(db: Database, workspaceId: string, body: z.infer<typeof setTiersBody>): Promise<SyncResult<{ period: string; assigned: number; tiers: Record<string, number> }>> {
  return db.transaction(async (tx) => {
    const tiers = await listTiers(tx, workspaceId);
    const tierIdByLabel = new Map(tiers.map((tier) => [tier.label.toLowerCase(), tier.id]));
    const ids = body.assignments.map((assignment) => assignment.externalId);
    const known = new Set(
      (
        await selectRows<{ external_id: string }>(
          tx,
          sql`select external_id from customers where workspace_id = ${workspaceId} and erased_at is null
              and external_id in (select json_array_elements_text(${JSON.stringify(ids)}::json))`,
        )
      ).map((row) => row.external_id),
    );
    const errors: FieldProblem[] = [];
    body.assignments.forEach((assignment, index) => {
      if (!known.has(assignment.externalId)) {
        errors.push({ pointer: `/assignments/${index}/externalId`, detail: 'no customer with this external id; create it first with POST /api/v1/customers' });
      }
      if (!tierIdByLabel.has(assignment.tier.toLowerCase())) {
        errors.push({ pointer: `/assignments/${index}/tier`, detail: `not a tier of this workspace; use one of ${tiers.map((tier) => tier.label).join(', ')}` });
      }
    });
    if (errors.length > 0) return { ok: false as const, errors };

    const input = body.assignments.map((assignment) => ({
      external_id: assignment.externalId,
      tier_id: tierIdByLabel.get(assignment.tier.toLowerCase()),
      revenue: decimal(assignment.revenue),
      has_revenue: assignment.revenue !== undefined,
      margin: decimal(assignment.margin),
      has_margin: assignment.margin !== undefined,
    }));
    // Omitted revenue or margin keeps the period's stored value; null clears it.
    const [result] = await selectRows<{ assigned: number }>(
      tx,
      sql`
        with input as (
          select * from json_to_recordset(${JSON.stringify(input)}::json)
            as i(external_id text, tier_id uuid, revenue numeric, has_revenue boolean, margin numeric, has_margin boolean)
        ), matched as (
          select c.id as customer_id, i.* from input i
          join customers c on c.workspace_id = ${workspaceId} and c.external_id = i.external_id
        ), assigned as (
          insert into tier_assignments (workspace_id, customer_id, period, tier_id, revenue, margin, source)
          select ${workspaceId}, m.customer_id, ${body.period}, m.tier_id,
            case when m.has_revenue then m.revenue else t.revenue end,
            case when m.has_margin then m.margin else t.margin end, 'api'
          from matched m left join tier_assignments t on t.customer_id = m.customer_id and t.period = ${body.period}
          on conflict (customer_id, period) do update
            set tier_id = excluded.tier_id, revenue = excluded.revenue, margin = excluded.margin, source = excluded.source
          returning 1
        )
        select count(*)::int as assigned from assigned`,
    );
    return { ok: true as const, value: { period: body.period, assigned: result!.assigned, tiers: await tierCountsForPeriod(tx, workspaceId, body.period) } };
  });
}
