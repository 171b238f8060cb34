import { Button, Heading, Link, Section, Text } from '@react-email/components';
import { buttonStyle, EmailLayout, smallStyle, textStyle } from './layout';

export interface DigestFlag {
  url: string;
  /** Customer, kind and tier, e.g. "Huber GmbH — may feel second-class (C)". */
  title: string;
  /** The reasons in plain words, and the due date where it matters. */
  detail: string;
}

export interface FlagDigestProps {
  lang: 'de' | 'en';
  texts: { preview: string; heading: string; button: string; footer: string };
  sections: Array<{ title: string; flags: DigestFlag[] }>;
  queueUrl: string;
}

/** To a member once a day: new, overdue and reassigned flags. Never sent empty. Staff only. */
export default function FlagDigestEmail({ lang, texts, sections, queueUrl }: FlagDigestProps) {
  return (
    <EmailLayout lang={lang} preview={texts.preview} footer={<Text style={smallStyle}>{texts.footer}</Text>}>
      <Heading as="h1" style={{ fontSize: 22, margin: '0 0 16px' }}>
        {texts.heading}
      </Heading>
      {sections
        .filter((section) => section.flags.length > 0)
        .map((section) => (
          <Section key={section.title} style={{ margin: '0 0 16px' }}>
            <Heading as="h2" style={{ fontSize: 17, margin: '16px 0 8px' }}>
              {section.title} ({section.flags.length})
            </Heading>
            {section.flags.map((flag) => (
              <Text key={flag.url} style={{ ...textStyle, margin: '0 0 10px' }}>
                <Link href={flag.url} style={{ color: '#1f5fbf', fontWeight: 600 }}>
                  {flag.title}
                </Link>
                <br />
                <span style={smallStyle}>{flag.detail}</span>
              </Text>
            ))}
          </Section>
        ))}
      <Section style={{ margin: '24px 0' }}>
        <Button href={queueUrl} style={buttonStyle}>
          {texts.button}
        </Button>
      </Section>
    </EmailLayout>
  );
}
