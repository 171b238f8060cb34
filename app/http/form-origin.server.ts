import type { Request } from 'express';

/**
 * Whether a form post comes from this site. Cross-origin form posts are
 * refused: SameSite cookies already keep the session out of them, and this
 * also stops login CSRF, forged sign-ups and forged survey answers.
 */
export function isSameOriginPost(req: Request, appUrl: string): boolean {
  const origin = req.get('Origin');
  const site = req.get('Sec-Fetch-Site');
  // Pages sent with Referrer-Policy: no-referrer (the survey) make browsers post
  // with `Origin: null`; then the fetch metadata header tells where the post came from.
  if (origin && origin !== 'null') return origin === `${req.protocol}://${req.get('Host')}` || origin === appUrl;
  if (origin === 'null') return site === 'same-origin';
  return site !== 'cross-site';
}
