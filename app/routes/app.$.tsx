import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { notFound } from '~/http/request.server';

// Unknown pages under /app: without this route no route below the staff
// layout matches, and the root's 404 page shows without the navigation.
// Thrown here, the 404 renders in the staff layout's error boundary.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireMember(db(), request);
  notFound();
}

export default function UnknownStaffPage() {
  return null;
}
