import { getInputProps, type FieldMetadata } from '@conform-to/react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** Translates Conform's error keys (`errors.*`) into the page's language. */
export function useErrorText() {
  const { t } = useTranslation();
  return (errors: string[] | undefined) => errors?.map((key) => t(`errors.${key}`, { defaultValue: key }));
}

/**
 * A labelled input whose errors and hint are tied to it with
 * aria-describedby, so screen readers announce them with the field.
 */
export function Field({
  field,
  label,
  type = 'text',
  hint,
  autoComplete,
}: {
  field: FieldMetadata<string | undefined>;
  label: string;
  type?: 'text' | 'email' | 'password';
  hint?: string;
  autoComplete?: string;
}) {
  const errorText = useErrorText();
  const errors = errorText(field.errors);
  const hintId = `${field.id}-hint`;
  // An error takes the hint's place: it says what the field needs, and a hint
  // beside it repeats the rule ("At least 10 characters" twice on sign-up).
  const showHint = Boolean(hint) && !errors?.length;
  const inputProps = getInputProps(field, { type, ariaDescribedBy: showHint ? hintId : undefined });
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      <input {...inputProps} key={inputProps.key} autoComplete={autoComplete} />
      {showHint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <FieldErrors id={field.errorId} errors={errors} />
    </div>
  );
}

export function FieldErrors({ id, errors }: { id: string; errors: string[] | undefined }) {
  return (
    <div id={id} className="field-error" aria-live="polite">
      {errors?.map((message) => <p key={message}>{message}</p>)}
    </div>
  );
}

/** An error for the whole form (e.g. wrong login), announced to screen readers. */
export function FormError({ id, errors }: { id: string; errors: string[] | undefined }) {
  const errorText = useErrorText();
  const messages = errorText(errors);
  if (!messages?.length) return <div id={id} />;
  return (
    <div id={id} role="alert" className="alert alert-error">
      {messages.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  );
}

export function EmptyState({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <div className="empty-state">
      {title ? <h2>{title}</h2> : null}
      {children}
    </div>
  );
}
