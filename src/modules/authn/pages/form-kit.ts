import { h } from '../../../shared/html.js';

/**
 * What every step page of sign-in, sign-up and recovery shares: the form target, the hidden
 * fields that carry the flow's context (login_challenge or return_to, and the CSRF token), and the
 * message shown after an answer.
 */
export interface StepPageBase {
  tenantName: string;
  action: string;
  hidden: Record<string, string>;
  error?: string;
  notice?: string;
}

export const hiddenFields = (o: Pick<StepPageBase, 'hidden'>): string =>
  Object.entries(o.hidden).map(([k, v]) => `<input type="hidden" name="${h(k)}" value="${h(v)}">`).join('\n');

/** The error (role=alert) or notice (role=status) of the last answer. */
export const messages = (o: Pick<StepPageBase, 'error' | 'notice'>): string =>
  `${o.error ? `<p class="error" role="alert">${h(o.error)}</p>` : ''}${o.notice ? `<p class="notice" role="status">${h(o.notice)}</p>` : ''}`;

/** "to continue to <app>" when the flow serves an authorization request. */
export const continuingTo = (clientName: string | null | undefined): string =>
  clientName ? `<p>to continue to <strong>${h(clientName)}</strong></p>` : '';

/** A form posting one step (`step` names it) with the flow's hidden fields. */
export const stepForm = (o: Pick<StepPageBase, 'action' | 'hidden'>, step: string | null, inner: string): string => `<form method="post" action="${h(o.action)}">
${hiddenFields(o)}
${step ? `<input type="hidden" name="step" value="${h(step)}">\n` : ''}${inner}
</form>`;

/** A link-styled button that restarts the flow. */
export const restartButton = (o: Pick<StepPageBase, 'action' | 'hidden'>, label: string): string =>
  stepForm(o, null, `<button type="submit" name="step" value="restart" class="link">${h(label)}</button>`);
