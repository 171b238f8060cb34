import type { LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { getMember } from '~/auth/session.server';
import { db } from '~/db.server';

export async function loader({ request }: LoaderFunctionArgs) {
  return redirect((await getMember(db(), request)) ? '/app' : '/login');
}
