/** A tenant's password rules (tenant settings); applied wherever a password is set. */
export interface PasswordPolicy {
  minLength: number;
  requireClasses: readonly string[];
}

export const PASSWORD_CLASSES = {
  lowercase: { test: /\p{Ll}/u, label: 'a lowercase letter' },
  uppercase: { test: /\p{Lu}/u, label: 'an uppercase letter' },
  digit: { test: /\p{Nd}/u, label: 'a digit' },
  symbol: { test: /[^\p{L}\p{Nd}\s]/u, label: 'a symbol' },
} as const;
export type PasswordClass = keyof typeof PASSWORD_CLASSES;

export const MAX_PASSWORD_LENGTH = 1024;
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { minLength: 8, requireClasses: [] };

/** Why a password breaks the policy (a message safe to show), or null when it complies. */
export function passwordProblem(policy: PasswordPolicy, password: string): string | null {
  if (password.length < policy.minLength || password.length > MAX_PASSWORD_LENGTH) {
    return `password must be ${policy.minLength}-${MAX_PASSWORD_LENGTH} characters`;
  }
  const missing = policy.requireClasses
    .filter((c): c is PasswordClass => c in PASSWORD_CLASSES)
    .filter((c) => !PASSWORD_CLASSES[c].test.test(password))
    .map((c) => PASSWORD_CLASSES[c].label);
  return missing.length ? `password must contain ${missing.join(', ')}` : null;
}
