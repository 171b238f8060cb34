import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { endSession, getMember, revokeUserSessions } from '~/auth/session.server';
import { db } from '~/db.server';
import { readFormData } from '~/http/request.server';

/** Ends this session; with `scope=everywhere`, every session of the member (other browsers, a lost laptop). */
export async function action({ request }: ActionFunctionArgs) {
  // A body that cannot be read still logs this session out; only a readable `scope` widens it.
  const form = await readFormData(request).catch(() => new FormData());
  if (form.get('scope') === 'everywhere') {
    const member = await getMember(db(), request);
    if (member) await revokeUserSessions(db(), member.user.id);
  }
  return redirect('/login', { headers: { 'Set-Cookie': await endSession(db(), request) } });
}

// Logging out changes state, so it only happens by POST; a GET just goes home.
export function loader() {
  return redirect('/');
}
