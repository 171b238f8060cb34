import { getFormProps, useForm } from '@conform-to/react';
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, AppLoadContext, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { signUp } from '~/auth/accounts.server';
import { signupSchema } from '~/auth/forms';
import { hitRateLimit } from '~/auth/rate-limit.server';
import { getMember, startSession } from '~/auth/session.server';
import { findWorkspaceInvitation, releaseWorkspaceInvitation, useWorkspaceInvitation } from '~/auth/workspace-invitations.server';
import { db } from '~/db.server';
import { emailSettings } from '~/email/settings.server';
import { readFormData } from '~/http/request.server';
import { resolveLocale } from '~/i18n/locale.server';
import { AuthFrame } from '~/ui/auth-frame';
import { Field, FormError } from '~/ui/form';

export const meta: MetaFunction = () => [{ title: 'Wouldmiss' }];

// Passes the action's Retry-After on to the rendered page when a form post is rate limited.
export const headers: HeadersFunction = ({ actionHeaders }) => actionHeaders;

/**
 * Who may sign up (SIGNUP): everyone, holders of an operator's invitation
 * (whose email the workspace's owner gets), or nobody. `denied` when this
 * visitor may not create a workspace.
 */
async function signupAccess(mode: AppLoadContext['signup'], inviteToken: string | null) {
  if (mode === 'open') return { mode, invitation: null, denied: false };
  const invitation = mode === 'invite' ? await findWorkspaceInvitation(db(), inviteToken) : null;
  return { mode, invitation, denied: invitation === null };
}

// Longer than making a workspace takes, so a known address (nothing made) is not answered sooner.
const ANSWER_AFTER_MS = 800;

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getMember(db(), request)) throw redirect('/app');
  const invite = new URL(request.url).searchParams.get('invite');
  const access = await signupAccess(context.signup, invite);
  return json(
    { mode: access.mode, denied: access.denied, invite: access.invitation ? invite : null, invitedEmail: access.invitation?.email ?? null },
    { status: access.denied ? 403 : 200 },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readFormData(request);
  const access = await signupAccess(context.signup, typeof form.get('invite') === 'string' ? (form.get('invite') as string) : null);
  // The page says why (its loader runs again); the reply only carries the refusal.
  const refused = () => json(parseWithZod(form, { schema: signupSchema }).reply({ formErrors: [`signup_${access.mode}`], hideFields: ['password'] }), { status: 403 });
  if (access.denied) return refused();
  // An invitation is for one address: the workspace's owner signs up with it.
  if (access.invitation) form.set('email', access.invitation.email);
  const submission = parseWithZod(form, { schema: signupSchema });
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
  if (access.invitation && !(await useWorkspaceInvitation(db(), access.invitation.id))) {
    return refused();
  }
  const started = Date.now();
  const result = await signUp(db(), { ...submission.value, locale: await resolveLocale(request), appUrl: emailSettings().appUrl, invited: access.invitation !== null });
  if (access.invitation) {
    // The operator chose this address and gave its holder the link: they may learn that it has an account, and are signed in at once.
    if (!result.ok) {
      await releaseWorkspaceInvitation(db(), access.invitation.id);
      return json(submission.reply({ fieldErrors: { email: [result.error] }, hideFields: ['password'] }), { status: 400 });
    }
    const cookie = await startSession(db(), request, result.userId, result.workspaceId);
    return redirect('/app', { headers: { 'Set-Cookie': cookie } });
  }
  // Open sign-up answers a new and a known address alike, after the same time: the email says which it was.
  const rest = ANSWER_AFTER_MS - (Date.now() - started);
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  return json({ sentTo: submission.value.email });
}

export default function SignupPage() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData && !('sentTo' in actionData) ? actionData : undefined,
    defaultValue: data.invitedEmail ? { email: data.invitedEmail } : undefined,
    constraint: getZodConstraint(signupSchema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signupSchema }),
  });
  if (actionData && 'sentTo' in actionData) {
    return (
      <AuthFrame title={t('security.signup.sentTitle')}>
        <p role="status">{t('security.signup.sent', { email: actionData.sentTo })}</p>
        <p className="switch">
          <Link to="/login">{t('auth.toLogin')}</Link>
        </p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title={t('auth.signupTitle')} intro={t('auth.signupIntro')}>
      {data.denied ? (
        <p role="alert" className="alert alert-warning">
          {t(`security.signup.${data.mode === 'closed' ? 'closed' : 'inviteOnly'}`)}
        </p>
      ) : (
        <>
          {data.invitedEmail ? <p className="muted">{t('security.signup.invitedAs', { email: data.invitedEmail })}</p> : null}
          <Form method="post" {...getFormProps(form)}>
            {data.invite ? <input type="hidden" name="invite" value={data.invite} /> : null}
            <FormError id={form.errorId} errors={form.errors} />
            <Field field={fields.workspaceName} label={t('auth.workspaceName')} hint={t('auth.workspaceHint')} autoComplete="organization" />
            <Field field={fields.name} label={t('auth.name')} autoComplete="name" />
            <Field field={fields.email} label={t('auth.email')} type="email" autoComplete="email" />
            <Field field={fields.password} label={t('auth.password')} type="password" hint={t('auth.passwordHint')} autoComplete="new-password" />
            <button type="submit" className="button primary wide" disabled={navigation.state === 'submitting'}>
              {t('auth.submitSignup')}
            </button>
          </Form>
        </>
      )}
      <p className="switch">
        {t('auth.haveAccount')} <Link to="/login">{t('auth.toLogin')}</Link>
      </p>
    </AuthFrame>
  );
}
