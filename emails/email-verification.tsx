import { ActionEmail, type ActionTexts } from './layout';

export interface EmailVerificationProps {
  lang: 'de' | 'en';
  texts: ActionTexts;
  verifyUrl: string;
}

/** Asks the owner who signed up to confirm their address. Texts come translated from app/i18n. */
export default function EmailVerificationEmail({ lang, texts, verifyUrl }: EmailVerificationProps) {
  return <ActionEmail lang={lang} texts={texts} url={verifyUrl} />;
}
