import { EventBridgeClient, ListEventBusesCommand } from '@aws-sdk/client-eventbridge';
import { isObject } from '../../cloudtrail/record.js';
import { isAccountId } from '../../policy/boundary.js';
import type { EquivalentChange, StateReader } from '../reader.js';

const EVENTS = 'events.amazonaws.com';

/** ListEventBuses' largest page (EventBridge API reference: Limit 1 to 100). */
const PAGE_SIZE = 100;

/**
 * Who may put events on the account's event buses in one region (eventbridge-event-bus-exposed):
 * ListEventBuses gives each bus with its resource policy, so no call per bus is needed.
 *
 * PutPermission sets a bus's policy in two ways (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html),
 * and the rule gives each its own finding: one statement by id (principal, action, an optional
 * condition), or the whole document (`policy`). A policy whose every statement is one PutPermission
 * could have added is presented as those calls, one finding per statement id, as the events give
 * them; any other policy (a Deny, several principals, a condition the call cannot express) is
 * presented whole, as the call that sets it. A bus without a policy presents nothing.
 */
export const eventBridgeReader: StateReader = {
  id: 'eventbridge',
  reach: 'regional',
  ruleIds: ['eventbridge-event-bus-exposed'],
  permissions: ['events:ListEventBuses'],

  async read(target, sink) {
    const client = new EventBridgeClient(target.clientConfig);
    try {
      let token: string | undefined;
      do {
        const page = await client.send(new ListEventBusesCommand({ Limit: PAGE_SIZE, ...(token === undefined ? {} : { NextToken: token }) }));
        const buses = page.EventBuses ?? [];
        for (const bus of buses) {
          if (bus.Name === undefined || bus.Policy === undefined || bus.Policy === '') continue;
          for (const change of policyChanges(bus.Name, bus.Policy)) sink.observe(change);
        }
        sink.progress('event buses', buses.length);
        token = page.NextToken;
      } while (token !== undefined);
    } finally {
      client.destroy();
    }
  },
};

/** The PutPermission calls that would leave `policy` on the bus: one per statement when each is a statement the call adds, else the whole document. */
function policyChanges(busName: string, policy: string): EquivalentChange[] {
  const whole: EquivalentChange = { eventSource: EVENTS, eventName: 'PutPermission', requestParameters: { eventBusName: busName, policy } };
  const statements = statementsOf(policy) ?? [];
  const added = statements.flatMap((statement) => asAddedStatement(statement) ?? []);
  if (statements.length === 0 || added.length !== statements.length) return [whole];
  return added.map((parameters) => ({ eventSource: EVENTS, eventName: 'PutPermission', requestParameters: { eventBusName: busName, ...parameters } }));
}

/** The statements of a policy document, or undefined when it is not one (the rule then reads the document itself). */
function statementsOf(policy: string): unknown[] | undefined {
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    // Not JSON: presented whole, for the rule to find it unreadable as it would in the event.
    return undefined;
  }
  if (!isObject(document)) return undefined;
  const statement = document['Statement'];
  return Array.isArray(statement) ? statement : isObject(statement) ? [statement] : undefined;
}

/** PutPermission's request members for one statement (API reference: Principal, Action, StatementId, Condition). */
interface AddedStatement {
  readonly statementId: string;
  readonly action: string;
  readonly principal: string;
  readonly condition?: { readonly type: string; readonly key: string; readonly value: string };
}

/**
 * PutPermission's request members for a statement it adds: an Allow with an id, one action, one
 * principal (an account, written `{"AWS": "arn:...:iam::<account>:root"}`, or everyone) and at most one
 * condition of one key and one value; undefined for any other statement.
 */
function asAddedStatement(statement: unknown): AddedStatement | undefined {
  if (!isObject(statement) || statement['Effect'] !== 'Allow') return undefined;
  const statementId = statement['Sid'];
  const action = statement['Action'];
  const principal = principalOf(statement['Principal']);
  const condition = conditionOf(statement['Condition']);
  if (typeof statementId !== 'string' || statementId === '' || typeof action !== 'string' || principal === undefined || condition === null) return undefined;
  if (Object.keys(statement).some((key) => !STATEMENT_KEYS.has(key))) return undefined;
  return { statementId, action, principal, ...(condition === undefined ? {} : { condition }) };
}

/** What a statement PutPermission adds may hold (NotPrincipal, NotAction, NotResource it never writes). */
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'Action', 'Resource', 'Condition']);

/**
 * The account id or "*" the request named. Everyone is written `"*"` or `{"AWS": "*"}`; a root ARN
 * with a wildcard account (`arn:aws:iam::*:root`) names every account just the same.
 */
function principalOf(principal: unknown): string | undefined {
  if (principal === '*') return '*';
  const aws = isObject(principal) && Object.keys(principal).length === 1 ? principal['AWS'] : undefined;
  if (typeof aws !== 'string') return undefined;
  if (aws === '*' || isAccountId(aws)) return aws;
  return /^arn:[a-z-]+:iam::(\d{12}|\*):root$/.exec(aws)?.[1];
}

/** The request's `condition` {type, key, value}; undefined when there is none, null when the statement's cannot be one. */
function conditionOf(condition: unknown): AddedStatement['condition'] | null {
  if (condition === undefined) return undefined;
  if (!isObject(condition)) return null;
  const operators = Object.entries(condition);
  const [type, keys] = operators[0] ?? [];
  if (operators.length !== 1 || type === undefined || !isObject(keys)) return null;
  const entries = Object.entries(keys);
  const [key, value] = entries[0] ?? [];
  return entries.length === 1 && key !== undefined && typeof value === 'string' ? { type, key, value } : null;
}
