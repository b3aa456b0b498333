/**
 * Every IAM policy document in a CloudFormation template, with intrinsic functions replaced by
 * plausible literal values (an account id, ARNs named after the logical id, the template parameters'
 * values), so iam-warden's own policy analyses can read them as they would read a CloudTrail event's policy.
 */
import type { Template } from './package.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export interface TemplatePolicy {
  /** "DetectRole Policies[0]", "AlertTopicPolicy"... */
  readonly where: string;
  readonly kind: 'identity' | 'resource' | 'trust';
  readonly document: Record<string, unknown>;
}

const PSEUDO: Record<string, string> = {
  'AWS::AccountId': ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'iam-warden-prod',
  // The parameter of deploy/forward-events.json, which has no default.
  HomeRegion: REGION,
};

/** Template parameter values by name, as CloudFormation passes them (strings). */
export type ParameterValues = Readonly<Record<string, string>>;

/** Each template parameter's default, overridden by `values` (what a deploy would pass). */
export function parameterValues(template: Template, values: ParameterValues = {}): ParameterValues {
  const defaults = Object.entries(template.Parameters ?? {}).flatMap(([name, parameter]) =>
    parameter.Default === undefined ? [] : [[name, String(parameter.Default)] as const],
  );
  return { ...Object.fromEntries(defaults), ...values };
}

/** Replaces Ref (to a pseudo parameter or one of `parameters`), Fn::GetAtt, Fn::Sub, Fn::Join and Fn::If with literal strings. */
export function literal(value: unknown, parameters: ParameterValues = {}): unknown {
  const refValue = (name: string): string => PSEUDO[name] ?? parameters[name] ?? `arn:aws:cloudformation-ref:${REGION}:${ACCOUNT}:${name}`;
  if (Array.isArray(value)) return value.map((item) => literal(item, parameters));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, argument] = entries[0]!;
    if (key === 'Ref' && typeof argument === 'string') return refValue(argument);
    if (key === 'Fn::GetAtt') {
      const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
      return `arn:aws:cloudformation-getatt:${REGION}:${ACCOUNT}:${String(logicalId)}/${String(attribute)}`;
    }
    if (key === 'Fn::Sub') {
      const [text, variables] = Array.isArray(argument) ? [String(argument[0]), (argument[1] ?? {}) as Record<string, unknown>] : [String(argument), {}];
      return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (name in variables) return String(literal(variables[name], parameters));
        if (name.includes('.') && !name.startsWith('AWS::')) {
          const [logicalId, attribute] = name.split('.');
          return `arn:aws:cloudformation-getatt:${REGION}:${ACCOUNT}:${String(logicalId)}/${String(attribute)}`;
        }
        return refValue(name);
      });
    }
    if (key === 'Fn::Join' && Array.isArray(argument)) {
      const [separator, parts] = argument as [string, unknown[]];
      return parts.map((part) => String(literal(part, parameters))).join(separator);
    }
    if (key === 'Fn::If' && Array.isArray(argument)) return literal(argument[1], parameters);
  }
  return Object.fromEntries(entries.map(([key, inner]) => [key, literal(inner, parameters)]));
}

/** The template's policies, its parameters at their defaults unless `parameters` says otherwise. */
export function templatePolicies(template: Template, parameters: ParameterValues = parameterValues(template)): TemplatePolicy[] {
  const found: TemplatePolicy[] = [];
  const add = (where: string, kind: TemplatePolicy['kind'], document: unknown): void => {
    if (document !== undefined) found.push({ where, kind, document: literal(document, parameters) as Record<string, unknown> });
  };
  for (const [id, { Type, Properties = {} }] of Object.entries(template.Resources)) {
    switch (Type) {
      case 'AWS::IAM::Role':
        add(`${id} AssumeRolePolicyDocument`, 'trust', Properties['AssumeRolePolicyDocument']);
        for (const [index, policy] of ((Properties['Policies'] as { PolicyDocument: unknown }[] | undefined) ?? []).entries()) {
          add(`${id} Policies[${index}]`, 'identity', policy.PolicyDocument);
        }
        break;
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        add(id, 'identity', Properties['PolicyDocument']);
        break;
      case 'AWS::KMS::Key':
        add(`${id} KeyPolicy`, 'resource', Properties['KeyPolicy']);
        break;
      case 'AWS::SNS::TopicPolicy':
      case 'AWS::SQS::QueuePolicy':
      case 'AWS::S3::BucketPolicy':
        add(id, 'resource', Properties['PolicyDocument']);
        break;
      case 'AWS::Lambda::Permission': {
        // A Lambda permission is one statement of the function's resource policy.
        const props = literal(Properties, parameters) as Record<string, unknown>;
        const principal = String(props['Principal']);
        const condition: Record<string, Record<string, unknown>> = {};
        if (props['SourceArn'] !== undefined) condition['ArnLike'] = { 'aws:SourceArn': props['SourceArn'] };
        if (props['SourceAccount'] !== undefined) condition['StringEquals'] = { 'aws:SourceAccount': props['SourceAccount'] };
        found.push({
          where: id,
          kind: 'resource',
          document: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : principal === '*' ? '*' : { AWS: principal },
                Action: props['Action'],
                Resource: props['FunctionName'],
                ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
              },
            ],
          },
        });
        break;
      }
      default:
        if (/Policy|Role/.test(Type) && Type !== 'AWS::SQS::Queue') throw new Error(`template policy of type ${Type} (${id}) is not analysed: add it here`);
    }
  }
  return found;
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action?: string | string[];
  readonly NotAction?: unknown;
  readonly Resource?: string | string[];
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export const statementsOf = (document: Record<string, unknown>): Statement[] => {
  const statements = document['Statement'];
  return (Array.isArray(statements) ? statements : [statements]) as Statement[];
};

export const listOf = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
