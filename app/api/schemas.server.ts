import { z } from 'zod';

// Response shapes of the API. The OpenAPI document is generated from these
// and from the request schemas, so the description cannot drift from what
// the endpoints parse and answer.

/** An RFC 9457 problem, as every refusal of the API answers. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ pointer: z.string().describe('JSON Pointer (RFC 6901) to the offending value'), detail: z.string() })).optional(),
  });

export const upsertCustomersResult = z.object({ created: z.int().min(0), updated: z.int().min(0) });

export const setTiersResult = z.object({
  period: z.string(),
  assigned: z.int().min(0),
  tiers: z.record(z.string(), z.int().min(0)).describe('customers per tier label in the period'),
});
