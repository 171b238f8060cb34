import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { surveyPageResponse, surveyPostResponse } from '~/surveys/customer-pages.server';

// The customer's survey at /s/<token>. A resource route: the pages render
// their own documents, so they skip the root layout (and its session lookup)
// and ship no JavaScript. See docs/decisions/0007-survey-answering.md.

export function loader({ request, params, context }: LoaderFunctionArgs) {
  return surveyPageResponse(request, params.token, context.clientAddress);
}

export function action({ request, params, context }: ActionFunctionArgs) {
  return surveyPostResponse(request, params.token, context.clientAddress);
}
