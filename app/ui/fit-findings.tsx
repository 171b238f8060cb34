import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { FitTier } from '~/analysis/fit';
import { fitHeadlineSentences } from './fit-text';

/** The revenue-at-risk headline per tier among the review's findings; nothing without revenue imported. */
export function FitFindings({ fit }: { fit: { period: string; byTier: Array<Pick<FitTier, 'tier' | 'answered' | 'total' | 'atRisk'>> } | null }) {
  const { t, i18n } = useTranslation();
  const sentences = fit ? fitHeadlineSentences(fit, t, i18n.language) : [];
  if (!fit || sentences.length === 0) return null;
  return (
    <div className="findings-quarter" data-testid="fit-findings">
      <h3>{t('fit.reportTitle')}</h3>
      <ul>
        {sentences.map((sentence) => (
          <li key={sentence}>{sentence}</li>
        ))}
      </ul>
      <p>
        <Link to={`/app/results/fit?period=${fit.period}`}>{t('fit.title')}</Link>
      </p>
    </div>
  );
}
