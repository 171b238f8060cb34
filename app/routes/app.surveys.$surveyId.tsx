import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { notFound, readFormData } from '~/http/request.server';
import surveyStyles from '~/styles/survey.css';
import { isLocale } from '~/i18n';
import { coreItems } from '~/surveys/core-items';
import { moveQuestion, removeQuestion } from '~/surveys/definition';
import { surveyPlan } from '~/surveys/plan';
import { surveyEditSchema } from '~/surveys/question-form';
import { changeSurvey, getSurvey } from '~/surveys/surveys.server';
import { formatDate } from '~/ui/format';
import { useEditorErrorText } from '~/ui/survey/editor-fields';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: surveyStyles }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const survey = await getSurvey(db(), member.workspace.id, params.surveyId ?? '');
  if (!survey) notFound();
  const plan = surveyPlan(survey.latest.definition);
  // How the editor names each core item's kind (the miss-us question is a single choice).
  const coreKinds = new Map<string, string>(coreItems.map((item) => [item.id, item.kind === 'miss_us' ? 'single' : item.kind]));
  return json({
    survey: { id: survey.id, name: survey.name },
    company: member.workspace.name,
    latest: { version: survey.latest.version, locked: survey.latest.locked },
    steps: plan.steps.map((step) =>
      step.items.map((item) => {
        const question = survey.latest.definition.questions.find((q) => q.key === item.name);
        return {
          key: item.name,
          core: item.core,
          kind: item.core ? coreKinds.get(item.name)! : question!.kind,
          required: item.required,
          text: item.text,
          options: question?.options?.map((option) => option.text) ?? [],
        };
      }),
    ),
    customKeys: survey.latest.definition.questions.map((q) => q.key),
    versions: survey.versions.map((v) => ({
      version: v.version,
      createdAt: v.createdAt.toISOString(),
      campaigns: v.campaigns,
      locked: v.locked,
      customQuestions: v.definition.questions.length,
    })),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const member = await requireMember(db(), request);
  const parsed = surveyEditSchema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success) return json({ error: 'invalid_request' }, { status: 400 });
  const { intent, key } = parsed.data;
  const result = await changeSurvey(db(), member.workspace.id, params.surveyId ?? '', (definition) =>
    intent === 'delete' ? removeQuestion(definition, key) : moveQuestion(definition, key, intent),
  );
  if (!result.ok) {
    if (result.error === 'not_found' && !(await getSurvey(db(), member.workspace.id, params.surveyId ?? ''))) notFound();
    return json({ error: result.error }, { status: result.error === 'not_found' ? 404 : 400 });
  }
  return redirect(`/app/surveys/${params.surveyId}?saved=${result.version}`);
}

export default function SurveyEditorPage() {
  const { t, i18n } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errorText = useEditorErrorText();
  const [searchParams] = useSearchParams();
  const lang = isLocale(i18n.language) ? i18n.language : 'de';
  const saved = searchParams.get('saved');
  const text = (value: { de: string; en: string }) => value[lang].replaceAll('{company}', data.company);
  const base = `/app/surveys/${data.survey.id}`;
  return (
    <>
      <title>{`${data.survey.name} · ${t('surveys.title')} · ${t('app.name')}`}</title>
      <p>
        <Link to="/app/surveys">{t('surveys.title')}</Link>
      </p>
      <h1>{data.survey.name}</h1>
      {saved ? (
        <div role="status" className="alert alert-success">
          <p>{t('surveys.saved', { version: saved })}</p>
        </div>
      ) : null}
      {actionData?.error ? (
        <div role="alert" className="alert alert-error">
          <p>{errorText([actionData.error])?.join(' ')}</p>
        </div>
      ) : null}
      <p className="muted">
        {data.latest.locked
          ? t('surveys.lockedNotice', { version: data.latest.version, next: data.latest.version + 1 })
          : t('surveys.draftNotice', { version: data.latest.version })}
      </p>
      <p>
        <Link to={`${base}/questions/new`} className="button primary">
          {t('surveys.addQuestion')}
        </Link>{' '}
        <Link to={`${base}/preview`} className="button">
          {t('surveys.preview')}
        </Link>
      </p>

      <h2>{t('surveys.questions')}</h2>
      <ol className="survey-outline">
        {data.steps.map((items, index) => (
          <li key={index}>
            <h3>{t('surveys.step', { number: index + 1 })}</h3>
            <ul>
              {items.map((item) => (
                <li key={item.key} className="survey-outline-item">
                  <p>
                    <strong>{text(item.text)}</strong>
                    <br />
                    <span className="muted">
                      {t(`surveys.kinds.${item.kind}`)} · {item.required ? t('surveys.required') : t('surveys.optional')}
                      {item.core ? ` · ${t('surveys.core')}` : ''}
                    </span>
                  </p>
                  {item.options.length > 0 && !item.core ? (
                    <p className="muted">{`${t('surveys.options')}: ${item.options.map(text).join(' · ')}`}</p>
                  ) : null}
                  {item.core ? null : (
                    <Form method="post" className="question-actions" aria-label={t('surveys.questionActions', { question: text(item.text) })}>
                      <input type="hidden" name="key" value={item.key} />
                      <Link to={`${base}/questions/${item.key}`} className="button">
                        {t('surveys.edit')}
                      </Link>
                      <button type="submit" name="intent" value="up" className="button" disabled={data.customKeys[0] === item.key}>
                        {t('surveys.moveUp')}
                      </button>
                      <button type="submit" name="intent" value="down" className="button" disabled={data.customKeys.at(-1) === item.key}>
                        {t('surveys.moveDown')}
                      </button>
                      <button type="submit" name="intent" value="delete" className="button">
                        {t('surveys.remove')}
                      </button>
                    </Form>
                  )}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
      {data.customKeys.length === 0 ? <p className="muted">{t('surveys.noCustom')}</p> : null}

      <div className="table-wrap">
        <table>
          <caption>{t('surveys.versions')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('surveys.versionColumn')}</th>
              <th scope="col">{t('surveys.created')}</th>
              <th scope="col" className="num">
                {t('surveys.customColumn')}
              </th>
              <th scope="col" className="num">
                {t('surveys.campaigns')}
              </th>
              <th scope="col">{t('surveys.status')}</th>
              <th scope="col">{t('surveys.preview')}</th>
            </tr>
          </thead>
          <tbody>
            {data.versions.map((version) => (
              <tr key={version.version}>
                <th scope="row">{version.version}</th>
                <td>{formatDate(version.createdAt, lang)}</td>
                <td className="num">{version.customQuestions}</td>
                <td className="num">{version.campaigns}</td>
                <td>{version.locked ? t('surveys.inUse') : t('surveys.draft')}</td>
                <td>
                  <Link to={`${base}/preview?version=${version.version}`}>{t('surveys.previewOf', { version: version.version })}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
