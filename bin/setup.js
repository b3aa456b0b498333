// Shared start-up for the launchers in bin/: TypeScript compiled on the fly by tsx (so no build step
// can leave a stale copy behind), and the AWS SDK's notice about Node 20 turned off (the SDK's own switch).
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
