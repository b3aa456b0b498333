import { accountOf, actorOf, asList, field, objectField, regionOf, stringField, type CloudTrailRecord, type JsonObject } from '../../cloudtrail/record.js';
import { partitionOf } from '../../cloudtrail/arn.js';
import type { Detection, DetectionMatch } from '../detection.js';

type Kind = 'trust anchor' | 'profile';

/** How each kind is named in the API: the response object, its id and ARN fields, the ARN resource type. */
const SHAPES = {
  'trust anchor': { object: 'trustAnchor', id: 'trustAnchorId', arn: 'trustAnchorArn', resourceType: 'trust-anchor' },
  profile: { object: 'profile', id: 'profileId', arn: 'profileArn', resourceType: 'profile' },
} as const;

interface Target {
  readonly kind: Kind;
  readonly arn: string;
  readonly name: string | undefined;
  /** As the response states it, else as requested; undefined when neither says. */
  readonly enabled: boolean | undefined;
  /** The trust anchor or profile as the response describes it (the request's body when there is none). */
  readonly body: JsonObject | undefined;
}

/**
 * The trust anchor or profile an event acts on. Every Roles Anywhere call answers with the object
 * (TrustAnchorDetailResponse, ProfileDetailResponse) holding its ARN; when the response was not
 * recorded the ARN is rebuilt from the id the request carries in its path.
 */
function targetOf(record: CloudTrailRecord): Target | undefined {
  const kind: Kind | undefined = record.eventName.endsWith('TrustAnchor') ? 'trust anchor' : record.eventName.endsWith('Profile') ? 'profile' : undefined;
  if (kind === undefined) return undefined;
  const shape = SHAPES[kind];
  const response = objectField(record, 'responseElements', shape.object);
  const request = objectField(record, 'requestParameters');
  const id = stringField(response, shape.id) ?? stringField(request, shape.id);
  const arn =
    stringField(response, shape.arn) ??
    (id === undefined || id === ''
      ? undefined
      : `arn:${partitionOf(record)}:rolesanywhere:${regionOf(record)}:${accountOf(record)}:${shape.resourceType}/${id}`);
  if (arn === undefined || arn === '') return undefined;
  const enabled = field(response, 'enabled') ?? field(request, 'enabled');
  return {
    kind,
    arn,
    name: stringField(response, 'name') ?? stringField(request, 'name'),
    enabled: typeof enabled === 'boolean' ? enabled : undefined,
    body: response ?? request,
  };
}

/** Evidence about a trust anchor: which kind of CA, never the certificate itself. */
function anchorDetails(target: Target): Record<string, unknown> {
  return {
    sourceType: stringField(target.body, 'source', 'sourceType'),
    acmPcaArn: stringField(target.body, 'source', 'sourceData', 'acmPcaArn'),
  };
}

const strings = (value: unknown): string[] =>
  asList(value)
    .filter((item): item is string => typeof item === 'string')
    .slice(0, 10);

/** Evidence about a profile: the roles it hands out and what narrows them. */
function profileDetails(target: Target): { roleArns: string[] } & Record<string, unknown> {
  const sessionPolicy = field(target.body, 'sessionPolicy');
  const durationSeconds = field(target.body, 'durationSeconds');
  return {
    roleArns: strings(field(target.body, 'roleArns')),
    managedPolicyArns: strings(field(target.body, 'managedPolicyArns')),
    sessionPolicy: typeof sessionPolicy === 'string' && sessionPolicy !== '',
    durationSeconds: typeof durationSeconds === 'number' ? durationSeconds : undefined,
  };
}

const requests = (record: CloudTrailRecord, name: string): boolean => {
  const value = field(record, 'requestParameters', name);
  return value !== undefined && value !== null;
};

/** Whether the event opened (or widened) a way to get credentials, and not on a disabled object. */
function opensAccess(record: CloudTrailRecord, target: Target): boolean {
  if (target.enabled === false) return false;
  switch (record.eventName) {
    case 'CreateTrustAnchor':
    case 'CreateProfile':
    case 'EnableTrustAnchor':
    case 'EnableProfile':
      return true;
    case 'UpdateTrustAnchor':
      // A new source is a different CA; a new name alone changes nothing.
      return requests(record, 'source');
    case 'UpdateProfile':
      return requests(record, 'roleArns');
    default:
      return false;
  }
}

