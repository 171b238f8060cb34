import { getFormProps, useForm } from '@conform-to/react';
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { loginConstraint, type LoginFields } from '~/auth/login-form';
import { attemptLogin, parseLoginForm } from '~/auth/login.server';
import { getMember, safeRedirect, startSession } from '~/auth/session.server';
import { db } from '~/db.server';
import { readFormData } from '~/http/request.server';
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
  const submission = parseLoginForm(await readFormData(request));
  if (submission.status !== 'success') {
    return json(submission.reply({ hideFields: ['password'] }), { status: 400 });
  }
  const { email, password, redirectTo } = submission.value;
  const result = await attemptLogin(db(), { email, password, clientAddress: context.clientAddress });
  if (!result.ok) {
    const status = result.error === 'rate_limited' ? 429 : 400;
    const headers: HeadersInit = result.error === 'rate_limited' ? { 'Retry-After': String(result.retryAfter) } : {};
    return json(submission.reply({ formErrors: [result.error], hideFields: ['password'] }), { status, headers });
  }
  const cookie = await startSession(db(), request, result.userId, result.workspaceId);
  return redirect(safeRedirect(redirectTo), { headers: { 'Set-Cookie': cookie } });
}

export default function LoginPage() {
  const { t } = useTranslation();
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const navigation = useNavigation();
  // Validated by the action only (no onValidate): the schema stays on the
  // server, out of the page's JavaScript. The errors it returns are the same
  // field errors, tied to their inputs; without JavaScript the browser checks
  // the constraints' `required` before posting.
  const [form, fields] = useForm<LoginFields>({ lastResult, constraint: loginConstraint });
  return (
    <AuthFrame title={t('auth.loginTitle')} intro={t('auth.loginIntro')}>
      <Form method="post" {...getFormProps(form)}>
        <FormError id={form.errorId} errors={form.errors} />
        <input type="hidden" name="redirectTo" value={searchParams.get('redirectTo') ?? ''} />
        <Field field={fields.email} label={t('auth.email')} type="email" autoComplete="username" />
        <Field field={fields.password} label={t('auth.password')} type="password" autoComplete="current-password" />
        <p className="hint">
          <Link to="/password/forgot">{t('auth.forgotLink')}</Link>
        </p>
        <button type="submit" className="button primary wide" disabled={navigation.state === 'submitting'}>
          {t('auth.submitLogin')}
        </button>
      </Form>
      <p className="switch">
        {t('auth.noAccount')} <Link to="/signup">{t('auth.toSignup')}</Link>
      </p>
    </AuthFrame>
  );
}
