import { z } from 'zod';
import { roles } from '../../db/schema/accounts';

// Form schemas shared by server and browser (Conform validates with them on
// both sides). Messages are i18n keys under `errors.`, translated at render.

export const emailField = z
  .string({ error: 'required' })
  .trim()
  .min(1, 'required')
  .max(254, 'too_long')
  .pipe(z.email('email_invalid'))
  .transform((email) => email.toLowerCase());

const newPassword = z.string({ error: 'required' }).min(10, 'password_short').max(200, 'password_long');
const personName = z.string({ error: 'required' }).trim().min(1, 'name_short').max(120, 'too_long');

export const loginSchema = z.object({
  email: emailField,
  password: z.string({ error: 'required' }).min(1, 'required').max(200, 'password_long'),
  redirectTo: z.string().optional(),
});

export const signupSchema = z.object({
  workspaceName: z.string({ error: 'required' }).trim().min(2, 'name_short').max(120, 'too_long'),
  name: personName,
  email: emailField,
  password: newPassword,
});

export const forgotPasswordSchema = z.object({ email: emailField });

/** A new password through a reset link: the same rules as at sign-up. */
export const resetPasswordSchema = z.object({ password: newPassword });

export const inviteMemberSchema = z.object({
  email: emailField,
  role: z.enum(roles, { error: 'role_invalid' }),
});

export const acceptInvitationSchema = z.object({
  name: personName,
  password: newPassword,
});

export const profileSchema = z.object({
  locale: z.enum(['de', 'en', 'browser'], { error: 'required' }),
});