const VERBS: Readonly<Record<string, string>> = {
  CreateTrustAnchor: 'created',
  UpdateTrustAnchor: 'changed the certificate authority of',
  EnableTrustAnchor: 'enabled',
  CreateProfile: 'created',
  UpdateProfile: 'changed the roles of',
  EnableProfile: 'enabled',
};

function matchOf(record: CloudTrailRecord, target: Target): DetectionMatch {
  const actor = actorOf(record).arn;
  const label = `IAM Roles Anywhere ${target.kind} ${target.name ?? target.arn}`;
  const verb = VERBS[record.eventName] ?? 'changed';
  if (target.kind === 'trust anchor') {
    return {
      severity: 'high',
      resource: target.arn,
      summary: `${actor} ${verb} ${label}: certificates its CA signs can now get temporary credentials for the roles of every enabled profile.`,
      details: { trustAnchor: target.arn, name: target.name, action: record.eventName, ...anchorDetails(target) },
    };
  }
  const details = profileDetails(target);
  const roles = details.roleArns.length > 0 ? ` (roles ${details.roleArns.join(', ')})` : '';
  return {
    severity: 'medium',
    resource: target.arn,
    summary: `${actor} ${verb} ${label}${roles}: certificates from any trust anchor of the account can now get those roles' credentials.`,
    details: { profile: target.arn, name: target.name, action: record.eventName, ...details },
  };
}

export const rolesanywhereTrustChanged: Detection = {
  id: 'rolesanywhere-trust-changed',
  title: 'IAM Roles Anywhere trust anchor or profile opened',
  severity: 'high',
  description:
    'IAM Roles Anywhere hands out temporary AWS credentials to anyone presenting an X.509 certificate signed by a trusted ' +
    'certificate authority (a trust anchor), for the roles a profile lists whose trust policy trusts rolesanywhere.amazonaws.com. ' +
    'A trust anchor or profile was created, enabled, or changed (a new CA, new roles). High for a trust anchor: a CA you may not ' +
    'control can now obtain, from anywhere, the roles of every enabled profile, a backdoor that survives every password ' +
    'and key reset. Medium for a profile: it exposes more roles, but only to certificates of CAs the account already trusts. ' +
    'Objects created disabled are reported when enabled. Not caught: a certificate revocation list disabled or deleted ' +
    '(revoked certificates work again), and the role trust policies themselves.',
  remediation:
    'Confirm with whoever runs Roles Anywhere that the change was planned. If not, disable or delete it at once: ' +
    '`aws rolesanywhere disable-trust-anchor --trust-anchor-id ID` (or delete-trust-anchor), ' +
    '`aws rolesanywhere disable-profile --profile-id ID` (or delete-profile), in the region of the event. Then review ' +
    'CloudTrail for CreateSession calls (rolesanywhere.amazonaws.com) and the role sessions they opened, and restrict the trust ' +
    'policies of the roles with conditions naming the trust anchor (aws:SourceArn) and the certificate subject ' +
    '(aws:PrincipalTag/x509Subject/CN).',
  references: {
    mitreAttack: ['T1098', 'T1556'],
    links: [
      'https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html',
      'https://docs.aws.amazon.com/rolesanywhere/latest/APIReference/API_CreateTrustAnchor.html',
    ],
  },
  scoped: false,
  events: [
    {
      eventSource: 'rolesanywhere.amazonaws.com',
      eventNames: [
        'CreateTrustAnchor',
        'UpdateTrustAnchor',
        'EnableTrustAnchor',
        'CreateProfile',
        'UpdateProfile',
        'EnableProfile',
        'DisableTrustAnchor',
        'DeleteTrustAnchor',
        'DisableProfile',
        'DeleteProfile',
      ],
    },
  ],

  evaluate(record) {
    const target = targetOf(record);
    return target !== undefined && opensAccess(record, target) ? matchOf(record, target) : undefined;
  },

  resolves(record) {
    const removed = record.eventName.startsWith('Delete') ? 'deleted' : record.eventName.startsWith('Disable') ? 'disabled' : undefined;
    const target = removed === undefined ? undefined : targetOf(record);
    return target === undefined ? [] : [{ resource: target.arn, reason: `${target.kind} ${removed}` }];
  },
};
