import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { coreItems } from '~/surveys/core-items';
import { listSurveys } from '~/surveys/surveys.server';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  return json({ surveys: await listSurveys(db(), member.workspace.id), company: member.workspace.name });
}

export default function SurveysPage() {
  const { t, i18n } = useTranslation();
  const { surveys, company } = useLoaderData<typeof loader>();
  const lang = i18n.language === 'en' ? 'en' : 'de';
  return (
    <>
      <title>{`${t('surveys.title')} · ${t('app.name')}`}</title>
      <h1>{t('surveys.title')}</h1>
      <p className="muted">{t('empty.surveys')}</p>
      {surveys.map((survey) => (
        <section key={survey.id} className="card">
          <h2>{survey.name}</h2>
          <p className="muted">
            {t('surveys.version', { version: survey.version })} ·{' '}
            {t('surveys.customQuestions', { count: survey.customQuestions })}
            {survey.frozen ? ` · ${t('surveys.frozen')}` : ''}
          </p>
          <h3>{t('surveys.coreItems')}</h3>
          <ol>
            {coreItems.map((item) => (
              <li key={item.id}>{item.text[lang].replaceAll('{company}', company)}</li>
            ))}
          </ol>
        </section>
      ))}
    </>
  );
}
