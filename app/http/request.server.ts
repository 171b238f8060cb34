import { json } from '@remix-run/node';

/** Largest form body the app reads; larger posts get 413. Uploads use their own limits. */
export const MAX_FORM_BYTES = 64 * 1024;

/**
 * Reads a form post. A body that is too large or is not form data gets a thrown
 * 4xx with a message a person understands, never a 500.
 */
export async function readFormData(request: Request): Promise<FormData> {
  const length = Number(request.headers.get('Content-Length') ?? 0);
  // The body is left unread, so the connection cannot carry another request: close it.
  if (length > MAX_FORM_BYTES) throw json({ error: 'The form is too large.' }, { status: 413, headers: { Connection: 'close' } });
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw json({ error: 'The form could not be read.' }, { status: 400 });
  }
  // PostgreSQL cannot store NUL characters; refuse them here instead of failing later.
  for (const value of form.values()) {
    if (typeof value === 'string' && value.includes('\u0000')) {
      throw json({ error: 'The form contains characters that cannot be stored.' }, { status: 400 });
    }
  }
  return form;
}

/** Throws the plain 404 every unknown or foreign resource gets. */
export function notFound(): never {
  throw new Response('Not Found', { status: 404, statusText: 'Not Found' });
}
