// Shared start-up for the launchers in bin/: TypeScript compiled on the fly by tsx (so no build step
// can leave a stale copy behind), and the AWS SDK's Node 20 notice silenced.
import { register } from 'tsx/esm/api';

process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (!`${warning.name} ${warning.message}`.includes('NodeVersionSupportWarning')) process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

register();
