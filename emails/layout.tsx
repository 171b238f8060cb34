import { Body, Button, Container, Head, Heading, Html, Link, Preview, Section, Text } from '@react-email/components';
import type { ReactNode } from 'react';

/** The frame of every email: same look for every recipient, no tier anywhere. */
export function EmailLayout({ lang, preview, children, footer }: { lang: string; preview: string; children: ReactNode; footer?: ReactNode }) {
  return (
    <Html lang={lang}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={{ backgroundColor: '#f6f7f9', fontFamily: 'Helvetica, Arial, sans-serif', margin: 0, padding: '24px 0' }}>
        <Container style={{ backgroundColor: '#ffffff', borderRadius: 8, maxWidth: 560, padding: '32px 28px' }}>
          {children}
          {footer ? <Section style={{ borderTop: '1px solid #e3e6ea', marginTop: 24, paddingTop: 12 }}>{footer}</Section> : null}
        </Container>
      </Body>
    </Html>
  );
}

export const textStyle = { color: '#1d2430', fontSize: 16, lineHeight: '24px' } as const;
export const smallStyle = { color: '#5b6473', fontSize: 13, lineHeight: '20px' } as const;
export const buttonStyle = {
  backgroundColor: '#1f5fbf',
  borderRadius: 6,
  color: '#ffffff',
  display: 'inline-block',
  fontSize: 16,
  fontWeight: 600,
  padding: '12px 20px',
  textDecoration: 'none',
} as const;

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={textStyle}>{children}</Text>;
}

/** The footer of every survey email: why it came, and the one-click way out. */
export function SurveyFooter({ why, unsubscribeLabel, unsubscribeUrl }: { why: string; unsubscribeLabel: string; unsubscribeUrl: string }) {
  return (
    <>
      <Text style={smallStyle}>{why}</Text>
      <Text style={smallStyle}>
        <Link href={unsubscribeUrl} style={{ color: '#5b6473', textDecoration: 'underline' }}>
          {unsubscribeLabel}
        </Link>
      </Text>
    </>
  );
}

/** Texts of an email that asks the reader to follow one link. */
export interface ActionTexts {
  preview: string;
  heading: string;
  body: string;
  button: string;
  expiry: string;
}

/** A second, lesser way out of an action email: a line that leads to it, its button, its link written out. */
export interface SecondAction {
  hint: string;
  button: string;
  url: string;
}

const secondaryButtonStyle = { ...buttonStyle, backgroundColor: '#ffffff', border: '1px solid #1f5fbf', color: '#1f5fbf' };

/**
 * A heading, a paragraph, one button and the same link written out, then a
 * note on its expiry; with `second`, a lesser button and its link before the note.
 */
export function ActionEmail({ lang, texts, url, second }: { lang: string; texts: ActionTexts; url: string; second?: SecondAction }) {
  return (
    <EmailLayout lang={lang} preview={texts.preview}>
      <Heading as="h1" style={{ fontSize: 22, margin: '0 0 16px' }}>
        {texts.heading}
      </Heading>
      <Paragraph>{texts.body}</Paragraph>
      <Section style={{ margin: second ? '24px 0 8px' : '24px 0' }}>
        <Button href={url} style={buttonStyle}>
          {texts.button}
        </Button>
      </Section>
      <Text style={smallStyle}>{url}</Text>
      {second ? (
        <>
          <Paragraph>{second.hint}</Paragraph>
          <Section style={{ margin: '8px 0' }}>
            <Button href={second.url} style={secondaryButtonStyle}>
              {second.button}
            </Button>
          </Section>
          <Text style={smallStyle}>{second.url}</Text>
        </>
      ) : null}
      <Text style={smallStyle}>{texts.expiry}</Text>
    </EmailLayout>
  );
}
