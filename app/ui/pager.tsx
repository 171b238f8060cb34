import { Link, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

/**
 * The links of a keyset-paged list: back to the first page (once paged) and
 * to the next one (while there is one). Both keep the list's filters and
 * search from the URL; only the cursor (`after`) changes.
 */
export function Pager({ next, paged }: { next: string | null; paged: boolean }) {
  const { t } = useTranslation();
  const [searchParams] = useSearchParams();
  const nextParams = new URLSearchParams(searchParams);
  if (next) nextParams.set('after', next);
  const firstParams = new URLSearchParams(searchParams);
  firstParams.delete('after');
  if (!paged && !next) return null;
  return (
    <nav className="pager" aria-label={t('customers.pages')}>
      {paged ? <Link to={`?${firstParams}`}>{t('customers.firstPage')}</Link> : null}{' '}
      {next ? (
        <Link to={`?${nextParams}`} rel="next">
          {t('customers.nextPage')}
        </Link>
      ) : null}
    </nav>
  );
}
