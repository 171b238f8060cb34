import type { z } from 'zod';
import type { loginSchema } from './forms';

/**
 * The login form's HTML constraints, written out instead of derived from
 * `loginSchema` with `getZodConstraint`: deriving them in the browser brings
 * zod (93 KB gzip) into the login page's JavaScript. The form is validated on
 * the server only; `login-form.test.ts` keeps these equal to the schema.
 */
export const loginConstraint = {
  email: { required: true },
  password: { required: true },
  redirectTo: { required: false },
};

/** The login form's fields, for Conform's field metadata (a type only: no zod at run time). */
export type LoginFields = z.input<typeof loginSchema>;
