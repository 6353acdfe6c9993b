// `npm start`: build when a source changed (build-if-changed.mjs), then `exportkit quickstart`,
// in this one process: a second Node process would add its start (~0.1 s) to a ~2.5 s run.
//
//   node scripts/start.mjs [quickstart options]
import { buildIfChanged } from './build-if-changed.mjs';

buildIfChanged();
process.argv.splice(2, 0, 'quickstart');
await import('../packages/exportkit/dist/main.js');
