import { ActionEmail, type ActionTexts } from './layout';

export interface WebhookDisabledProps {
  lang: 'de' | 'en';
  /** `expiry` carries the last error the endpoint gave. */
  texts: ActionTexts;
  settingsUrl: string;
}

/** Tells an owner that a webhook endpoint kept failing and was disabled. Texts come translated from app/i18n. */
export default function WebhookDisabledEmail({ lang, texts, settingsUrl }: WebhookDisabledProps) {
  return <ActionEmail lang={lang} texts={texts} url={settingsUrl} />;
}
