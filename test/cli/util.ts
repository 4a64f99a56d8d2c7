/**
 * The scaffolding the audit CLI tests share: run the CLI in process, a fresh temporary working
 * directory per test, files written into it, and deployments that break one rule each.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { runCli } from '../../src/cli/audit';
import { compliantPodSpec, deployment } from '../audit/util';

/** Runs `cdk8s-secure-baseline <args>` in process: the exit code and what it printed. */
export function run(args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = runCli(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

/**
 * Gives each test of the enclosing `describe` a fresh temporary directory (named after `prefix`),
 * made the working directory while the test runs when `chdir` is true; returns the current one.
 */
export function useTempDir(prefix: string, chdir = true): () => string {
  let dir = '';
  let cwd = '';
  beforeEach(() => {
    cwd = process.cwd();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    if (chdir) process.chdir(dir);
  });
  afterEach(() => {
    if (chdir) process.chdir(cwd);
  });
  return () => dir;
}

/** Objects as a YAML stream. */
export const yamlDocs = (objects: any[]): string => objects.map((o) => YAML.stringify(o)).join('---\n');

/** Writes `content` (text, or objects as a YAML stream) to `file` under `dir`, creating folders. */
export function writeFile(dir: string, file: string, content: string | any[]): void {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), typeof content === 'string' ? content : yamlDocs(content));
}

/** A compliant Deployment but for a privileged container (SB-PSS-PRIVILEGED). */
export function privileged(name: string, ns = 'shop'): any {
  const spec = compliantPodSpec();
  spec.containers[0].securityContext.privileged = true;
  return deployment(name, ns, spec);
}

/** A compliant Deployment but for an image without a tag or digest (SB-CTR-IMAGE-TAG). */
export function latest(name: string, ns = 'shop'): any {
  const spec = compliantPodSpec();
  spec.containers[0].image = 'nginx:latest';
  return deployment(name, ns, spec);
}
