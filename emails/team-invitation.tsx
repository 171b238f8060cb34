import { Button, Heading, Section, Text } from '@react-email/components';
import { EmailLayout, Paragraph, buttonStyle, smallStyle } from './layout';

export interface TeamInvitationProps {
  lang: 'de' | 'en';
  texts: { preview: string; heading: string; body: string; button: string; expiry: string };
  acceptUrl: string;
}

/** Invites a person to join a workspace's team. Texts come translated from app/i18n. */
export default function TeamInvitationEmail({ lang, texts, acceptUrl }: TeamInvitationProps) {
  return (
    <EmailLayout lang={lang} preview={texts.preview}>
      <Heading as="h1" style={{ fontSize: 22, margin: '0 0 16px' }}>
        {texts.heading}
      </Heading>
      <Paragraph>{texts.body}</Paragraph>
      <Section style={{ margin: '24px 0' }}>
        <Button href={acceptUrl} style={buttonStyle}>
          {texts.button}
        </Button>
      </Section>
      <Text style={smallStyle}>{acceptUrl}</Text>
      <Text style={smallStyle}>{texts.expiry}</Text>
    </EmailLayout>
  );
}
