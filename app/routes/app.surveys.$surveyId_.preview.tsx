import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { notFound, readFormData } from '~/http/request.server';
import { isLocale, type Locale } from '~/i18n';
import { resolveLocale } from '~/i18n/locale.server';
import surveyStyles from '~/styles/survey.css';
import { parseStepForm } from '~/surveys/answers';
import { stepNumber } from '~/surveys/flow';
import { surveyPlan } from '~/surveys/plan';
import { stepView } from '~/surveys/step-view';
import { getSurvey } from '~/surveys/surveys.server';
import { ClosedMessage, ThanksMessage } from '~/ui/survey/messages';
import { StepForm } from '~/ui/survey/step-form';
import { SurveyFrame, useSurveyT } from '~/ui/survey/survey-frame';

// The survey exactly as a customer sees it (same components, texts and
// styles), in a phone-sized frame. Submitting a step checks the answers like
// the real survey and moves on, but saves nothing.

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: surveyStyles }];

type Page = { step: number } | { page: 'thanks' | 'closed' };

function previewHref(version: number, locale: Locale, page: Page): string {
  const query = new URLSearchParams({ version: String(version), lang: locale });
  if ('step' in page) query.set('step', String(page.step));
  else query.set('page', page.page);
  return `?${query}`;
}

async function previewContext(request: Request, surveyId: string | undefined) {
  const member = await requireMember(db(), request);
  const survey = await getSurvey(db(), member.workspace.id, surveyId ?? '');
  if (!survey) notFound();
  const query = new URL(request.url).searchParams;
  const requested = query.get('version');
  const version = requested === null ? survey.latest : survey.versions.find((v) => String(v.version) === requested);
  if (!version) notFound();
  const lang = query.get('lang');
  const locale = isLocale(lang) ? lang : await resolveLocale(request, member.user.locale);
  return { survey, version, locale, company: member.workspace.name, plan: surveyPlan(version.definition), query };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { survey, version, locale, company, plan, query } = await previewContext(request, params.surveyId);
  const page = query.get('page');
  const index = Math.min(stepNumber(query.get('step')) ?? 0, plan.steps.length - 1);
  const base = { survey: { id: survey.id, name: survey.name }, version: version.version, company, locale, pages: plan.steps.length };
  if (page === 'thanks') return json({ ...base, view: 'thanks' as const });
  if (page === 'closed') return json({ ...base, view: 'closed' as const });
  return json({ ...base, view: 'step' as const, step: stepView(plan, index, locale, company) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { version, locale, plan } = await previewContext(request, params.surveyId);
  const form = await readFormData(request);
  const index = stepNumber(form.get('step'));
  const intent = form.get('intent') ?? 'next';
  if (index === null || index >= plan.steps.length || !['next', 'back', 'finish'].includes(String(intent))) {
    return json({ kind: 'form' as const }, { status: 400 });
  }
  const parsed = parseStepForm(plan.steps[index]!, form, { requireAnswers: intent !== 'back' });
  if (!parsed.ok) return json({ kind: 'invalid' as const, step: index, errors: parsed.errors, values: parsed.values }, { status: 400 });
  const target: Page =
    intent === 'back' ? { step: Math.max(index - 1, 0) } : index === plan.steps.length - 1 ? { page: 'thanks' } : { step: index + 1 };
  return redirect(previewHref(version.version, locale, target), 303);
}

export default function SurveyPreviewPage() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const surveyT = useSurveyT(data.locale);
  const current = data.view === 'step' ? data.step.index : null;
  const href = (page: Page, locale: Locale = data.locale) => previewHref(data.version, locale, page);
  const here: Page = data.view === 'step' ? { step: data.step.index } : { page: data.view };
  return (
    <>
      <title>{`${t('surveys.previewTitle', { name: data.survey.name })} · ${t('app.name')}`}</title>
      <p>
        <Link to={`/app/surveys/${data.survey.id}`}>{t('surveys.backToSurvey')}</Link>
      </p>
      <h1>{t('surveys.previewTitle', { name: data.survey.name })}</h1>
      <p className="muted">
        {t('surveys.previewOf', { version: data.version })}. {t('surveys.previewIntro')}
      </p>
      <nav aria-label={t('surveys.previewPages')} className="tabs preview-pages">
        {Array.from({ length: data.pages }, (_, index) => (
          <a key={index} href={href({ step: index })} aria-current={current === index ? 'page' : undefined} className={current === index ? 'active' : undefined}>
            {t('surveys.step', { number: index + 1 })}
          </a>
        ))}
        {(['thanks', 'closed'] as const).map((page) => (
          <a key={page} href={href({ page })} aria-current={data.view === page ? 'page' : undefined} className={data.view === page ? 'active' : undefined}>
            {t(page === 'thanks' ? 'surveys.previewThanks' : 'surveys.previewClosed')}
          </a>
        ))}
      </nav>
      <div className="survey-preview">
        <SurveyFrame embedded company={data.company} locale={data.locale} languageHref={(locale) => href(here, locale)} t={surveyT}>
          {data.view === 'thanks' ? (
            <ThanksMessage company={data.company} closes={null} changeHref={href({ step: 0 })} t={surveyT} />
          ) : data.view === 'closed' ? (
            <ClosedMessage answered={false} t={surveyT} />
          ) : (
            <StepForm
              view={data.step}
              company={data.company}
              action={href({ step: data.step.index })}
              hidden={{ step: String(data.step.index), lang: data.locale }}
              t={surveyT}
              state={{
                values: actionData?.kind === 'invalid' && actionData.step === data.step.index ? actionData.values : {},
                errors: actionData?.kind === 'invalid' && actionData.step === data.step.index ? actionData.errors : {},
                formError: actionData?.kind === 'form',
                preselected: false,
                editing: false,
              }}
            />
          )}
        </SurveyFrame>
      </div>
    </>
  );
}
