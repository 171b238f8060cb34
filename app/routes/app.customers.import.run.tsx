import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { requireMember } from '~/auth/session.server';
import { claimImportJob, getImportJob, runImportJob } from '~/customers/import-jobs.server';
import type { ImportProgress } from '~/customers/import.server';
import { db } from '~/db.server';
import { notFound, readFormData } from '~/http/request.server';

/**
 * Runs a previewed upload. A browser with scripts asks for
 * `application/x-ndjson` and gets the progress as it happens, one JSON object
 * per line, then `{"done":true}`; a plain form post waits and is redirected
 * to the result. The import goes on if the browser leaves.
 */
export async function action({ request }: ActionFunctionArgs) {
  const member = await requireMember(db(), request);
  const jobId = String((await readFormData(request)).get('jobId') ?? '');
  const job = await claimImportJob(db(), member.workspace.id, jobId);
  if (!job) {
    // Imported or running already (a second click, another tab): show its state.
    if (await getImportJob(db(), member.workspace.id, jobId)) return redirect(`/app/customers/import/${jobId}`);
    notFound();
  }
  const options = { actorUserId: member.user.id };
  if (!(request.headers.get('Accept') ?? '').includes('application/x-ndjson')) {
    await runImportJob(db(), member.workspace.id, job, options);
    return redirect(`/app/customers/import/${job.id}`);
  }
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (message: ImportProgress | { done: true; imported?: boolean; error?: boolean }) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(message)}\n`));
        } catch {
          open = false; // the browser went away; the import continues
        }
      };
      const finish = () => {
        if (open) controller.close();
        open = false;
      };
      runImportJob(db(), member.workspace.id, job, { ...options, onProgress: send }).then(
        (report) => {
          send({ done: true, imported: report.imported });
          finish();
        },
        (error: unknown) => {
          console.error('Import failed', error);
          send({ done: true, error: true });
          finish();
        },
      );
    },
    cancel() {
      // The browser left; nothing to stop, the import runs to its end.
    },
  });
  return new Response(body, {
    headers: {
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      // no-transform keeps the compression middleware from holding the lines back.
      'Cache-Control': 'no-store, no-transform',
      'X-Accel-Buffering': 'no',
    },
  });
}
