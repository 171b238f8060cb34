import { getTextareaProps, type FieldMetadata } from '@conform-to/react';
import { useTranslation } from 'react-i18next';
import { FieldErrors } from '~/ui/form';

/** Translates error keys of the survey editor: its own under `surveys.errors.`, the common ones under `errors.`. */
export function useEditorErrorText() {
  const { t, i18n } = useTranslation();
  return (errors: string[] | undefined) =>
    errors?.map((key) => (i18n.exists(`surveys.errors.${key}`) ? t(`surveys.errors.${key}`) : t(`errors.${key}`, { defaultValue: key })));
}

/** A labelled textarea whose hint and errors are tied to it. */
export function TextareaField({ field, label, hint, rows = 2 }: { field: FieldMetadata<string | undefined>; label: string; hint?: string; rows?: number }) {
  const errorText = useEditorErrorText();
  const hintId = `${field.id}-hint`;
  const props = getTextareaProps(field, { ariaDescribedBy: hint ? hintId : undefined });
  return (
    <div className="field">
      <label htmlFor={field.id}>{label}</label>
      <textarea {...props} key={props.key} rows={rows} />
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <FieldErrors id={field.errorId} errors={errorText(field.errors)} />
    </div>
  );
}
