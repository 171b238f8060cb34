import { getFormProps, getInputProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod/v4';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { requireMember } from '~/auth/session.server';
import { getCustomer } from '~/customers/customers.server';
import { eraseCustomer } from '~/customers/privacy.server';
import { db } from '~/db.server';
import { notFound, readFormData } from '~/http/request.server';
import { FieldErrors } from '~/ui/form';

/** Erasing is confirmed by typing the customer number, so it never happens by a slip of the mouse. */
function eraseSchema(externalId: string) {
  return z.object({
    confirm: z.string({ error: 'required' }).refine((text) => text.trim() === externalId, 'erase_confirm_mismatch'),
    suppress: z.literal('on').optional(),
  });
}

async function loadCustomer(request: Request, customerId: string | undefined) {
  const member = await requireMember(db(), request, 'owner');
  const customer = await getCustomer(db(), member.workspace.id, customerId ?? '');
  if (!customer || customer.erasedAt) notFound();
  return { member, customer };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { customer } = await loadCustomer(request, params.customerId);
  return json({
    customer: { id: customer.id, name: customer.name, externalId: customer.externalId, email: customer.email },
    counts: { responses: customer.responses.length, flags: customer.flags.length, invitations: customer.invitations.length },
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { member, customer } = await loadCustomer(request, params.customerId);
  const submission = parseWithZod(await readFormData(request), { schema: eraseSchema(customer.externalId) });
  if (submission.status !== 'success') return json(submission.reply(), { status: 400 });
  await eraseCustomer(db(), member.workspace.id, customer.id, { actorUserId: member.user.id, suppressAddress: submission.value.suppress === 'on' });
  return redirect(`/app/customers/${customer.id}?erased=1`);
}

export default function EraseCustomer() {
  const { t } = useTranslation();
  const { customer, counts } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const [form, fields] = useForm<{ confirm: string; suppress?: string }>({ lastResult: useActionData<typeof action>() });
  const label = customer.name ?? customer.externalId;
  return (
    <>
      <title>{`${t('customers.privacy.eraseTitle', { name: label })} · ${t('app.name')}`}</title>
      <p>
        <Link to={`/app/customers/${customer.id}`}>← {label}</Link>
      </p>
      <h1>{t('customers.privacy.eraseTitle', { name: label })}</h1>
      <div className="card">
        <p>{t('customers.privacy.eraseIntro')}</p>
        <ul>
          <li>{t('customers.privacy.eraseRemoves')}</li>
          <li>{t('customers.privacy.eraseKeeps', { count: counts.responses })}</li>
          <li>{t('customers.privacy.eraseFlags', { count: counts.flags })}</li>
          <li>{t('customers.privacy.eraseLinks', { count: counts.invitations })}</li>
          <li>{t('customers.privacy.eraseCrm')}</li>
        </ul>
        <p>
          <strong>{t('customers.privacy.eraseFinal')}</strong>
        </p>
        <Form method="post" {...getFormProps(form)}>
          <div className="field">
            <label htmlFor={fields.confirm.id}>{t('customers.privacy.eraseConfirmLabel', { externalId: customer.externalId })}</label>
            <input {...getInputProps(fields.confirm, { type: 'text' })} key={fields.confirm.key} autoComplete="off" />
            <FieldErrors
              id={fields.confirm.errorId}
              errors={fields.confirm.errors?.map((code) => (code === 'erase_confirm_mismatch' ? t('customers.privacy.eraseMismatch') : t(`errors.${code}`)))}
            />
          </div>
          {customer.email ? (
            <label className="choice">
              <input type="checkbox" name={fields.suppress.name} />
              {t('customers.privacy.eraseSuppress', { email: customer.email })}
            </label>
          ) : null}
          <p>
            <button type="submit" className="button primary" disabled={navigation.state === 'submitting'}>
              {t('customers.privacy.eraseSubmit')}
            </button>{' '}
            <Link to={`/app/customers/${customer.id}`}>{t('customers.cancel')}</Link>
          </p>
        </Form>
      </div>
    </>
  );
}
