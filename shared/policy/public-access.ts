import { field } from '../cloudtrail/record.js';

/**
 * What the public can do with a bucket, weakest first: read objects or settings, write or delete
 * data, or change who has access (policy, ACL, ownership, Block Public Access).
 */
export const PUBLIC_ACCESS_LEVELS = ['read', 'write', 'permissions'] as const;
export type PublicAccess = (typeof PUBLIC_ACCESS_LEVELS)[number];

export function strongestAccess(levels: Iterable<PublicAccess>): PublicAccess | undefined {
  let strongest: PublicAccess | undefined;
  for (const level of levels) {
    if (strongest === undefined || PUBLIC_ACCESS_LEVELS.indexOf(level) > PUBLIC_ACCESS_LEVELS.indexOf(strongest)) strongest = level;
  }
  return strongest;
}

/** Critical when the public can write or change permissions, high when it can only read. */
export function publicAccessSeverity(access: PublicAccess): 'critical' | 'high' {
  return access === 'read' ? 'high' : 'critical';
}

export const PUBLIC_ACCESS_BLOCK_SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;
export type PublicAccessBlockSetting = (typeof PUBLIC_ACCESS_BLOCK_SETTINGS)[number];

/**
 * An S3 PublicAccessBlockConfiguration as CloudTrail records it (booleans, sometimes "true" strings);
 * a missing or unreadable setting is off, as S3 treats an omitted one.
 */
export function readPublicAccessBlock(configuration: unknown): Record<PublicAccessBlockSetting, boolean> {
  const on = (name: PublicAccessBlockSetting): boolean => {
    const value = field(configuration, name);
    return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
  };
  return {
    BlockPublicAcls: on('BlockPublicAcls'),
    IgnorePublicAcls: on('IgnorePublicAcls'),
    BlockPublicPolicy: on('BlockPublicPolicy'),
    RestrictPublicBuckets: on('RestrictPublicBuckets'),
  };
}
