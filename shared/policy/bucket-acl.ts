import { asList, field, isObject, stringField } from '../cloudtrail/record.js';
import { strongestAccess, type PublicAccess } from './public-access.js';

export const PUBLIC_GROUPS = {
  AllUsers: 'http://acs.amazonaws.com/groups/global/AllUsers',
  AuthenticatedUsers: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
} as const;
export type PublicGroup = keyof typeof PUBLIC_GROUPS;

export type AclPermission = 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP' | 'FULL_CONTROL';

/** One permission an ACL gives to everyone (AllUsers) or to any AWS account (AuthenticatedUsers). */
export interface PublicGrant {
  readonly grantee: PublicGroup;
  readonly permission: AclPermission;
  /** Where it was written: the request's grant list, a canned `x-amz-acl`, or an `x-amz-grant-*` header. */
  readonly source: 'grant' | 'canned-acl' | 'grant-header';
}

export interface AclAnalysis {
  /** Whether the request carried an ACL at all (a grant list, a canned ACL or a grant header). */
  readonly specified: boolean;
  readonly public: boolean;
  readonly access: PublicAccess | undefined;
  readonly grants: readonly PublicGrant[];
}

const PERMISSION_ACCESS: Readonly<Record<AclPermission, PublicAccess>> = {
  READ: 'read',
  READ_ACP: 'read',
  WRITE: 'write',
  WRITE_ACP: 'permissions',
  FULL_CONTROL: 'permissions',
};

export function aclPermissionAccess(permission: AclPermission): PublicAccess {
  return PERMISSION_ACCESS[permission];
}

const CANNED: Readonly<Record<string, readonly Omit<PublicGrant, 'source'>[]>> = {
  'public-read': [{ grantee: 'AllUsers', permission: 'READ' }],
  'public-read-write': [
    { grantee: 'AllUsers', permission: 'READ' },
    { grantee: 'AllUsers', permission: 'WRITE' },
  ],
  'authenticated-read': [{ grantee: 'AuthenticatedUsers', permission: 'READ' }],
};

const GRANT_HEADERS: readonly (readonly [string, AclPermission])[] = [
  ['x-amz-grant-read', 'READ'],
  ['x-amz-grant-write', 'WRITE'],
  ['x-amz-grant-read-acp', 'READ_ACP'],
  ['x-amz-grant-write-acp', 'WRITE_ACP'],
  ['x-amz-grant-full-control', 'FULL_CONTROL'],
];

/**
 * The public grants of an S3 ACL as CloudTrail records it in PutBucketAcl / CreateBucket
 * `requestParameters`: `AccessControlPolicy.AccessControlList.Grant` (a list or one object), a canned
 * `x-amz-acl` (a list of one string, or a string) and `x-amz-grant-*` headers. AllUsers and
 * AuthenticatedUsers are public; LogDelivery and canonical users are not.
 */
export function analyseBucketAcl(requestParameters: unknown): AclAnalysis {
  const grants: PublicGrant[] = [];
  let specified = false;

  const aclField = field(requestParameters, 'AccessControlPolicy');
  // Only a readable AccessControlList counts as an ACL; another shape must not pass for a private one.
  if (isObject(field(aclField, 'AccessControlList'))) specified = true;
  for (const grant of asList(field(aclField, 'AccessControlList', 'Grant'))) {
    const uri = stringField(grant, 'Grantee', 'URI');
    const group = uri === undefined ? undefined : publicGroupIn(uri);
    if (group === undefined) continue;
    grants.push({ grantee: group, permission: readPermission(field(grant, 'Permission')), source: 'grant' });
  }

  for (const canned of asList(field(requestParameters, 'x-amz-acl'))) {
    if (typeof canned !== 'string' || canned.trim() === '') continue;
    specified = true;
    const name = canned.trim().toLowerCase();
    if (Object.hasOwn(CANNED, name)) for (const grant of CANNED[name] ?? []) grants.push({ ...grant, source: 'canned-acl' });
  }

  for (const [header, permission] of GRANT_HEADERS) {
    for (const value of asList(field(requestParameters, header))) {
      if (typeof value !== 'string') continue;
      specified = true;
      for (const group of publicGroupsIn(value)) grants.push({ grantee: group, permission, source: 'grant-header' });
    }
  }

  return { specified, public: grants.length > 0, access: strongestAccess(grants.map((grant) => PERMISSION_ACCESS[grant.permission])), grants };
}

function publicGroupsIn(text: string): PublicGroup[] {
  const lower = text.toLowerCase();
  return (Object.keys(PUBLIC_GROUPS) as PublicGroup[]).filter((group) => lower.includes(groupPath(group)));
}

function publicGroupIn(uri: string): PublicGroup | undefined {
  const lower = uri.trim().toLowerCase();
  return (Object.keys(PUBLIC_GROUPS) as PublicGroup[]).find((group) => lower.endsWith(groupPath(group)));
}

/** "acs.amazonaws.com/groups/global/allusers": matched without the scheme, so http and https both count. */
function groupPath(group: PublicGroup): string {
  return PUBLIC_GROUPS[group].replace(/^https?:\/\//, '').toLowerCase();
}

/** An unreadable permission on a public grant is treated as FULL_CONTROL: better a loud finding than a missed one. */
function readPermission(value: unknown): AclPermission {
  const upper = typeof value === 'string' ? value.trim().toUpperCase() : '';
  return Object.hasOwn(PERMISSION_ACCESS, upper) ? (upper as AclPermission) : 'FULL_CONTROL';
}
