import { Button, Link, Section, Text } from '@react-email/components';
import { EmailLayout, Paragraph, SurveyFooter, buttonStyle, smallStyle, textStyle } from './layout';

export type InvitationAnswer = 'very' | 'somewhat' | 'not';

export interface SurveyInvitationProps {
  lang: 'de' | 'en';
  texts: {
    preview: string;
    greeting: string;
    intro: string;
    question: string;
    answers: Record<InvitationAnswer, string>;
    hint: string;
    open: string;
    signoff: string;
    why: string;
    unsubscribe: string;
  };
  surveyUrl: string;
  /** The survey with one answer preselected; opening it records nothing by itself. */
  answerUrls: Record<InvitationAnswer, string>;
  unsubscribeUrl: string;
}

// Full-width by display:block, not width:100%: with the padding and border a
// 100 % wide link is wider than the card (seen at 600 px and on a 320 px phone).
const answerButtonStyle = {
  ...buttonStyle,
  backgroundColor: '#ffffff',
  border: '2px solid #1f5fbf',
  boxSizing: 'border-box',
  color: '#1f5fbf',
  display: 'block',
  maxWidth: '100%',
  textAlign: 'center',
} as const;

/**
 * The survey invitation: the miss-us question right in the email, each answer
 * a link to the survey with that answer preselected. Every customer gets the
 * same email; nothing in it depends on the customer's tier.
 */
export default function SurveyInvitationEmail({ lang, texts, surveyUrl, answerUrls, unsubscribeUrl }: SurveyInvitationProps) {
  return (
    <EmailLayout
      lang={lang}
      preview={texts.preview}
      footer={<SurveyFooter why={texts.why} unsubscribeLabel={texts.unsubscribe} unsubscribeUrl={unsubscribeUrl} />}
    >
      <Paragraph>{texts.greeting}</Paragraph>
      <Paragraph>{texts.intro}</Paragraph>
      <Text style={{ ...textStyle, fontSize: 18, fontWeight: 600, lineHeight: '26px' }}>{texts.question}</Text>
      {(['very', 'somewhat', 'not'] as const).map((answer) => (
        <Section key={answer} style={{ margin: '0 0 10px' }}>
          <Button href={answerUrls[answer]} style={answerButtonStyle}>
            {texts.answers[answer]}
          </Button>
        </Section>
      ))}
      <Text style={smallStyle}>{texts.hint}</Text>
      <Text style={textStyle}>
        <Link href={surveyUrl}>{texts.open}</Link>
      </Text>
      <Paragraph>{texts.signoff}</Paragraph>
    </EmailLayout>
  );
}
