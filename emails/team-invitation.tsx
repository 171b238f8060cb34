import { ActionEmail, type ActionTexts } from './layout';

export interface TeamInvitationProps {
  lang: 'de' | 'en';
  texts: ActionTexts;
  acceptUrl: string;
}

/** Invites a person to join a workspace's team. Texts come translated from app/i18n. */
export default function TeamInvitationEmail({ lang, texts, acceptUrl }: TeamInvitationProps) {
  return <ActionEmail lang={lang} texts={texts} url={acceptUrl} />;
}
