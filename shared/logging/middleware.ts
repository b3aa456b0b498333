import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger } from './logger.js';

/**
 * Middy middleware: one child logger per invocation, tagged with the request id, and every failure
 * logged once (with its rule or setting in the message) before it is rethrown so Lambda retries.
 */
export type LoggedContext = Context & { logger?: Logger };

export function invocationLogger<TEvent>(logger: Logger): MiddlewareObj<TEvent, unknown, Error, LoggedContext> {
  return {
    before(request) {
      request.context.logger = logger.child({ requestId: request.context.awsRequestId });
    },
    onError(request) {
      (request.context.logger ?? logger).error({ err: request.error }, 'invocation failed; Lambda will retry the event');
    },
  };
}
