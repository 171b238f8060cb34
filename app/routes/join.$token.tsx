import { getFormProps, useForm } from '@conform-to/react';
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useParams } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { acceptInvitationSchema } from '~/auth/forms';
import { acceptInvitation, findInvitation } from '~/auth/members.server';
import { getMember, startSession } from '~/auth/session.server';
import { db } from '~/db.server';
import { readFormData } from '~/http/request.server';
import { AuthFrame } from '~/ui/auth-frame';
import { Field, FormError } from '~/ui/form';

export const meta: MetaFunction = () => [{ title: 'Wouldmiss' }, { name: 'robots', content: 'noindex' }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const invitation = await findInvitation(db(), params.token ?? '');
  if (!invitation) return json({ state: 'invalid' as const }, { status: 404 });
  const member = await getMember(db(), request);
  const base = { workspace: invitation.workspaceName, role: invitation.role, email: invitation.email };
  if (!invitation.existingUserId) return json({ state: 'new' as const, ...base });
  if (!member) return json({ state: 'login' as const, ...base });
  if (member.user.id !== invitation.existingUserId) return json({ state: 'wrong-user' as const, ...base, current: member.user.email });
  return json({ state: 'existing' as const, ...base });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const invitation = await findInvitation(db(), params.token ?? '');
  if (!invitation) return json({ result: null, invalid: true }, { status: 404 });
  const formData = await readFormData(request);
  let account: Parameters<typeof acceptInvitation>[2];
  if (invitation.existingUserId) {
    const member = await getMember(db(), request);
    if (member?.user.id !== invitation.existingUserId) return json({ result: null, invalid: true }, { status: 403 });
    account = { existingUserId: member.user.id };
  } else {
    const submission = parseWithZod(formData, { schema: acceptInvitationSchema });
    if (submission.status !== 'success') {
      return json({ result: submission.reply({ hideFields: ['password'] }), invalid: false }, { status: 400 });
    }
    account = submission.value;
  }
  const joined = await acceptInvitation(db(), invitation, account);
  if (!joined) return json({ result: null, invalid: true }, { status: 409 });
  const cookie = await startSession(db(), request, joined.userId, joined.workspaceId);
  return redirect('/app', { headers: { 'Set-Cookie': cookie } });
}

export default function JoinPage() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const { token } = useParams();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: actionData?.result ?? undefined,
    constraint: getZodConstraint(acceptInvitationSchema),
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: acceptInvitationSchema }),
  });
  if (data.state === 'invalid' || actionData?.invalid) {
    return (
      <AuthFrame title={t('auth.loginTitle')}>
        <p role="alert">{t('auth.joinInvalid')}</p>
        <Link to="/login">{t('auth.toLogin')}</Link>
      </AuthFrame>
    );
  }
  const title = t('auth.joinTitle', { workspace: data.workspace });
  if (data.state === 'login') {
    return (
      <AuthFrame title={title}>
        <p>{t('auth.joinExisting', { email: data.email })}</p>
        <Link className="button primary" to={`/login?${new URLSearchParams({ redirectTo: `/join/${token}` })}`}>
          {t('auth.toLogin')}
        </Link>
      </AuthFrame>
    );
  }
  if (data.state === 'wrong-user') {
    return (
      <AuthFrame title={title}>
        <p role="alert">{t('auth.joinWrongUser', { email: data.current })}</p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title={title} intro={t('auth.joinIntro', { role: t(`roles.${data.role}`) })}>
      <Form method="post" {...getFormProps(form)}>
        <FormError id={form.errorId} errors={form.errors} />
        {data.state === 'new' ? (
          <>
            <p className="muted">{data.email}</p>
            <Field field={fields.name} label={t('auth.name')} autoComplete="name" />
            <Field field={fields.password} label={t('auth.password')} type="password" hint={t('auth.passwordHint')} autoComplete="new-password" />
          </>
        ) : null}
        <button type="submit" className="button primary wide">
          {t('auth.joinSubmit')}
        </button>
      </Form>
    </AuthFrame>
  );
}
