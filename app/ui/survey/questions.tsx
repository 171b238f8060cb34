import type { TFunction } from 'i18next';
import type { AnswerError } from '~/surveys/answers';
import { MAX_ANSWER_TEXT } from '~/surveys/definition';
import type { ItemView } from '~/surveys/step-view';

/**
 * The questions of a survey step as plain HTML controls: choices and scales
 * are fieldsets with legends, every control is labelled, and an error is
 * tied to its controls with aria-describedby and aria-invalid.
 */
interface QuestionProps<K extends ItemView['kind']> {
  item: Extract<ItemView, { kind: K }>;
  value: string | string[] | undefined;
  error: AnswerError | undefined;
  t: TFunction;
}

export const fieldId = (name: string, value?: string) => (value === undefined ? `f-${name}` : `f-${name}-${value}`);
export const errorId = (name: string) => `${name}-error`;

/** Where the error summary links to: the first control of the question. */
export function firstControlId(item: ItemView): string {
  if (item.kind === 'choice' || item.kind === 'multiple') return fieldId(item.name, item.options[0]?.value);
  if (item.kind === 'scale') return fieldId(item.name, item.points[0]?.value);
  return fieldId(item.name);
}

export function Question({ item, value, error, t }: { item: ItemView; value: string | string[] | undefined; error: AnswerError | undefined; t: TFunction }) {
  switch (item.kind) {
    case 'choice':
    case 'multiple':
      return <ChoiceQuestion item={item} value={value} error={error} t={t} />;
    case 'scale':
      return <ScaleQuestion item={item} value={value} error={error} t={t} />;
    case 'text':
      return <TextQuestion item={item} value={value} error={error} t={t} />;
  }
}

function QuestionLabel({ label, required, t }: { label: string; required: boolean; t: TFunction }) {
  return (
    <>
      <span className="q-text">{label}</span> <span className="q-marker">({required ? t('survey.required') : t('survey.optional')})</span>
    </>
  );
}

function ErrorText({ name, error, t }: { name: string; error: AnswerError | undefined; t: TFunction }) {
  return (
    <p id={errorId(name)} className="q-error" hidden={!error}>
      {error ? t(`survey.errors.${error}`) : null}
    </p>
  );
}

const checked = (value: string | string[] | undefined, option: string) => (Array.isArray(value) ? value.includes(option) : value === option);

function ChoiceQuestion({ item, value, error, t }: QuestionProps<'choice' | 'multiple'>) {
  const multiple = item.kind === 'multiple';
  const hintId = `${item.name}-hint`;
  const describedBy = [multiple ? hintId : null, error ? errorId(item.name) : null].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset className="q q-choice" data-required={item.required ? 'true' : undefined} data-invalid={error ? 'true' : undefined}>
      <legend>
        <QuestionLabel label={item.label} required={item.required} t={t} />
      </legend>
      {multiple ? (
        <p className="q-hint" id={hintId}>
          {t('survey.chooseAny')}
        </p>
      ) : null}
      <ErrorText name={item.name} error={error} t={t} />
      <div className="options">
        {item.options.map((option) => (
          <label key={option.value} className="option" htmlFor={fieldId(item.name, option.value)}>
            <input
              id={fieldId(item.name, option.value)}
              type={multiple ? 'checkbox' : 'radio'}
              name={item.name}
              value={option.value}
              defaultChecked={checked(value, option.value)}
              required={!multiple && item.required}
              aria-invalid={error ? true : undefined}
              aria-describedby={describedBy}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function ScaleQuestion({ item, value, error, t }: QuestionProps<'scale'>) {
  return (
    <fieldset className="q q-scale" data-required={item.required ? 'true' : undefined} data-invalid={error ? 'true' : undefined}>
      <legend>
        <QuestionLabel label={item.label} required={item.required} t={t} />
      </legend>
      <ErrorText name={item.name} error={error} t={t} />
      <div className={`scale scale-${item.points.length}`}>
        {item.points.map((point) => (
          <label key={point.value} className="scale-point" htmlFor={fieldId(item.name, point.value)}>
            <input
              id={fieldId(item.name, point.value)}
              type="radio"
              name={item.name}
              value={point.value}
              defaultChecked={checked(value, point.value)}
              required={item.required}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId(item.name) : undefined}
            />
            <span className="scale-number">{point.value}</span>
            {point.words ? <span className="visually-hidden"> {point.words}</span> : null}
          </label>
        ))}
      </div>
      {item.low && item.high ? (
        <div className="scale-anchors" aria-hidden="true">
          <span>{item.low}</span>
          <span>{item.high}</span>
        </div>
      ) : null}
    </fieldset>
  );
}

function TextQuestion({ item, value, error, t }: QuestionProps<'text'>) {
  const hintId = `${item.name}-hint`;
  return (
    <div className="q q-text-question" data-required={item.required ? 'true' : undefined} data-invalid={error ? 'true' : undefined}>
      <label htmlFor={fieldId(item.name)} className="q-label">
        <QuestionLabel label={item.label} required={item.required} t={t} />
      </label>
      <ErrorText name={item.name} error={error} t={t} />
      <textarea
        id={fieldId(item.name)}
        name={item.name}
        rows={4}
        maxLength={MAX_ANSWER_TEXT}
        defaultValue={typeof value === 'string' ? value : ''}
        required={item.required}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, error ? errorId(item.name) : null].filter(Boolean).join(' ')}
      />
      <p className="q-hint" id={hintId}>
        {t('survey.textHint')}
      </p>
    </div>
  );
}
