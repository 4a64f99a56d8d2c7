import * as path from 'path';
import { shopApp } from './app';
import { summarize } from './summary';

// `cdk8s synth` sets CDK8S_OUTDIR; `npx projen synth:example` writes to dist/.
const app = shopApp({ outdir: process.env.CDK8S_OUTDIR ?? path.join(__dirname, '..', '..', 'dist') });
app.synth();
console.log(summarize(app));
