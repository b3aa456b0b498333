import { describe, expect, it } from 'vitest';
import { analyseBucketAcl } from '../../shared/policy/bucket-acl.js';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const LOG_DELIVERY = 'http://acs.amazonaws.com/groups/s3/LogDelivery';
const OWNER = { Grantee: { 'xsi:type': 'CanonicalUser', ID: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' }, Permission: 'FULL_CONTROL' };
const group = (URI: string, Permission: string) => ({
  Grantee: { 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', 'xsi:type': 'Group', URI },
  Permission,
});
const withGrants = (Grant: unknown) => ({ bucketName: 'b', acl: [''], AccessControlPolicy: { Owner: { ID: 'o' }, AccessControlList: { Grant } } });

describe('analyseBucketAcl', () => {
  it.each([
    ['a grant list with AllUsers READ', withGrants([OWNER, group(ALL_USERS, 'READ')]), 'read', [{ grantee: 'AllUsers', permission: 'READ', source: 'grant' }]],
    [
      'a single grant object with AuthenticatedUsers READ_ACP',
      withGrants(group(AUTHENTICATED, 'READ_ACP')),
      'read',
      [{ grantee: 'AuthenticatedUsers', permission: 'READ_ACP', source: 'grant' }],
    ],
    ['AllUsers WRITE', withGrants([group(ALL_USERS, 'WRITE')]), 'write', [{ grantee: 'AllUsers', permission: 'WRITE', source: 'grant' }]],
    ['AllUsers WRITE_ACP', withGrants([group(ALL_USERS, 'WRITE_ACP')]), 'permissions', [{ grantee: 'AllUsers', permission: 'WRITE_ACP', source: 'grant' }]],
    [
      'AuthenticatedUsers FULL_CONTROL',
      withGrants([group(AUTHENTICATED, 'FULL_CONTROL')]),
      'permissions',
      [{ grantee: 'AuthenticatedUsers', permission: 'FULL_CONTROL', source: 'grant' }],
    ],
    [
      'an https group URI',
      withGrants([group('https://acs.amazonaws.com/groups/global/AllUsers', 'READ')]),
      'read',
      [{ grantee: 'AllUsers', permission: 'READ', source: 'grant' }],
    ],
    [
      'canned public-read as a list of one string',
      { 'x-amz-acl': ['public-read'] },
      'read',
      [{ grantee: 'AllUsers', permission: 'READ', source: 'canned-acl' }],
    ],
    [
      'canned public-read-write as a string',
      { 'x-amz-acl': 'public-read-write' },
      'write',
      [
        { grantee: 'AllUsers', permission: 'READ', source: 'canned-acl' },
        { grantee: 'AllUsers', permission: 'WRITE', source: 'canned-acl' },
      ],
    ],
    [
      'canned authenticated-read',
      { 'x-amz-acl': ['authenticated-read'] },
      'read',
      [{ grantee: 'AuthenticatedUsers', permission: 'READ', source: 'canned-acl' }],
    ],
    [
      'an x-amz-grant-read header for AllUsers',
      { 'x-amz-grant-read': [`uri="${ALL_USERS}"`] },
      'read',
      [{ grantee: 'AllUsers', permission: 'READ', source: 'grant-header' }],
    ],
    [
      'an x-amz-grant-write header',
      { 'x-amz-grant-write': `uri="${ALL_USERS}"` },
      'write',
      [{ grantee: 'AllUsers', permission: 'WRITE', source: 'grant-header' }],
    ],
    [
      'an x-amz-grant-write-acp header for AuthenticatedUsers',
      { 'x-amz-grant-write-acp': [`id="abc", uri="${AUTHENTICATED}"`] },
      'permissions',
      [{ grantee: 'AuthenticatedUsers', permission: 'WRITE_ACP', source: 'grant-header' }],
    ],
    [
      'an x-amz-grant-full-control header',
      { 'x-amz-grant-full-control': [`uri="${ALL_USERS}"`] },
      'permissions',
      [{ grantee: 'AllUsers', permission: 'FULL_CONTROL', source: 'grant-header' }],
    ],
    [
      'an x-amz-grant-read-acp header',
      { 'x-amz-grant-read-acp': [`uri="${AUTHENTICATED}"`] },
      'read',
      [{ grantee: 'AuthenticatedUsers', permission: 'READ_ACP', source: 'grant-header' }],
    ],
  ])('finds %s', (_name, requestParameters, access, grants) => {
    expect(analyseBucketAcl(requestParameters)).toEqual({ specified: true, public: true, access, grants });
  });

  it.each([
    ['an owner-only grant list', withGrants([OWNER])],
    ['a single owner grant object', withGrants(OWNER)],
    ['LogDelivery WRITE and READ_ACP', withGrants([OWNER, group(LOG_DELIVERY, 'WRITE'), group(LOG_DELIVERY, 'READ_ACP')])],
    ['canned private', { 'x-amz-acl': ['private'] }],
    ['canned log-delivery-write', { 'x-amz-acl': ['log-delivery-write'] }],
    ['canned bucket-owner-full-control', { 'x-amz-acl': 'bucket-owner-full-control' }],
    ['a grant header for a canonical user', { 'x-amz-grant-read': ['id="79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"'] }],
  ])('finds nothing public in %s, and knows an ACL was given', (_name, requestParameters) => {
    expect(analyseBucketAcl(requestParameters)).toEqual({ specified: true, public: false, access: undefined, grants: [] });
  });

  it('treats an unreadable permission on a public grant as FULL_CONTROL', () => {
    expect(analyseBucketAcl(withGrants([{ Grantee: { URI: ALL_USERS } }]))).toMatchObject({ access: 'permissions', grants: [{ permission: 'FULL_CONTROL' }] });
  });

  it('says no ACL was given when the request carries none', () => {
    expect(analyseBucketAcl({ bucketName: 'b', Host: 'b.s3.amazonaws.com' })).toEqual({ specified: false, public: false, access: undefined, grants: [] });
    expect(analyseBucketAcl(null)).toMatchObject({ specified: false, public: false });
    expect(analyseBucketAcl({ AccessControlPolicy: { Grants: [{ Permission: 'READ' }] } })).toMatchObject({ specified: false });
  });
});
