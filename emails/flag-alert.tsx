import { Button, Heading, Section, Text } from '@react-email/components';
import { buttonStyle, EmailLayout, Paragraph, smallStyle, textStyle } from './layout';

export interface FlagAlertProps {
  lang: 'de' | 'en';
  texts: { preview: string; heading: string; body: string; why: string; due: string; button: string; footer: string };
  /** The reasons in plain words. */
  reasons: string[];
  flagUrl: string;
}

/** To a member: one high-severity flag on a customer assigned to them, at once. Staff only. */
export default function FlagAlertEmail({ lang, texts, reasons, flagUrl }: FlagAlertProps) {
  return (
    <EmailLayout lang={lang} preview={texts.preview} footer={<Text style={smallStyle}>{texts.footer}</Text>}>
      <Heading as="h1" style={{ fontSize: 22, margin: '0 0 16px' }}>
        {texts.heading}
      </Heading>
      <Paragraph>{texts.body}</Paragraph>
      <Text style={{ ...textStyle, margin: '8px 0 0' }}>{texts.why}</Text>
      <ul style={{ ...textStyle, margin: '4px 0 16px', paddingLeft: 20 }}>
        {reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
      <Paragraph>{texts.due}</Paragraph>
      <Section style={{ margin: '24px 0' }}>
        <Button href={flagUrl} style={buttonStyle}>
          {texts.button}
        </Button>
      </Section>
      <Text style={smallStyle}>{flagUrl}</Text>
    </EmailLayout>
  );
}
