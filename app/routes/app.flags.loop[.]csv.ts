import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { csvFormatOf, csvNumber, csvResponse, csvShare, toCsv } from '~/reports/csv';
import { flagLoop } from '~/reports/flag-loop.server';

/** The flag loop per quarter and tier as CSV (German Excel unless ?format=international), each figure with its n; shares and medians empty below n = 10. */
export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const rows = await flagLoop(db(), member.workspace.id);
  const header = [
    'period', 'tier', 'raised', 'due', 'contacted_in_time', 'contacted_in_time_share', 'closed', 'median_days_to_close',
    'resolved', 'answered_again', 'recovered', 'recovery_share', 'mean_pti_change',
  ];
  return csvResponse(
    `flag-loop-${member.workspace.slug}.csv`,
    toCsv(
      header,
      rows.map((row) => [
        row.period, row.tier, row.raised, row.due, row.contactedInTime, csvShare(row.inTimeShare), row.closed, csvNumber(row.medianDaysToClose, 1),
        row.resolved, row.answeredAgain, row.recovered, csvShare(row.recoveryShare), csvNumber(row.meanPtiChange, 2),
      ]),
      csvFormatOf(new URL(request.url).searchParams),
    ),
  );
}
