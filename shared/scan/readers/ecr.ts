import { ECRClient, GetRepositoryPolicyCommand, paginateDescribeRepositories } from '@aws-sdk/client-ecr';
import { mapBounded } from '../concurrency.js';
import { readResource } from '../read-resource.js';
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
      for await (const page of paginateDescribeRepositories({ client, pageSize: PAGE_SIZE }, {})) {
        const names = (page.repositories ?? []).flatMap((repository) => repository.repositoryName ?? []);
        await mapBounded(names, target.concurrency, (name) => readPolicy(client, name, target, sink));
        sink.progress('repositories', names.length);
      }
    } finally {
      client.destroy();
    }
  },
};

/** One repository's policy, as the call that would set it. */
function readPolicy(client: ECRClient, name: string, target: ReadTarget, sink: StateSink): Promise<void> {
  const arn = `arn:${target.partition}:ecr:${target.region}:${target.account}:repository/${name}`;
  return readResource(
    sink,
    arn,
    async () => {
      const { policyText } = await client.send(new GetRepositoryPolicyCommand({ repositoryName: name }));
      if (policyText === undefined || policyText === '') return undefined;
      return { eventSource: ECR, eventName: 'SetRepositoryPolicy', requestParameters: { repositoryName: name, policyText } };
    },
    { absentWhen: [NO_POLICY] },
  );
}
