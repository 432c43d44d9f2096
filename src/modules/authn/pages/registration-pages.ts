import { h, page } from '../../../shared/html.js';
import { continuingTo, messages, restartButton, stepForm, type StepPageBase } from './form-kit.js';

/**
 * The hosted sign-up pages (`/t/{slug}/register`) and the guest account upgrade
 * (`/t/{slug}/account/upgrade`): one page per step of registration.service.ts, each a plain form
 * without JavaScript; optional steps have a "Skip" button, and "Start over" begins a new flow.
 */
export interface SignUpPageBase extends StepPageBase {
  /** The application the sign-up continues to (null: none). */
  clientName: string | null;
  /** Upgrade of a guest account (other titles, no "sign in instead" link). */
  upgrade?: boolean;
  /** The sign-in page (for "Already have an account?"). */
  signInUrl?: string;
}

const head = (o: SignUpPageBase) => `${continuingTo(o.clientName)}\n${messages(o)}`;

const form = (o: SignUpPageBase, step: string, inner: string) => stepForm(o, step, inner);

const skipButton = (optional: boolean) => (optional ? '<button type="submit" name="skip" value="1" class="secondary" formnovalidate>Skip for now</button>' : '');

const startOver = (o: SignUpPageBase) => restartButton(o, 'Start over');

const signInLink = (o: SignUpPageBase) => (o.signInUrl && !o.upgrade ? `<nav class="links"><a href="${h(o.signInUrl)}">Already have an account? Sign in</a></nav>` : '');

const title = (o: SignUpPageBase, signUp: string, upgrade: string) => (o.upgrade ? upgrade : signUp);

export function signUpEmailPage(o: SignUpPageBase & { email?: string }): string {
  return page({
    title: title(o, 'Create your account', 'Keep your account'), tenantName: o.tenantName,
    body: `${head(o)}
${o.upgrade ? '<p>You are using a guest account. Add your email address and a password to keep it: your data stays with you.</p>' : ''}
${form(o, 'email', `<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required autofocus value="${h(o.email ?? '')}">
<button type="submit">Continue</button>`)}
${signInLink(o)}`,
  });
}

export function signUpCodePage(o: SignUpPageBase & { destination: string; channel: 'email' | 'sms'; optional: boolean }): string {
  const where = o.channel === 'sms' ? 'by text message' : 'by email';
  const step = o.channel === 'sms' ? 'phone_verification' : 'email_verification';
  return page({
    title: o.channel === 'sms' ? 'Verify your phone number' : 'Verify your email', tenantName: o.tenantName,
    body: `${head(o)}
<p>We sent a 6-digit code ${where} to <strong>${h(o.destination)}</strong>. It expires in 10 minutes.</p>
${form(o, step, `<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required autofocus>
<button type="submit">Continue</button>
${skipButton(o.optional)}`)}
${form(o, 'resend', `<p class="muted">Didn&#39;t get it? A new code replaces this one.</p>
<button type="submit" class="secondary">Send a new code</button>`)}
${startOver(o)}`,
  });
}

/** Email verification is next but no code is pending (it expired and was cleared). */
export function signUpCodeExpiredPage(o: SignUpPageBase & { optional: boolean }): string {
  return page({
    title: 'Verify your email', tenantName: o.tenantName,
    body: `${head(o)}
<p>The code has expired.</p>
${form(o, 'resend', '<button type="submit">Send a new code</button>')}
${o.optional ? form(o, 'email_verification', skipButton(true)) : ''}
${startOver(o)}`,
  });
}

