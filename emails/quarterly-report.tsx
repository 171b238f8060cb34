import { Button, Heading, Img, Section, Text } from '@react-email/components';
import { buttonStyle, EmailLayout, Paragraph, smallStyle, textStyle } from './layout';

export interface QuarterlyReportSection {
  title: string;
  intro?: string;
  /** Facts per scope (all customers, each tier). */
  cards?: Array<{ title: string; lines: string[] }>;
  /** Sentences, optionally under a heading (a quarter). */
  groups?: Array<{ title?: string; items: string[] }>;
  /** Chart images attached to the message, shown inline by content id. */
  images?: Array<{ contentId: string; title: string; width: number; height: number }>;
  note?: string;
}

export interface QuarterlyReportProps {
  lang: 'de' | 'en';
  texts: { preview: string; heading: string; intro: string; button: string; footer: string };
  sections: QuarterlyReportSection[];
  reviewUrl: string;
}

/** To an owner at the start of each quarter (or to a member on request): the review in short, its charts inline, the PDF attached. Staff only. */
export default function QuarterlyReportEmail({ lang, texts, sections, reviewUrl }: QuarterlyReportProps) {
  return (
    <EmailLayout lang={lang} preview={texts.preview} footer={<Text style={smallStyle}>{texts.footer}</Text>}>
      <Heading as="h1" style={{ fontSize: 22, margin: '0 0 16px' }}>
        {texts.heading}
      </Heading>
      <Paragraph>{texts.intro}</Paragraph>
      {sections.map((section) => (
        <Section key={section.title} style={{ margin: '0 0 16px' }}>
          <Heading as="h2" style={{ fontSize: 17, margin: '16px 0 8px' }}>
            {section.title}
          </Heading>
          {section.intro ? <Text style={{ ...smallStyle, margin: '0 0 8px' }}>{section.intro}</Text> : null}
          {section.cards?.map((card) => (
            <Section key={card.title} style={{ borderLeft: '3px solid #1f5fbf', margin: '0 0 12px', paddingLeft: 12 }}>
              <Text style={{ ...textStyle, fontWeight: 600, margin: '0 0 4px' }}>{card.title}</Text>
              {card.lines.map((line) => (
                <Text key={line} style={{ ...textStyle, fontSize: 15, margin: '0 0 4px' }}>
                  {line}
                </Text>
              ))}
            </Section>
          ))}
          {section.groups?.map((group, index) => (
            <Section key={group.title ?? index}>
              {group.title ? <Text style={{ ...textStyle, fontWeight: 600, margin: '8px 0 4px' }}>{group.title}</Text> : null}
              <ul style={{ ...textStyle, fontSize: 15, margin: '0 0 8px', paddingLeft: 20 }}>
                {group.items.map((item) => (
                  <li key={item}>{item}</li>
                ))}
              </ul>
            </Section>
          ))}
          {section.images?.map((image) => (
            <Section key={image.contentId} style={{ margin: '0 0 12px' }}>
              <Text style={{ ...textStyle, fontWeight: 600, margin: '8px 0 4px' }}>{image.title}</Text>
              <Img src={`cid:${image.contentId}`} alt={image.title} width={image.width} height={image.height} style={{ maxWidth: '100%', height: 'auto' }} />
            </Section>
          ))}
          {section.note ? <Text style={smallStyle}>{section.note}</Text> : null}
        </Section>
      ))}
      <Section style={{ margin: '24px 0' }}>
        <Button href={reviewUrl} style={buttonStyle}>
          {texts.button}
        </Button>
      </Section>
    </EmailLayout>
  );
}
