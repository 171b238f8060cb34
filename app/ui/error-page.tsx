import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

/** The message for an error status, in the page's language. Reveals nothing about the cause. */
export function ErrorPage({ status }: { status: number }) {
  const { t } = useTranslation();
  const kind = status === 404 ? 'notFound' : status === 403 ? 'forbidden' : 'generic';
  return (
    <section className="card narrow" aria-labelledby="error-title">
      <title>{`${t(`errors.${kind}Title`)} · ${t('app.name')}`}</title>
      <p className="muted">{status}</p>
      <h1 id="error-title">{t(`errors.${kind}Title`)}</h1>
      <p>{t(`errors.${kind}Text`)}</p>
      <p>
        <Link to="/">{t('errors.backHome')}</Link>
      </p>
    </section>
  );
}
