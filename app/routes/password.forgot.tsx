import { getFormProps, useForm } from '@conform-to/react';
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { forgotPasswordSchema } from '~/auth/forms';
import { requestPasswordReset, RESET_MINUTES } from '~/auth/password-reset.server';
import { getMember } from '~/auth/session.server';
import { env } from '~/config/env.server';
import { db } from '~/db.server';
import { readFormData } from '~/http/request.server';
import { resolveLocale } from '~/i18n/locale.server';
import { AuthFrame } from '~/ui/auth-frame';
import { Field, FormError } from '~/ui/form';

export const meta: MetaFunction = () => [{ title: 'Wouldmiss' }];

// Passes the action's Retry-After on to the rendered page when a request is rate limited.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

// Known and unknown addresses get their answer after the same time, so the timing tells nothing either.
const ANSWER_AFTER_MS = 400;

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getMember(db(), request)) throw redirect('/app');
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const started = Date.now();
  const submission = parseWithZod(await readFormData(request), { schema: forgotPasswordSchema });
  if (submission.status !== 'success') return json({ result: submission.reply(), sent: false, minutes: RESET_MINUTES }, { status: 400 });
  const result = await requestPasswordReset(db(), {
    email: submission.value.email,
    clientAddress: context.clientAddress,
    locale: await resolveLocale(request),
    appUrl: env().APP_URL,
  });
  if (!result.ok) {
    return json(
      { result: submission.reply({ formErrors: ['reset_rate_limited'] }), sent: false, minutes: RESET_MINUTES },
      { status: 429, headers: { 'Retry-After': String(result.retryAfter) } },
    );
  }
  const rest = ANSWER_AFTER_MS - (Date.now() - started);
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  return json({ result: submission.reply({ resetForm: true }), sent: true, minutes: RESET_MINUTES });
}

export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: data?.result,
    constraint: getZodConstraint(forgotPasswordSchema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: forgotPasswordSchema }),
  });
  if (data?.sent) {
    return (
      <AuthFrame title={t('auth.forgotSentTitle')}>
        <p role="status">{t('auth.forgotSent', { minutes: data.minutes })}</p>
        <p className="switch">
          <Link to="/login">{t('auth.toLogin')}</Link>
        </p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title={t('auth.forgotTitle')} intro={t('auth.forgotIntro')}>
      <Form method="post" {...getFormProps(form)}>
        <FormError id={form.errorId} errors={form.errors} />
        <Field field={fields.email} label={t('auth.email')} type="email" autoComplete="username" />
        <button type="submit" className="button primary wide" disabled={navigation.state === 'submitting'}>
          {t('auth.forgotSubmit')}
        </button>
      </Form>
      <p className="switch">
        <Link to="/login">{t('auth.toLogin')}</Link>
      </p>
    </AuthFrame>
  );
}
