import { getFormProps, getInputProps, useForm } from '@conform-to/react';
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { notFound, readFormData } from '~/http/request.server';
import surveyStyles from '~/styles/survey.css';
import { addQuestion, customQuestionKinds, updateQuestion } from '~/surveys/definition';
import { MIN_OPTION_ROWS, questionFormSchema, questionFormValues, questionInput } from '~/surveys/question-form';
import { changeSurvey, getSurvey } from '~/surveys/surveys.server';
import { FieldErrors } from '~/ui/form';
import { TextareaField, useEditorErrorText } from '~/ui/survey/editor-fields';

// Adds (`/questions/new`) or edits one custom question of a survey's latest
// version; a version in use is left as it is and the change becomes a new one.

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: surveyStyles }];

async function surveyAndQuestion(request: Request, params: LoaderFunctionArgs['params']) {
  const member = await requireMember(db(), request);
  const survey = await getSurvey(db(), member.workspace.id, params.surveyId ?? '');
  if (!survey) notFound();
  const key = params.key === 'new' ? null : (params.key ?? '');
  const question = key === null ? undefined : survey.latest.definition.questions.find((q) => q.key === key);
  if (key !== null && !question) notFound();
  return { member, survey, key, question };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { survey, key, question } = await surveyAndQuestion(request, params);
  return json({ survey: { id: survey.id, name: survey.name }, isNew: key === null, defaultValue: questionFormValues(question) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { member, survey, key } = await surveyAndQuestion(request, params);
  const submission = parseWithZod(await readFormData(request), { schema: questionFormSchema });
  if (submission.status !== 'success') return json(submission.reply(), { status: 400 });
  const input = questionInput(submission.value);
  const result = await changeSurvey(db(), member.workspace.id, survey.id, (definition, context) =>
    key === null ? addQuestion(definition, context.nextQuestionKey, input) : updateQuestion(definition, key, input),
  );
  if (!result.ok) return json(submission.reply({ formErrors: [result.error] }), { status: result.error === 'not_found' ? 404 : 400 });
  return redirect(`/app/surveys/${survey.id}?saved=${result.version}`);
}

export default function QuestionPage() {
  const { t } = useTranslation();
  const { survey, isNew, defaultValue } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const errorText = useEditorErrorText();
  const [form, fields] = useForm({
    lastResult,
    defaultValue,
    constraint: getZodConstraint(questionFormSchema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: questionFormSchema }),
  });
  const title = isNew ? t('surveys.newQuestionTitle') : t('surveys.editQuestionTitle');
  const back = `/app/surveys/${survey.id}`;
  const options = fields.options.getFieldList();
  const kindErrorId = fields.kind.errorId;
  const kindHintId = `${fields.kind.id}-hint`;
  return (
    <>
      <title>{`${title} · ${survey.name} · ${t('app.name')}`}</title>
      <p>
        <Link to={back}>{survey.name}</Link>
      </p>
      <h1>{title}</h1>
      <Form method="post" {...getFormProps(form)} className="card question-form">
        <div id={form.errorId} role={form.errors ? 'alert' : undefined} className={form.errors ? 'alert alert-error' : undefined}>
          {errorText(form.errors)?.map((message) => <p key={message}>{message}</p>)}
        </div>
        <fieldset aria-describedby={fields.kind.errors ? `${kindHintId} ${kindErrorId}` : kindHintId}>
          <legend>{t('surveys.kind')}</legend>
          <p className="hint" id={kindHintId}>
            {t('surveys.scaleHint')}
          </p>
          {customQuestionKinds.map((kind) => {
            const props = getInputProps(fields.kind, { type: 'radio', value: kind });
            return (
              <label key={kind} className="choice" htmlFor={`${fields.kind.id}-${kind}`}>
                <input {...props} key={props.key} id={`${fields.kind.id}-${kind}`} />
                {t(`surveys.kinds.${kind}`)}
              </label>
            );
          })}
          <FieldErrors id={kindErrorId} errors={errorText(fields.kind.errors)} />
        </fieldset>
        <div className="field">
          <label className="choice" htmlFor={fields.required.id}>
            <input {...getInputProps(fields.required, { type: 'checkbox' })} key={fields.required.key} />
            {t('surveys.requiredLabel')}
          </label>
        </div>
        <TextareaField field={fields.textDe} label={t('surveys.textDe')} hint={t('surveys.textHint')} />
        <TextareaField field={fields.textEn} label={t('surveys.textEn')} hint={t('surveys.textHint')} />
        <fieldset aria-describedby={fields.options.errors ? `${fields.options.id}-hint ${fields.options.errorId}` : `${fields.options.id}-hint`}>
          <legend>{t('surveys.options')}</legend>
          <p className="hint" id={`${fields.options.id}-hint`}>
            {t('surveys.optionsHint')}
          </p>
          <FieldErrors id={fields.options.errorId} errors={errorText(fields.options.errors)} />
          {options.map((row, index) => {
            const option = row.getFieldset();
            return (
              <div key={row.key ?? index} className="option-row">
                <input {...getInputProps(option.key, { type: 'hidden' })} key={option.key.key} />
                {(['de', 'en'] as const).map((language) => (
                  <div key={language} className="field">
                    <label htmlFor={option[language].id}>{t(language === 'de' ? 'surveys.optionDe' : 'surveys.optionEn', { number: index + 1 })}</label>
                    <input {...getInputProps(option[language], { type: 'text' })} key={option[language].key} />
                    <FieldErrors id={option[language].errorId} errors={errorText(option[language].errors)} />
                  </div>
                ))}
              </div>
            );
          })}
          {Array.from({ length: Math.max(0, MIN_OPTION_ROWS - options.length) }, (_, offset) => {
            // A form posted without its empty rows (not by a browser) still gets rows to fill in.
            const index = options.length + offset;
            return (
              <div key={`extra-${index}`} className="option-row">
                {(['de', 'en'] as const).map((language) => (
                  <div key={language} className="field">
                    <label htmlFor={`${fields.options.id}-extra-${index}-${language}`}>
                      {t(language === 'de' ? 'surveys.optionDe' : 'surveys.optionEn', { number: index + 1 })}
                    </label>
                    <input id={`${fields.options.id}-extra-${index}-${language}`} name={`${fields.options.name}[${index}].${language}`} type="text" />
                  </div>
                ))}
              </div>
            );
          })}
        </fieldset>
        <p>
          <button type="submit" className="button primary">
            {t('surveys.save')}
          </button>{' '}
          <Link to={back} className="button ghost">
            {t('surveys.cancel')}
          </Link>
        </p>
      </Form>
    </>
  );
}
