import { getFormProps, useForm } from '@conform-to/react';
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { resetPasswordSchema } from '~/auth/forms';
import { findPasswordReset, resetPassword } from '~/auth/password-reset.server';
import { startSession } from '~/auth/session.server';
import { db } from '~/db.server';
import { readFormData } from '~/http/request.server';
import { AuthFrame } from '~/ui/auth-frame';
import { Field, FormError } from '~/ui/form';

export const meta: MetaFunction = () => [{ title: 'Wouldmiss' }, { name: 'robots', content: 'noindex' }];

// The link's token is in the path: no page it leads on to may learn it from the Referer.
export const headers: HeadersFunction = () => ({ 'Referrer-Policy': 'no-referrer' });

export async function loader({ params }: LoaderFunctionArgs) {
  const reset = await findPasswordReset(db(), params.token ?? '');
  if (!reset) return json({ valid: false as const }, { status: 404 });
  return json({ valid: true as const, email: reset.email });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const submission = parseWithZod(await readFormData(request), { schema: resetPasswordSchema });
  if (submission.status !== 'success') {
    return json({ result: submission.reply({ hideFields: ['password'] }), invalid: false }, { status: 400 });
  }
  const result = await resetPassword(db(), params.token ?? '', submission.value.password);
  if (!result.ok) return json({ result: null, invalid: true }, { status: 404 });
  // Every session ended with the password change; this browser starts a new one.
  if (!result.workspaceId) return redirect('/login');
  const cookie = await startSession(db(), request, result.userId, result.workspaceId);
  return redirect('/app', { headers: { 'Set-Cookie': cookie } });
}

export default function ResetPasswordPage() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.result ?? undefined,
    constraint: getZodConstraint(resetPasswordSchema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: resetPasswordSchema }),
  });
  if (!data.valid || actionData?.invalid) {
    return (
      <AuthFrame title={t('auth.resetInvalidTitle')}>
        <p role="alert">{t('auth.resetInvalid')}</p>
        <p className="switch">
          <Link to="/password/forgot">{t('auth.resetAgain')}</Link>
        </p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title={t('auth.resetTitle')} intro={t('auth.resetIntro', { email: data.email })}>
      <Form method="post" {...getFormProps(form)}>
        <FormError id={form.errorId} errors={form.errors} />
        <input type="text" name="username" value={data.email} autoComplete="username" readOnly hidden />
        <Field field={fields.password} label={t('auth.newPassword')} type="password" autoComplete="new-password" hint={t('auth.passwordHint')} />
        <button type="submit" className="button primary wide" disabled={navigation.state === 'submitting'}>
          {t('auth.resetSubmit')}
        </button>
      </Form>
    </AuthFrame>
  );
}
