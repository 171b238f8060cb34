import { getFormProps, useForm } from '@conform-to/react';
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { signUp } from '~/auth/accounts.server';
import { signupSchema } from '~/auth/forms';
import { hitRateLimit } from '~/auth/rate-limit.server';
import { getMember, startSession } from '~/auth/session.server';
import { db } from '~/db.server';
import { readFormData } from '~/http/request.server';
import { resolveLocale } from '~/i18n/locale.server';
import { AuthFrame } from '~/ui/auth-frame';
import { Field, FormError } from '~/ui/form';

export const meta: MetaFunction = () => [{ title: 'Wouldmiss' }];

// Passes the action's Retry-After on to the rendered page when a form post is rate limited.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getMember(db(), request)) throw redirect('/app');
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await readFormData(request), { schema: signupSchema });
  if (submission.status !== 'success') {
    return json(submission.reply({ hideFields: ['password'] }), { status: 400 });
  }
  const limit = await hitRateLimit(db(), `signup:addr:${context.clientAddress}`, { limit: 10, windowSeconds: 60 * 60 });
  if (limit.limited) {
    return json(submission.reply({ formErrors: ['rate_limited'], hideFields: ['password'] }), {
      status: 429,
      headers: { 'Retry-After': String(limit.retryAfter) },
    });
  }
  const result = await signUp(db(), { ...submission.value, locale: await resolveLocale(request) });
  if (!result.ok) {
    return json(submission.reply({ fieldErrors: { email: [result.error] }, hideFields: ['password'] }), { status: 400 });
  }
  const cookie = await startSession(db(), request, result.userId, result.workspaceId);
  return redirect('/app', { headers: { 'Set-Cookie': cookie } });
}

export default function SignupPage() {
  const { t } = useTranslation();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(signupSchema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signupSchema }),
  });
  return (
    <AuthFrame title={t('auth.signupTitle')} intro={t('auth.signupIntro')}>
      <Form method="post" {...getFormProps(form)}>
        <FormError id={form.errorId} errors={form.errors} />
        <Field field={fields.workspaceName} label={t('auth.workspaceName')} hint={t('auth.workspaceHint')} autoComplete="organization" />
        <Field field={fields.name} label={t('auth.name')} autoComplete="name" />
        <Field field={fields.email} label={t('auth.email')} type="email" autoComplete="email" />
        <Field field={fields.password} label={t('auth.password')} type="password" hint={t('auth.passwordHint')} autoComplete="new-password" />
        <button type="submit" className="button primary wide" disabled={navigation.state === 'submitting'}>
          {t('auth.submitSignup')}
        </button>
      </Form>
      <p className="switch">
        {t('auth.haveAccount')} <Link to="/login">{t('auth.toLogin')}</Link>
      </p>
    </AuthFrame>
  );
}
