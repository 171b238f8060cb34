import { ActionEmail } from './layout';

export interface SignupAttemptTexts {
  preview: string;
  heading: string;
  body: string;
  signIn: string;
  resetHint: string;
  reset: string;
  ignore: string;
}

export interface SignupAttemptProps {
  lang: 'de' | 'en';
  texts: SignupAttemptTexts;
  loginUrl: string;
  resetUrl: string;
}

/**
 * Tells an account's address that someone tried to sign up with it. Sign-up
 * answers every address alike, so this email is where the person learns that
 * they already have an account, and how to get back in: sign in, or reset the password.
 */
export default function SignupAttemptEmail({ lang, texts, loginUrl, resetUrl }: SignupAttemptProps) {
  return (
    <ActionEmail
      lang={lang}
      texts={{ preview: texts.preview, heading: texts.heading, body: texts.body, button: texts.signIn, expiry: texts.ignore }}
      url={loginUrl}
      second={{ hint: texts.resetHint, button: texts.reset, url: resetUrl }}
    />
  );
}
