import type { TFunction } from 'i18next';
import { SurveyMessage } from './survey-frame';

/** The page after the last step; the link opens the first step again to change answers. */
export function ThanksMessage({ company, closes, changeHref, t }: { company: string; closes: string | null; changeHref: string; t: TFunction }) {
  return (
    <SurveyMessage title={t('survey.thanksTitle')}>
      <p>{t('survey.thanksText', { company })}</p>
      <p>{closes ? t('survey.thanksChangeUntil', { date: closes }) : t('survey.thanksChange')}</p>
      <p>
        <a href={changeHref} className="button">
          {t('survey.changeAnswers')}
        </a>
      </p>
    </SurveyMessage>
  );
}

/** The friendly page of a closed survey. */
export function ClosedMessage({ answered, t }: { answered: boolean; t: TFunction }) {
  return (
    <SurveyMessage title={t('survey.closedTitle')}>
      {answered ? <p>{t('survey.closedAnswered')}</p> : null}
      <p>{t('survey.closedText')}</p>
    </SurveyMessage>
  );
}
