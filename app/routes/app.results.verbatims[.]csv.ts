import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { translator } from '~/i18n';
import { resolveLocale } from '~/i18n/locale.server';
import { csvDate, csvFormatOf, csvResponse, toCsv } from '~/reports/csv';
import { verbatimFiltersSchema } from '~/reports/verbatim-filters';
import { campaignsWithAnswers, listVerbatims } from '~/reports/verbatims.server';
import { themeVerbatims } from '~/themes/verbatim-themes.server';

/** The verbatims with the filters of the page, as CSV: answers and flags in the member's words, German Excel unless ?format=international. */
export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const params = new URL(request.url).searchParams;
  const filters = verbatimFiltersSchema.parse(Object.fromEntries([...params].filter(([, value]) => value !== '')));
  const campaigns = await campaignsWithAnswers(db(), member.workspace.id);
  const campaignId = campaigns.length === 0 ? undefined : filters.campaignId === 'all' ? 'all' : (campaigns.find((c) => c.id === filters.campaignId)?.id ?? campaigns[0]?.id);
  const [rows, locale] = await Promise.all([
    !campaignId
      ? []
      : filters.theme
        ? themeVerbatims(db(), member.workspace.id, campaignId, filters, filters.theme, { limit: 100_000 }).then((found) => found.rows)
        : listVerbatims(db(), member.workspace.id, campaignId, filters, 100_000),
    resolveLocale(request, member.user.locale),
  ]);
  const t = translator(locale);
  return csvResponse(
    `verbatims-${member.workspace.slug}.csv`,
    toCsv(
      ['completedOn', 'question', 'answer', 'customer', 'tier', 'missUs', 'flags'].map((column) => t(`csv.${column}`)),
      rows.map((v) => [
        csvDate(v.completedAt),
        t(`results.questions.${v.item}`),
        v.text,
        v.customerName ?? t('results.verbatims.erased'),
        v.tier,
        v.missUs ? t(`results.answers.${v.missUs}`) : null,
        v.flagKinds.map((kind) => t(`flagsPage.kinds.${kind}`)).join(', '),
      ]),
      csvFormatOf(params),
    ),
  );
}
