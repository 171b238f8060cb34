import { Button, Heading, Section, Text } from '@react-email/components';
import { EmailLayout, Paragraph, buttonStyle, smallStyle } from './layout';

export interface PasswordResetProps {
  lang: 'de' | 'en';
  texts: { preview: string; heading: string; body: string; button: string; expiry: string };
  resetUrl: string;
}

/** Lets a member choose a new password. Texts come translated from app/i18n. */
export default function PasswordResetEmail({ lang, texts, resetUrl }: PasswordResetProps) {
  return (
    <EmailLayout lang={lang} preview={texts.preview}>
      <Heading as="h1" style={{ fontSize: 22, margin: '0 0 16px' }}>
        {texts.heading}
      </Heading>
      <Paragraph>{texts.body}</Paragraph>
      <Section style={{ margin: '24px 0' }}>
        <Button href={resetUrl} style={buttonStyle}>
          {texts.button}
        </Button>
      </Section>
      <Text style={smallStyle}>{resetUrl}</Text>
      <Text style={smallStyle}>{texts.expiry}</Text>
    </EmailLayout>
  );
}
