import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';

/**
 * A sample customer file as German Excel saves it ("CSV UTF-8"): semicolons,
 * decimal commas, a byte order mark. The member's own email stands in the
 * account owner column, so the file imports as it is.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const lines = [
    ['Kundennummer', 'E-Mail', 'Name', 'Firma', 'Sprache', 'Stufe', 'Umsatz', 'Deckungsbeitrag', 'Betreuer'],
    ['K-1001', 'anna.huber@beispiel.de', 'Anna Huber', 'Huber Bau GmbH', 'de', 'A', '125.400,00', '31.350,00', member.user.email],
    ['K-1002', 'jonas.meier@beispiel.de', 'Jonas Meier', 'Meier & Söhne KG', 'de', 'B', '48.900,50', '9.780,10', ''],
    ['K-1003', 'sarah.klein@example.com', 'Sarah Klein', 'Klein Consulting Ltd', 'en', 'C', '7.250,00', '1.087,50', ''],
  ];
  const body = `\uFEFF${lines.map((cells) => cells.join(';')).join('\r\n')}\r\n`;
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="kunden-beispiel.csv"',
      'Cache-Control': 'no-store',
    },
  });
}
