import { AsyncLocalStorage } from 'node:async_hooks';

/** The current request id, for code that has no context object (error formatting, logs). */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();

export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}