export function signUpTermsPage(o: SignUpPageBase & { termsUrl: string | null; optional: boolean }): string {
  const terms = o.termsUrl ? `<a href="${h(o.termsUrl)}" target="_blank" rel="noopener noreferrer">terms of service</a>` : 'terms of service';
  return page({
    title: 'Terms of service', tenantName: o.tenantName,
    body: `${head(o)}
<p>Please read the ${terms} of ${h(o.tenantName)}.</p>
${form(o, 'terms', `<label class="check"><input type="checkbox" id="accept" name="accept" value="1"${o.optional ? '' : ' required'}> I accept the terms of service</label>
<button type="submit">Continue</button>
${skipButton(o.optional)}`)}
${startOver(o)}`,
  });
}

export function signUpProfilePage(o: SignUpPageBase & { optional: boolean; givenName?: string; familyName?: string }): string {
  return page({
    title: 'About you', tenantName: o.tenantName,
    body: `${head(o)}
${form(o, 'profile', `<label for="given_name">First name</label>
<input id="given_name" name="given_name" type="text" autocomplete="given-name" maxlength="100" required autofocus value="${h(o.givenName ?? '')}">
<label for="family_name">Last name</label>
<input id="family_name" name="family_name" type="text" autocomplete="family-name" maxlength="100" required value="${h(o.familyName ?? '')}">
<button type="submit">Continue</button>
${skipButton(o.optional)}`)}
${startOver(o)}`,
  });
}

export function signUpPhonePage(o: SignUpPageBase & { optional: boolean }): string {
  return page({
    title: 'Your phone number', tenantName: o.tenantName,
    body: `${head(o)}
<p>We will text you a code to confirm the number.</p>
${form(o, 'phone_verification', `<label for="phone">Phone number</label>
<input id="phone" name="phone_number" type="tel" autocomplete="tel" placeholder="+15551234567" required autofocus>
<button type="submit">Text me a code</button>
${skipButton(o.optional)}`)}
${startOver(o)}`,
  });
}

export function signUpPasswordPage(o: SignUpPageBase & { optional: boolean; policy: { minLength: number; requireClasses: readonly string[] } }): string {
  const classes = o.policy.requireClasses.length ? `, including ${o.policy.requireClasses.map((c) => (c === 'digit' ? 'a digit' : c === 'symbol' ? 'a symbol' : `an ${c} letter`)).join(', ')}` : '';
  return page({
    title: 'Choose a password', tenantName: o.tenantName,
    body: `${head(o)}
${form(o, 'credentials', `<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="${o.policy.minLength}" maxlength="1024" required autofocus aria-describedby="password-hint">
<p class="muted" id="password-hint">At least ${o.policy.minLength} characters${h(classes)}.</p>
<button type="submit">${o.upgrade ? 'Save my account' : 'Create account'}</button>
${skipButton(o.optional)}`)}
${startOver(o)}`,
  });
}

/** The end of a sign-up that did not create a signed-in account: the mail says what to do. */
export function signUpCheckEmailPage(o: { tenantName: string; destination: string; signInUrl: string }): string {
  return page({
    title: 'Check your email', tenantName: o.tenantName,
    body: `<p>We sent a message to <strong>${h(o.destination)}</strong> with what to do next.</p>
<nav class="links"><a href="${h(o.signInUrl)}">Sign in</a></nav>`,
  });
}

export function signUpUnavailablePage(o: { tenantName: string; signInUrl: string }): string {
  return page({
    title: 'Sign-up is not available', tenantName: o.tenantName,
    body: `<p class="error" role="alert">${h(o.tenantName)} does not allow creating accounts here. Ask an administrator for an invitation.</p>
<nav class="links"><a href="${h(o.signInUrl)}">Sign in</a></nav>`,
  });
}

export function upgradeUnavailablePage(o: { tenantName: string; reason: 'signed_out' | 'not_guest'; signInUrl: string }): string {
  return page({
    title: 'Keep your account', tenantName: o.tenantName,
    body: `<p class="error" role="alert">${o.reason === 'signed_out' ? 'Sign in as a guest first: only a guest account can be saved here.' : 'This account is already a full account.'}</p>
<nav class="links"><a href="${h(o.signInUrl)}">Sign in</a></nav>`,
  });
}
