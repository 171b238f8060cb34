import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { endSession } from '~/auth/session.server';
import { db } from '~/db.server';

export async function action({ request }: ActionFunctionArgs) {
  return redirect('/login', { headers: { 'Set-Cookie': await endSession(db(), request) } });
}

// Logging out changes state, so it only happens by POST; a GET just goes home.
export function loader() {
  return redirect('/');
}
