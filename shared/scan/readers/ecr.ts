import { DescribeRepositoriesCommand, ECRClient, GetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { mapBounded } from '../concurrency.js';
import type { ReadTarget, StateReader, StateSink } from '../reader.js';

const ECR = 'ecr.amazonaws.com';

/** DescribeRepositories' largest page (ECR API reference: maxResults 1 to 1000). */
const PAGE_SIZE = 1000;

/** What GetRepositoryPolicy answers for a repository that has no policy (ECR API reference). */
const NO_POLICY = 'RepositoryPolicyNotFoundException';

/**
 * The repositories of the account's private registry in one region: each one's policy as the
 * SetRepositoryPolicy that would set it (ecr-repository-exposed); a repository without a policy
 * presents nothing. One policy call per repository.
 */
export const ecrReader: StateReader = {
  id: 'ecr',
  reach: 'regional',
  ruleIds: ['ecr-repository-exposed'],
  permissions: ['ecr:DescribeRepositories', 'ecr:GetRepositoryPolicy'],

  async read(target, sink) {
    const client = new ECRClient(target.clientConfig);
    try {
      let token: string | undefined;
      do {
        const page = await client.send(new DescribeRepositoriesCommand({ maxResults: PAGE_SIZE, ...(token === undefined ? {} : { nextToken: token }) }));
        const names = (page.repositories ?? []).flatMap((repository) => repository.repositoryName ?? []);
        await mapBounded(names, target.concurrency, (name) => readPolicy(client, name, target, sink));
        sink.progress('repositories', names.length);
        token = page.nextToken;
      } while (token !== undefined);
    } finally {
      client.destroy();
    }
  },
};

/** One repository's policy: a failure other than "no policy" (deleted meanwhile, denied) leaves it unread and the read goes on. */
async function readPolicy(client: ECRClient, name: string, target: ReadTarget, sink: StateSink): Promise<void> {
  let policyText: string | undefined;
  try {
    ({ policyText } = await client.send(new GetRepositoryPolicyCommand({ repositoryName: name })));
  } catch (error) {
    const code = error instanceof Error ? error.name : 'Error';
    if (code === NO_POLICY) return;
    sink.unread({ resource: `arn:${target.partition}:ecr:${target.region}:${target.account}:repository/${name}`, reason: code });
    return;
  }
  if (policyText === undefined || policyText === '') return;
  sink.observe({ eventSource: ECR, eventName: 'SetRepositoryPolicy', requestParameters: { repositoryName: name, policyText } });
}
