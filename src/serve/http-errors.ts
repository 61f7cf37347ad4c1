/**
 * Errors as the scoring server answers them: a status, a kind (the `kind` label of the error
 * metric) and the JSON body `{ "error": message, "hint": how to fix it }`.
 *
 * - A LatentError is the client's mistake in the library's own words (bad cell, wrong width):
 *   400, or the status a `RequestError` carries (404 unknown model, 415, 413, ...).
 * - Fastify's own refusals (body too large, unsupported content type, schema validation) keep
 *   their status and get a hint.
 * - Anything else is a bug: 500 with a generic message; the details go to the log, not the client.
 */

import { LatentError } from '../errors.js';

export type ErrorKind =
  | 'bad_json'
  | 'bad_input'
  | 'bad_request'
  | 'not_supported'
  | 'unknown_model'
  | 'not_found'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'internal';

/** A client error with the HTTP status and kind it is answered with. */
export class RequestError extends LatentError {
  constructor(
    readonly status: number,
    readonly kind: ErrorKind,
    message: string,
    hint?: string,
  ) {
    super(message, hint);
  }
}

export interface ErrorAnswer {
  readonly status: number;
  readonly kind: ErrorKind;
  readonly body: { readonly error: string; readonly hint?: string };
}

const SEND_HINT = 'send JSON ({"rows": [[v, ...], ...]}) with Content-Type application/json, or CSV with a header row as text/csv';

/** Fastify's error codes for refusals made before a handler runs, answered in the CLI's tone. */
const FASTIFY_ERRORS: Readonly<Record<string, Omit<ErrorAnswer, 'body'> & { readonly hint: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    kind: 'too_large',
    hint: 'send fewer rows per request, or start the server with a larger --max-body',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, kind: 'unsupported_media_type', hint: SEND_HINT },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, kind: 'bad_request', hint: 'send a Content-Length that matches the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, kind: 'bad_json', hint: SEND_HINT },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, kind: 'bad_json', hint: SEND_HINT },
  FST_ERR_VALIDATION: { status: 400, kind: 'bad_request', hint: SEND_HINT },
};

const MESSAGES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported Content-Type: the server reads application/json and text/csv',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request body is empty',
};

/**
 * The answer for any error a request raised.
 *
 * @example
 * errorAnswer(new RequestError(404, 'unknown_model', 'no model named "x"'), 1 << 20).status; // 404
 */
export function errorAnswer(error: unknown, bodyLimit: number): ErrorAnswer {
  if (error instanceof RequestError) return { status: error.status, kind: error.kind, body: bodyOf(error.message, error.hint) };
  if (error instanceof LatentError) return { status: 400, kind: 'bad_input', body: bodyOf(error.message, error.hint) };
  const code = error instanceof Error ? Reflect.get(error, 'code') : undefined;
  const known = typeof code === 'string' ? FASTIFY_ERRORS[code] : undefined;
  if (error instanceof Error && typeof code === 'string' && known !== undefined) {
    const message =
      code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `request body is larger than the server's limit of ${formatBytes(bodyLimit)}`
        : (MESSAGES[code] ?? error.message);
    return { status: known.status, kind: known.kind, body: bodyOf(message, known.hint) };
  }
  const status = error instanceof Error ? Reflect.get(error, 'statusCode') : undefined;
  if (typeof status === 'number' && status >= 400 && status < 500 && error instanceof Error) {
    return { status, kind: 'bad_request', body: bodyOf(error.message, SEND_HINT) };
  }
  return {
    status: 500,
    kind: 'internal',
    body: bodyOf('internal error while answering the request (a bug in latent; the server log has the details)'),
  };
}

function bodyOf(error: string, hint: string | undefined = undefined): ErrorAnswer['body'] {
  return hint === undefined ? { error } : { error, hint };
}

/** `10 MiB`, `512 KiB`, `300 bytes`: sizes as people read them. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
