/**
 * errorAnswer: client mistakes keep their status and words, Fastify's refusals get the server's
 * messages, and anything else is a 500 that tells the client nothing internal.
 */

import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { errorAnswer, formatBytes, RequestError } from './http-errors.js';

function fastifyError(code: string, statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { code, statusCode });
}

describe('errorAnswer', () => {
  it('answers library errors with 400 and request errors with their own status', () => {
    expect(errorAnswer(new LatentError('bad cell', 'fix it'), 1024)).toEqual({
      status: 400,
      kind: 'bad_input',
      body: { error: 'bad cell', hint: 'fix it' },
    });
    expect(errorAnswer(new RequestError(404, 'unknown_model', 'no model named "x"'), 1024)).toEqual({
      status: 404,
      kind: 'unknown_model',
      body: { error: 'no model named "x"' },
    });
  });

  it("rewords Fastify's refusals, naming the body limit", () => {
    const large = errorAnswer(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large'), 10 * 1024 * 1024);
    expect(large).toMatchObject({
      status: 413,
      kind: 'too_large',
      body: { error: "request body is larger than the server's limit of 10 MiB" },
    });
    const media = errorAnswer(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'Unsupported Media Type'), 1);
    expect(media).toMatchObject({ status: 415, kind: 'unsupported_media_type' });
    expect(media.body.error).toContain('application/json and text/csv');
  });

  it('answers anything else with a 500 that leaks no details', () => {
    const answer = errorAnswer(new TypeError("Cannot read properties of undefined (reading 'data')"), 1);
    expect(answer.status).toBe(500);
    expect(answer.kind).toBe('internal');
    expect(answer.body.error).not.toContain('undefined');
    expect(errorAnswer('thrown text', 1).status).toBe(500);
  });

  it('formats sizes as people read them', () => {
    expect(formatBytes(300)).toBe('300 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MiB');
  });
});
