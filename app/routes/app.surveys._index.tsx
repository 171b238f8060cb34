import { getFormProps, useForm } from '@conform-to/react';
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { readFormData } from '~/http/request.server';
import { newSurveySchema } from '~/surveys/question-form';
import { createSurvey, listSurveys } from '~/surveys/surveys.server';
import { Field } from '~/ui/form';

export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  return json({ surveys: await listSurveys(db(), member.workspace.id) });
}

export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(db(), request);
  const submission = parseWithZod(await readFormData(request), { schema: newSurveySchema });
  if (submission.status !== 'success') return json(submission.reply(), { status: 400 });
  const surveyId = await createSurvey(db(), member.workspace.id, submission.value.name);
  return redirect(`/app/surveys/${surveyId}`);
}

export default function SurveysPage() {
  const { t } = useTranslation();
  const { surveys } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(newSurveySchema),
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: newSurveySchema }),
  });
  return (
    <>
      <title>{`${t('surveys.title')} · ${t('app.name')}`}</title>
      <h1>{t('surveys.title')}</h1>
      <p className="muted">{t('surveys.intro')}</p>
      {surveys.map((survey) => (
        <section key={survey.id} className="card" aria-labelledby={`survey-${survey.id}`}>
          <h2 id={`survey-${survey.id}`}>{survey.name}</h2>
          <p className="muted">
            {t('surveys.version', { version: survey.version })} · {t('surveys.customQuestions', { count: survey.customQuestions })}
            {survey.frozen ? ` · ${t('surveys.frozen')}` : ''}
          </p>
          <p className="survey-links">
            <Link to={`/app/surveys/${survey.id}`} className="button primary">
              {t('surveys.open')}
            </Link>{' '}
            <Link to={`/app/surveys/${survey.id}/preview`} className="button">
              {t('surveys.preview')}
            </Link>
          </p>
        </section>
      ))}
      <section className="card" aria-labelledby="new-survey">
        <h2 id="new-survey">{t('surveys.newSurvey')}</h2>
        <Form method="post" {...getFormProps(form)}>
          <Field field={fields.name} label={t('surveys.surveyName')} hint={t('surveys.surveyNameHint')} />
          <button type="submit" className="button">
            {t('surveys.create')}
          </button>
        </Form>
      </section>
    </>
  );
}
