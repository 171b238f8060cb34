import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';

// Contract checks against the served OpenAPI document: a body is checked
// with the JSON Schema the document gives for that operation and status.

type Schema = Record<string, unknown>;
export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string; schema: Schema }>; requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> }; responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
}

export function contract(doc: OpenApiDoc) {
  // strict off: the document's `components` ride along at the root so that `#/components/...` references resolve.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const check = (schema: Schema, value: unknown, what: string) => {
    const validate = ajv.compile({ ...schema, components: doc.components });
    const valid = validate(value);
    expect(valid ? [] : validate.errors, `${what} must match the OpenAPI document: ${JSON.stringify(value).slice(0, 400)}`).toEqual([]);
  };
  const operation = (method: string, path: string) => {
    const found = doc.paths[path]?.[method.toLowerCase()];
    expect(found, `${method} ${path} is documented`).toBeDefined();
    return found!;
  };
  return {
    /** Checks a request body against the operation's request schema. */
    request(method: string, path: string, body: unknown) {
      const schema = operation(method, path).requestBody?.content['application/json']?.schema;
      expect(schema, `${method} ${path} documents a request body`).toBeDefined();
      check(schema!, body, `request of ${method} ${path}`);
    },
    /** Checks a response's status is documented and its body matches its schema. */
    async response(method: string, path: string, response: Response): Promise<unknown> {
      const documented = operation(method, path).responses[String(response.status)];
      const body = await response.json();
      expect(documented, `${method} ${path} documents status ${response.status} (${JSON.stringify(body).slice(0, 200)})`).toBeDefined();
      const type = (response.headers.get('Content-Type') ?? '').split(';')[0]!;
      const schema = documented!.content?.[type]?.schema;
      expect(schema, `${method} ${path} ${response.status} documents ${type}`).toBeDefined();
      check(schema!, body, `response ${response.status} of ${method} ${path}`);
      return body;
    },
    /** Compiles every schema of the document, so a broken one fails here rather than in a client. */
    compileAll() {
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          const schemas = [
            ...(op.parameters ?? []).map((parameter) => parameter.schema),
            ...Object.values(op.requestBody?.content ?? {}).map((content) => content.schema),
            ...Object.values(op.responses).flatMap((response) => Object.values(response.content ?? {}).map((content) => content.schema)),
          ];
          for (const schema of schemas) expect(() => ajv.compile({ ...schema, components: doc.components }), `${method} ${path}`).not.toThrow();
        }
      }
    },
  };
}
