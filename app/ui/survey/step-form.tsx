import type { TFunction } from 'i18next';
import type { StepState, StepView } from '~/surveys/step-view';
import { firstControlId, Question } from './questions';

/**
 * One survey step: heading, progress, errors, the questions and the buttons,
 * as a plain form post that works without JavaScript. "Next" comes first,
 * so pressing Enter moves forward; "Back" saves the step too, without
 * requiring answers, and skips the browser's required-field check.
 */
export function StepForm({
  view,
  state,
  company,
  action,
  hidden,
  t,
}: {
  view: StepView;
  state: StepState;
  company: string;
  /** Where the form posts to (relative to the page, e.g. `?step=2`). */
  action: string;
  hidden: Record<string, string>;
  t: TFunction;
}) {
  const current = view.index + 1;
  const failed = view.items.filter((item) => state.errors[item.name]);
  const primary = view.last ? (state.editing ? 'saveChanges' : 'send') : 'next';
  return (
    <>
      <h1>{t('survey.heading', { company })}</h1>
      {view.index === 0 && !state.editing ? <p className="survey-intro">{t('survey.intro')}</p> : null}
      <div className="survey-progress">
        <p id="survey-progress-label">{t('survey.progress', { current, total: view.total })}</p>
        <progress aria-labelledby="survey-progress-label" value={current} max={view.total} />
      </div>
      {state.formError ? (
        <div role="alert" className="survey-alert">
          <p>{t('survey.errors.form')}</p>
        </div>
      ) : null}
      {failed.length > 0 ? (
        <div role="alert" className="survey-alert" aria-labelledby="survey-error-summary">
          <p id="survey-error-summary">{t('survey.errorSummary')}</p>
          <ul>
            {failed.map((item) => (
              <li key={item.name}>
                <a href={`#${firstControlId(item)}`}>
                  {item.label} {t(`survey.errors.${state.errors[item.name]!}`)}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {state.preselected ? (
        <p role="status" className="survey-note">
          {t('survey.preselected')}
        </p>
      ) : null}
      {state.editing && !view.last ? <p className="survey-note">{t('survey.editing')}</p> : null}
      {/* The texts the page's script (public/survey.js) shows before anything is sent. */}
      <form
        method="post"
        action={action}
        className="survey-form"
        data-required-text={t('survey.errors.required')}
        data-summary-text={t('survey.errorSummary')}
        data-count-text={t('survey.charactersUsed')}
      >
        {Object.entries(hidden).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        {view.items.map((item) => (
          <Question key={item.name} item={item} value={state.values[item.name]} error={state.errors[item.name]} t={t} />
        ))}
        <div className="survey-actions">
          <button type="submit" name="intent" value="next" className="button primary">
            {t(`survey.${primary}`)}
          </button>
          {state.editing && !view.last ? (
            <button type="submit" name="intent" value="finish" className="button">
              {t('survey.saveAndFinish')}
            </button>
          ) : null}
          {view.index > 0 ? (
            <button type="submit" name="intent" value="back" className="button ghost" formNoValidate>
              {t('survey.back')}
            </button>
          ) : null}
        </div>
      </form>
    </>
  );
}
