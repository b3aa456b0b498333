/**
 * The trusted boundary: the accounts (and AWS Organizations) whose access is not "outside". The
 * account an event happened in is always inside; everything else is outside unless listed. It
 * reaches detections as data (DetectionContext), never read from the environment by a rule.
 */
export interface TrustBoundary {
  /** Account ids trusted besides the event's own account. */
  readonly accounts: ReadonlySet<string>;
  /** AWS Organization ids (o-...) whose members are trusted, as `aws:PrincipalOrgID` names them. */
  readonly organizations: ReadonlySet<string>;
}

/** No setting given: only the account itself is trusted. */
export const ONLY_OWN_ACCOUNT: TrustBoundary = Object.freeze({ accounts: new Set<string>(), organizations: new Set<string>() });

const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}

export function isOrganizationId(value: string): boolean {
  return ORGANIZATION_ID.test(value);
}

/** Reads "111122223333,o-abcdefghij" (commas or spaces); throws naming the bad entry. */
export function parseTrustedList(text: string, settingName: string): TrustBoundary {
  const accounts = new Set<string>();
  const organizations = new Set<string>();
  for (const entry of text.split(/[\s,]+/).filter((item) => item !== '')) {
    if (isAccountId(entry)) accounts.add(entry);
    else if (isOrganizationId(entry)) organizations.add(entry);
    else throw new Error(`${settingName}: "${entry}" is neither a 12-digit account id nor an organization id (o-...)`);
  }
  return { accounts, organizations };
}

export function mergeBoundaries(...boundaries: readonly TrustBoundary[]): TrustBoundary {
  return {
    accounts: new Set(boundaries.flatMap((boundary) => [...boundary.accounts])),
    organizations: new Set(boundaries.flatMap((boundary) => [...boundary.organizations])),
  };
}

export function isTrustedAccount(boundary: TrustBoundary, account: string, ownAccount: string): boolean {
  return account === ownAccount || boundary.accounts.has(account);
}

/**
 * The account a principal names: a bare account id, or the account field of an IAM or STS ARN
 * (`arn:aws:iam::444455556666:root`, `...:role/x`, `arn:aws:sts::444455556666:assumed-role/...`).
 * Undefined for service principals, canonical users and anything unreadable.
 */
export function accountOfPrincipal(value: string): string | undefined {
  if (isAccountId(value)) return value;
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const account = parts[4] ?? '';
  return isAccountId(account) ? account : undefined;
}
