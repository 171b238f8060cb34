import { Button, Heading, Section, Text } from '@react-email/components';
import { buttonStyle, EmailLayout, Paragraph, smallStyle } from './layout';

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
 * they already have an account, and how to get back in.
 */
export default function SignupAttemptEmail({ lang, texts, loginUrl, resetUrl }: SignupAttemptProps) {
  const secondary = { ...buttonStyle, backgroundColor: '#ffffff', border: '1px solid #1f5fbf', color: '#1f5fbf' };
  return (
    <EmailLayout lang={lang} preview={texts.preview}>
      <Heading as="h1" style={{ fontSize: 22, margin: '0 0 16px' }}>
        {texts.heading}
      </Heading>
      <Paragraph>{texts.body}</Paragraph>
      <Section style={{ margin: '24px 0 8px' }}>
        <Button href={loginUrl} style={buttonStyle}>
          {texts.signIn}
        </Button>
      </Section>
      <Text style={smallStyle}>{loginUrl}</Text>
      <Paragraph>{texts.resetHint}</Paragraph>
      <Section style={{ margin: '8px 0' }}>
        <Button href={resetUrl} style={secondary}>
          {texts.reset}
        </Button>
      </Section>
      <Text style={smallStyle}>{resetUrl}</Text>
      <Text style={smallStyle}>{texts.ignore}</Text>
    </EmailLayout>
  );
}
