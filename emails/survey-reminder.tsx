import { Button, Section } from '@react-email/components';
import { EmailLayout, Paragraph, SurveyFooter, buttonStyle } from './layout';

export interface SurveyReminderProps {
  lang: 'de' | 'en';
  texts: { preview: string; greeting: string; body: string; button: string; signoff: string; why: string; unsubscribe: string };
  surveyUrl: string;
  unsubscribeUrl: string;
}

/** A reminder to customers who have not completed the survey; the same link as the invitation. */
export default function SurveyReminderEmail({ lang, texts, surveyUrl, unsubscribeUrl }: SurveyReminderProps) {
  return (
    <EmailLayout
      lang={lang}
      preview={texts.preview}
      footer={<SurveyFooter why={texts.why} unsubscribeLabel={texts.unsubscribe} unsubscribeUrl={unsubscribeUrl} />}
    >
      <Paragraph>{texts.greeting}</Paragraph>
      <Paragraph>{texts.body}</Paragraph>
      <Section style={{ margin: '24px 0' }}>
        <Button href={surveyUrl} style={buttonStyle}>
          {texts.button}
        </Button>
      </Section>
      <Paragraph>{texts.signoff}</Paragraph>
    </EmailLayout>
  );
}
