// METHODS → handlers. The handler table is typed from the contract, so a
// missing or mistyped handler fails tsc. dispatch() checks the input is plain
// data, parses it with the method's schema (strict: unknown keys are refused),
// runs the handler and answers a Result. It never throws.
import { ZodError } from 'zod';
import { METHODS, isMethodName, type MethodName, type OutputOf, type ParsedInputOf } from '../../../common/ipc/contract.js';
import { OutpostError, invalidInput, issuesFromZod, type ErrorPayload, type Result } from '../../../common/ipc/errors.js';
import { plainJsonProblem } from './plain-json.js';

export type Handlers = { [M in MethodName]: (input: ParsedInputOf<M>) => OutputOf<M> | Promise<OutputOf<M>> };

export interface RegistryOptions {
  /** where details of internal errors go; default stderr */
  log?: (line: string) => void;
  /** check every answer against the method's output schema (a bug becomes a logged 'internal' error, not bad data in the UI); default true */
  checkOutputs?: boolean;
}

export type Dispatch = (method: unknown, raw: unknown) => Promise<Result<unknown>>;

const fail = (error: ErrorPayload): Result<never> => ({ ok: false, error });

function shortName(method: unknown): string {
  const text = typeof method === 'string' ? method : String(typeof method);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

export function createRegistry(handlers: Handlers, opts: RegistryOptions = {}): Dispatch {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const checkOutputs = opts.checkOutputs ?? true;

  function internal(method: string, detail: unknown): Result<never> {
    log(`[outpost] internal error in ${method}: ${detail instanceof Error ? (detail.stack ?? detail.message) : String(detail)}`);
    return fail({ code: 'internal', message: `Outpost hit an internal error in ${method}; the details are in its log` });
  }

  return async function dispatch(method, raw) {
    if (typeof method !== 'string' || !isMethodName(method)) {
      return fail(invalidInput([{ path: 'method', message: `Unknown method: ${shortName(method)}` }]).toPayload());
    }
    try {
      // No input at all is the same as an empty one (api.app.info() from plain JS).
      const input = raw === undefined ? {} : raw;
      const problem = plainJsonProblem(input);
      if (problem) return fail(invalidInput([{ path: '', message: problem }]).toPayload());
      const def = METHODS[method];
      const parsed = def.input.safeParse(input);
      if (!parsed.success) return fail(invalidInput(issuesFromZod(parsed.error)).toPayload());
      const handler = handlers[method] as (input: unknown) => unknown;
      const value = await handler(parsed.data);
      if (checkOutputs) {
        const out = def.output.safeParse(value);
        if (!out.success) return internal(method, `the answer does not match the contract: ${JSON.stringify(out.error.issues).slice(0, 2000)}`);
      }
      return { ok: true, value };
    } catch (err) {
      if (err instanceof OutpostError) return fail(err.toPayload());
      if (err instanceof ZodError) return fail(invalidInput(issuesFromZod(err)).toPayload());
      return internal(method, err);
    }
  };
}
