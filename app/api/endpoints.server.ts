import { z } from 'zod';
import { setTiersBody, upsertCustomersBody } from '../customers/api-sync.server';
import { flagActionBody } from '../flags/api-actions.server';
import type { ApiScope } from './scopes';
import { customersPage, listCustomersQuery } from './read-customers.server';
import { campaignsPage, listCampaignsQuery } from './read-campaigns.server';
import { apiFlag, flagsPage, listFlagsQuery } from './read-flags.server';
import { listResponsesQuery, responsesPage } from './read-responses.server';
import { tierReviewQuery, tierReviewResult } from './read-review.server';
import { setTiersResult, upsertCustomersResult } from './schemas.server';

/**
 * One operation of `/api/v1`: the schemas its route parses and answers with,
 * and what the OpenAPI document says about it. Routes take their schemas
 * from here, so the document describes what the code does.
 */
export interface ApiEndpoint<Q extends z.ZodObject = z.ZodObject, B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  method: 'get' | 'post';
  /** Express-style path of the route, e.g. `/api/v1/flags/:flagId`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description: string;
  /** null: no key needed. */
  scope: ApiScope | null;
  query?: Q;
  body?: B;
  response: R;
  /** When the operation can answer 409, why. */
  conflict?: string;
  /** A valid request body; the contract test sends it. */
  example?: z.input<B>;
}

const endpoint = <Q extends z.ZodObject, B extends z.ZodType, R extends z.ZodType>(definition: ApiEndpoint<Q, B, R>) => definition;

export const openApiEndpoint = endpoint({
  method: 'get',
  path: '/api/v1/openapi.json',
  operationId: 'getOpenApi',
  tag: 'Meta',
  summary: 'This description',
  description: 'The OpenAPI 3.1 description of the API. It needs no key.',
  scope: null,
  response: z.looseObject({ openapi: z.literal('3.1.0'), paths: z.record(z.string(), z.unknown()) }),
});

export const upsertCustomersEndpoint = endpoint({
  method: 'post',
  path: '/api/v1/customers',
  operationId: 'upsertCustomers',
  tag: 'Customers',
  summary: 'Create or update customers',
  description:
    'Upserts up to 1,000 customers by external id, all or nothing. Omitted fields keep their stored value; null clears name, company or an attribute. The optional attributes industry, size (an employee count or a band: 1-9, 10-49, 50-249, 250-999, 1000+; stored as the band), region and customerSince (YYYY-MM-DD) feed the product/market-fit plan.',
  scope: 'customers:write',
  body: upsertCustomersBody,
  response: upsertCustomersResult,
  example: { customers: [{ externalId: 'CRM-1001', email: 'anna@example.com', name: 'Anna Berg', company: 'Berg GmbH', locale: 'de', industry: 'Maschinenbau', size: 120, region: 'Süd', customerSince: '2019-03-01' }] },
});

export const setTiersEndpoint = endpoint({
  method: 'post',
  path: '/api/v1/tiers',
  operationId: 'setTiers',
  tag: 'Customers',
  summary: 'Set tiers in a period',
  description:
    "Sets up to 1,000 customers' tier in one quarter, all or nothing. Unknown external ids or tier labels are reported per field and nothing changes.",
  scope: 'customers:write',
  body: setTiersBody,
  response: setTiersResult,
  example: { period: '2026-Q4', assignments: [{ externalId: 'CRM-1001', tier: 'A', revenue: 120000, margin: 30000 }] },
});

const paging =
  'Pages go in order of last change, oldest first. Pass `nextCursor` as `cursor` for the next page; keep the last `updatedAt` and pass it as `updated_since` next time to fetch only what changed.';

export const listCustomersEndpoint = endpoint({
  method: 'get',
  path: '/api/v1/customers',
  operationId: 'listCustomers',
  tag: 'Customers',
  summary: 'List customers',
  description: `The workspace's customers with their tier in each period and their account owner; erased customers are left out. Keys with \`customers:write\` may read them too. ${paging}`,
  scope: 'customers:read',
  query: listCustomersQuery,
  response: customersPage,
});

export const listResponsesEndpoint = endpoint({
  method: 'get',
  path: '/api/v1/responses',
  operationId: 'listResponses',
  tag: 'Responses',
  summary: 'List responses',
  description: `Answers with the customer's tier at the time and the campaign; never those of erased customers. ${paging}`,
  scope: 'responses:read',
  query: listResponsesQuery,
  response: responsesPage,
});

export const listFlagsEndpoint = endpoint({
  method: 'get',
  path: '/api/v1/flags',
  operationId: 'listFlags',
  tag: 'Flags',
  summary: 'List flags',
  description: `Customers who may feel second-class or may not miss you, with the rules that fired and the history of how they were worked. ${paging}`,
  scope: 'flags:read',
  query: listFlagsQuery,
  response: flagsPage,
});

export const getFlagEndpoint = endpoint({
  method: 'get',
  path: '/api/v1/flags/:flagId',
  operationId: 'getFlag',
  tag: 'Flags',
  summary: 'Get a flag',
  description: 'One flag with its history.',
  scope: 'flags:read',
  response: apiFlag,
});

export const flagActionEndpoint = endpoint({
  method: 'post',
  path: '/api/v1/flags/:flagId/actions',
  operationId: 'actOnFlag',
  tag: 'Flags',
  summary: 'Work a flag',
  description:
    "Assigns a flag to a member (by email), marks the customer contacted, or resolves or dismisses the flag with a note, as marketing does in the app. The flag's history records the action with the key's name. A resolved or dismissed flag answers 409.",
  scope: 'flags:write',
  body: flagActionBody,
  response: apiFlag,
  conflict: 'The flag is resolved or dismissed already.',
  example: { action: 'contacted', note: 'Called the customer; a visit is planned.' },
});

export const listCampaignsEndpoint = endpoint({
  method: 'get',
  path: '/api/v1/campaigns',
  operationId: 'listCampaigns',
  tag: 'Reports',
  summary: 'List campaigns',
  description: `Campaigns with their funnel counts. ${paging}`,
  scope: 'reports:read',
  query: listCampaignsQuery,
  response: campaignsPage,
});

export const tierReviewEndpoint = endpoint({
  method: 'get',
  path: '/api/v1/reports/tier-review',
  operationId: 'getTierReview',
  tag: 'Reports',
  summary: 'Quarterly tier review',
  description:
    'Per quarter and tier: miss-us score with its interval, would-not-miss share, perceived-treatment index, benefit, CSAT, NPS and response rate, each with its n. Figures from fewer than 10 answers are null.',
  scope: 'reports:read',
  query: tierReviewQuery,
  response: tierReviewResult,
});

/** Every operation of the API, in the order the reference shows them. */
export const apiEndpoints: ApiEndpoint[] = [
  openApiEndpoint,
  listCustomersEndpoint,
  upsertCustomersEndpoint,
  setTiersEndpoint,
  listResponsesEndpoint,
  listFlagsEndpoint,
  getFlagEndpoint,
  flagActionEndpoint,
  listCampaignsEndpoint,
  tierReviewEndpoint,
] as ApiEndpoint[];
