import type { ActionFunctionArgs } from '@remix-run/node';
import { flagActionEndpoint } from '~/api/endpoints.server';
import { handleApi } from '~/api/handle.server';
import { getFlagForApi } from '~/api/read-flags.server';
import { methodNotAllowed, problem } from '~/customers/api-http.server';
import { db } from '~/db.server';
import { actOnFlagThroughApi } from '~/flags/api-actions.server';

/** `POST /api/v1/flags/:flagId/actions`: assign, contacted, resolved or dismissed; answers the flag as it is now. */
export function action(args: ActionFunctionArgs) {
  return handleApi(flagActionEndpoint, args, async ({ key, params, body }) => {
    const flagId = params.flagId ?? '';
    const result = await actOnFlagThroughApi(db(), { workspaceId: key.workspaceId, flagId, keyName: key.name, body });
    if (!result.ok) {
      if (result.error === 'closed') return problem(409, 'The flag is closed.', 'A resolved or dismissed flag is not worked any more; nothing was changed.');
      if (result.error === 'unknown_assignee') {
        return problem(422, 'The request body is not valid.', 'Nothing was changed.', { errors: [{ pointer: '/assigneeEmail', detail: 'no member of this workspace has this email' }] });
      }
      return problem(404, 'No such flag.', 'This workspace has no flag with this id.');
    }
    return (await getFlagForApi(db(), key.workspaceId, flagId))!;
  });
}

export function loader() {
  return methodNotAllowed('POST');
}
