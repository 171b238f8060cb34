import { getZodConstraint } from '@conform-to/zod/v4';
import { describe, expect, it } from 'vitest';
import { loginSchema } from './forms';
import { loginConstraint } from './login-form';

describe('login form constraints', () => {
  it('are the ones the login schema gives', () => {
    expect(loginConstraint).toEqual(getZodConstraint(loginSchema));
  });
});
