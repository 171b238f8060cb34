import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { selectRows, type Database } from '../../db/client.server';
import { flagActions, flagKinds, flagSeverities, flagStatuses } from '../../db/schema';
import { pageOf, pageQuery, toPage } from './pagination';
import { isoTimestamp, jsonValue, keysetConditions } from './sql.server';

export const listFlagsQuery = z.object({
  ...pageQuery,
  status: z.enum(flagStatuses, { error: `one of ${flagStatuses.join(', ')}` }).optional().describe('Only flags with this status.'),
});

export const apiFlag = z.object({
  id: z.uuid(),
  kind: z.enum(flagKinds),
  severity: z.enum(flagSeverities),
  reasons: z.array(z.string()).describe('The rules that fired.'),
  status: z.enum(flagStatuses),
  customer: z.object({ id: z.uuid(), externalId: z.string() }),
  campaign: z.object({ id: z.uuid(), name: z.string(), period: z.string() }),
  tier: z.string().nullable().describe("The customer's tier in the campaign's period."),
  responseId: z.uuid().nullable(),
  assignee: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  history: z.array(
    z.object({
      action: z.enum(flagActions),
      note: z.string().nullable(),
      actor: z.string().nullable().describe('The member who acted; null for the rules and for API keys, whose name is in the note.'),
      at: z.iso.datetime(),
    }),
  ),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export const flagsPage = pageOf(apiFlag);

function flagRows(db: Database, workspaceId: string, where: ReturnType<typeof sql>, limit: number) {
  return selectRows<z.output<typeof apiFlag> & { cursorAt: string }>(
    db,
    sql`select f.id, f.kind, f.severity, f.reasons, f.status, f.response_id as "responseId",
          json_build_object('id', c.id, 'externalId', c.external_id) as customer,
          json_build_object('id', k.id, 'name', k.name, 'period', k.period) as campaign,
          wt.label as tier,
          case when u.id is null then null else json_build_object('id', u.id, 'name', u.name) end as assignee,
          coalesce((select json_agg(json_build_object('action', e.action, 'note', e.note, 'actor', eu.name, 'at', ${isoTimestamp(sql`e.created_at`)}) order by e.created_at, e.id)
             from flag_events e left join users eu on eu.id = e.actor_user_id where e.flag_id = f.id), '[]') as history,
          ${isoTimestamp(sql`f.created_at`)} as "createdAt", ${isoTimestamp(sql`f.updated_at`)} as "cursorAt"
        from flags f
        join customers c on c.id = f.customer_id and c.erased_at is null
        join campaigns k on k.id = f.campaign_id
        left join workspace_tiers wt on wt.id = f.tier_id
        left join users u on u.id = f.assigned_to
        where f.workspace_id = ${workspaceId} and ${where}
        order by f.updated_at, f.id
        limit ${limit}`,
  );
}

const toApiFlag = ({ cursorAt, ...row }: z.output<typeof apiFlag> & { cursorAt: string }): z.input<typeof apiFlag> => ({
  ...row,
  reasons: jsonValue<string[]>(row.reasons),
  customer: jsonValue(row.customer),
  campaign: jsonValue(row.campaign),
  assignee: jsonValue(row.assignee),
  history: jsonValue(row.history),
  updatedAt: cursorAt,
});

/** One page of flags with their history, in order of their last change; none of erased customers. */
export async function listFlagsForApi(db: Database, workspaceId: string, query: z.output<typeof listFlagsQuery>): Promise<z.input<typeof flagsPage>> {
  const rows = await flagRows(
    db,
    workspaceId,
    sql`(${query.status ?? null}::text is null or f.status = ${query.status ?? null}) and ${keysetConditions(sql`f.updated_at`, sql`f.id`, query)}`,
    query.limit + 1,
  );
  const page = toPage(rows, query.limit);
  return { data: page.rows.map(toApiFlag), nextCursor: page.nextCursor };
}

/** One flag of the workspace with its history, or null. */
export async function getFlagForApi(db: Database, workspaceId: string, flagId: string): Promise<z.input<typeof apiFlag> | null> {
  if (!z.uuid().safeParse(flagId).success) return null;
  const [row] = await flagRows(db, workspaceId, sql`f.id = ${flagId}`, 1);
  return row ? toApiFlag(row) : null;
}
