import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { z } from 'zod';
import { safeRedirect } from '~/auth/session.server';
import { readFormData } from '~/http/request.server';
import { locales } from '~/i18n';
import { localeCookie } from '~/i18n/locale.server';

const schema = z.object({ locale: z.enum(locales), redirectTo: z.string().optional() });

/** Remembers an explicit language choice in a cookie and goes back. */
export async function action({ request }: ActionFunctionArgs) {
  const parsed = schema.safeParse(Object.fromEntries(await readFormData(request)));
  if (!parsed.success) throw new Response('Unknown language', { status: 400 });
  return redirect(safeRedirect(parsed.data.redirectTo, '/'), {
    headers: { 'Set-Cookie': await localeCookie.serialize(parsed.data.locale) },
  });
}

export function loader() {
  return redirect('/');
}
