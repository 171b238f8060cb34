import { sql, type SQL } from 'drizzle-orm';
import { calendarDaysFromWeekday, type ServiceLevel } from './service-level';

/**
 * `flagDueAt` (service-level.ts) as an SQL expression on the flags row named
 * `alias`: its raising plus the working days of its severity. The working
 * days become calendar days by the UTC weekday of raising, so the database
 * judges due times without sending each flag here. The day counts are
 * integers made here, never input, so they are inlined.
 */
export function dueAtSql(level: ServiceLevel, alias = 'flags'): SQL {
  const days = (workingDays: number) => sql.raw(`(array[${calendarDaysFromWeekday(workingDays).join(', ')}])`);
  const column = (name: string) => sql.raw(`"${alias}"."${name}"`);
  return sql`(${column('created_at')} + make_interval(days => (case when ${column('severity')} = 'high'
    then ${days(level.highDays)} else ${days(level.mediumDays)} end)[extract(dow from ${column('created_at')} at time zone 'UTC')::int + 1]))`;
}

/** `isOverdue` (service-level.ts) as an SQL condition on the flags row named `alias`: open, and past its due time. */
export function overdueSql(level: ServiceLevel, now: Date, alias = 'flags'): SQL {
  return sql`(${sql.raw(`"${alias}"."status"`)} = 'open' and ${dueAtSql(level, alias)} < ${now.toISOString()}::timestamptz)`;
}
