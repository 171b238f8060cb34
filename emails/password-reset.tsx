import { ActionEmail, type ActionTexts } from './layout';

export interface PasswordResetProps {
  lang: 'de' | 'en';
  texts: ActionTexts;
  resetUrl: string;
}

/** Lets a member choose a new password. Texts come translated from app/i18n. */
export default function PasswordResetEmail({ lang, texts, resetUrl }: PasswordResetProps) {
  return <ActionEmail lang={lang} texts={texts} url={resetUrl} />;
}
