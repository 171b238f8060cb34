import { z } from 'zod';
import { flagKinds, flagSeverities, flagStatuses } from '../../db/schema/flags';

/** Filters of the flag queue from the query string; unknown values are ignored rather than refused. */
export const flagFiltersSchema = z.object({
  status: z.enum(flagStatuses).optional().catch(undefined),
  kind: z.enum(flagKinds).optional().catch(undefined),
  severity: z.enum(flagSeverities).optional().catch(undefined),
  tier: z.string().max(100).optional().catch(undefined),
  campaignId: z.uuid().optional().catch(undefined),
  assignedTo: z.uuid().optional().catch(undefined),
  /** Search text (customer name, email, number); longer text is cut, not refused. */
  q: z
    .string()
    .transform((text) => text.trim().slice(0, 200))
    .optional()
    .catch(undefined),
});

export function parseFlagFilters(params: URLSearchParams) {
  const raw = Object.fromEntries([...params].filter(([, value]) => value !== ''));
  // The queue opens on the open flags; "all" shows every status.
  if (!('status' in raw)) raw.status = 'open';
  return flagFiltersSchema.parse(raw);
}

const note = z.string({ error: 'note_required' }).trim().min(1, 'note_required').max(5000, 'too_long');

/** The forms of the flag page; `intent` tells which button was pressed. */
export const flagActionSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('assign'), assigneeId: z.union([z.uuid(), z.literal('')]).default('') }),
  z.object({ intent: z.literal('contacted'), note: z.string().trim().max(5000, 'too_long').optional() }),
  z.object({ intent: z.literal('resolved'), note }),
  z.object({ intent: z.literal('dismissed'), note }),
  z.object({ intent: z.literal('noted'), note }),
]);

/** Workspace phrases: a few words, not a sentence. */
export const MAX_PHRASES = 100;
const phrase = z
  .string()
  .trim()
  .min(3, 'phrase_short')
  .max(80, 'phrase_long')
  // eslint-disable-next-line no-control-regex
  .refine((text) => !/[\u0000-\u001f\u007f]/.test(text), 'phrase_empty');

/** The forms of the flag settings page; `intent` tells which button was pressed. */
export const flagSettingsSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('alerts'), mode: z.enum(['default', 'immediate', 'digest', 'off']) }),
  z.object({
    intent: z.literal('service_level'),
    highDays: z.coerce.number().int().min(1).max(60),
    mediumDays: z.coerce.number().int().min(1).max(60),
  }),
  z.object({ intent: z.literal('try_phrase'), phrase, samples: z.string().max(5000, 'too_long').default('') }),
  z.object({ intent: z.literal('add_phrase'), phrase, samples: z.string().max(5000, 'too_long').default('') }),
  z.object({ intent: z.literal('remove_phrase'), phraseId: z.uuid() }),
]);
export type FlagSettingsForm = z.infer<typeof flagSettingsSchema>;
