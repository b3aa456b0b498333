/**
 * moto (5.2) does not serve BatchUpdateFindings: it answers 404 (tried against moto_server). So in front
 * of moto this stands in for that one call, with aws-sdk-client-mock on the SecurityHubClient class (the
 * clients the code under test builds itself too), and lets every other call through to moto. It answers
 * as Security Hub does for a finding it does not hold (FindingNotFound, read from moto with GetFindings),
 * and records what was asked, so a test sees which workflow status each finding was given.
 */
import {
  BatchUpdateFindingsCommand,
  type BatchUpdateFindingsCommandInput,
  GetFindingsCommand,
  SecurityHubClient,
  type SecurityHubClientResolvedConfig,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-securityhub';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach } from 'vitest';

export interface WorkflowUpdate {
  readonly status: string | undefined;
  readonly ids: readonly string[];
}

/** Installed before each test of the enclosing block, removed after it; the updates asked in the current test. */
export function useWorkflowUpdatesOnMoto(): { updates(): WorkflowUpdate[] } {
  let stub: AwsStub<ServiceInputTypes, ServiceOutputTypes, SecurityHubClientResolvedConfig> | undefined;
  let asked: WorkflowUpdate[] = [];
  beforeEach(() => {
    asked = [];
    stub = mockClient(SecurityHubClient);
    stub.send.callThrough();
    stub.on(BatchUpdateFindingsCommand).callsFake(async (input: BatchUpdateFindingsCommandInput, client: () => SecurityHubClient) => {
      const identifiers = input.FindingIdentifiers ?? [];
      asked.push({ status: input.Workflow?.Status, ids: identifiers.map((identifier) => identifier.Id ?? '') });
      const held = new Set<string>();
      let token: string | undefined;
      do {
        const page = await client().send(new GetFindingsCommand({ MaxResults: 100, ...(token === undefined ? {} : { NextToken: token }) }));
        for (const finding of page.Findings ?? []) held.add(`${finding.Id} ${finding.ProductArn}`);
        token = page.NextToken;
      } while (token !== undefined);
      const found = (identifier: (typeof identifiers)[number]) => held.has(`${identifier.Id} ${identifier.ProductArn}`);
      return {
        ProcessedFindings: identifiers.filter(found),
        UnprocessedFindings: identifiers
          .filter((identifier) => !found(identifier))
          .map((identifier) => ({ FindingIdentifier: identifier, ErrorCode: 'FindingNotFound', ErrorMessage: 'Finding not found' })),
      };
    });
  });
  afterEach(() => {
    stub?.restore();
    stub = undefined;
  });
  return { updates: () => asked };
}
