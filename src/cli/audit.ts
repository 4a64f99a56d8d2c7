#!/usr/bin/env node
/**
 * `cdk8s-secure-baseline audit [--format text|json|sarif] [--output FILE] PATH...`
 *
 * Audits Kubernetes YAML (files or folders, multi-document) with the Baseline audit.
 * Exit codes: 0 no violations, 1 violations, 2 usage or parse errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { EngineInput, runAudit } from '../audit/engine';
import { renderJson, renderSarif, renderText, summaryLine } from '../audit/report';
import { AuditOptions } from '../audit/types';
import { runReachabilityCli } from '../reachability/cli';

/** Where the CLI writes. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

export const USAGE = `Usage: cdk8s-secure-baseline audit [options] PATH...
       cdk8s-secure-baseline reachability [--format text|mermaid|dot|json] PATH...

Audits Kubernetes manifests: YAML files (multi-document) or folders searched
recursively for *.yaml / *.yml. Acknowledgement annotations
(ack.cdk8s-secure-baseline.io/<RULE-ID>: <reason>) apply.

Options:
  --format text|json|sarif          report format (default: text)
  --output FILE                     write the report to FILE; the summary line goes to stdout
  --fail-on-warnings                unacknowledged warnings fail the audit too
  --disable RULE[,RULE...]          skip rules (repeatable)
  --encrypted-storage-class NAME    an external StorageClass known to encrypt (repeatable)
  --external-role NAME              an external Role/ClusterRole bindings may reference (repeatable)
  -h, --help                        show this help

Exit codes: 0 no violations, 1 violations, 2 usage or parse errors.
`;

class UsageError extends Error {}

interface ParsedArgs {
  readonly format: 'text' | 'json' | 'sarif';
  readonly output?: string;
  readonly paths: string[];
  readonly options: AuditOptions;
}

function parseArgs(argv: string[]): ParsedArgs | 'help' {
  const args = [...argv];
  if (args.length === 0 || args[0] === '-h' || args[0] === '--help') return 'help';
  const command = args.shift();
  if (command !== 'audit') throw new UsageError(`unknown command ${JSON.stringify(command)} (expected "audit" or "reachability")`);
  let format: ParsedArgs['format'] = 'text';
  let output: string | undefined;
  let failOnWarnings = false;
  const disabledRules: string[] = [];
  const encryptedStorageClasses: string[] = [];
  const externalRoles: string[] = [];
  const paths: string[] = [];
  while (args.length > 0) {
    let arg = args.shift()!;
    let inline: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const value = (): string => {
      const v = inline ?? args.shift();
      if (v === undefined || v === '') throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '-h':
      case '--help':
        return 'help';
      case '--format': {
        const f = value();
        if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`--format must be text, json or sarif, got ${JSON.stringify(f)}`);
        format = f;
        break;
      }
      case '--output':
        output = value();
        break;
      case '--fail-on-warnings':
        failOnWarnings = true;
        break;
      case '--disable':
        disabledRules.push(...value().split(',').map(s => s.trim()).filter(s => s !== ''));
        break;
      case '--encrypted-storage-class':
        encryptedStorageClasses.push(value());
        break;
      case '--external-role':
        externalRoles.push(value());
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        paths.push(arg);
    }
  }
  if (paths.length === 0) throw new UsageError('no PATH given');
  return { format, output, paths, options: { disabledRules, encryptedStorageClasses, externalRoles, failOnWarnings } };
}

function collectFiles(p: string): string[] {
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return [p];
  const out: string[] = [];
  for (const entry of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(p, entry.name);
    if (entry.isDirectory()) out.push(...collectFiles(full));
    else if (/\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out;
}

function display(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return (rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file).split(path.sep).join('/');
}

/** Runs the CLI; returns the exit code. */
export function runCli(argv: string[], io: CliIo = defaultIo): number {
  if (argv[0] === 'reachability') {
    return runReachabilityCli(argv.slice(1), { out: io.stdout, err: io.stderr });
  }
  let parsed: ParsedArgs | 'help';
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (parsed === 'help') {
    io.stdout(USAGE);
    return 0;
  }

  const errors: string[] = [];
  const files: string[] = [];
  for (const p of parsed.paths) {
    if (!fs.existsSync(p)) {
      errors.push(`${p}: no such file or directory`);
      continue;
    }
    files.push(...collectFiles(p));
  }
  if (errors.length === 0 && files.length === 0) errors.push(`no *.yaml or *.yml files found in ${parsed.paths.join(', ')}`);

  const inputs: EngineInput[] = [];
  for (const file of files) {
    const shown = display(file);
    let docs: YAML.Document.Parsed[];
    try {
      docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf-8'));
    } catch (e) {
      errors.push(`${shown}: ${(e as Error).message}`);
      continue;
    }
    docs.forEach((doc, i) => {
      if (doc.errors.length > 0) {
        errors.push(`${shown}: YAML error in document ${i + 1}: ${doc.errors[0].message.split('\n')[0].replace(/:$/, '')}`);
        return;
      }
      const manifest = doc.toJS();
      if (manifest === null || manifest === undefined) return;
      if (typeof manifest !== 'object' || Array.isArray(manifest) || typeof manifest.kind !== 'string' || typeof manifest.apiVersion !== 'string') {
        io.stderr(`note: ${shown}: document ${i + 1} is not a Kubernetes object (no apiVersion/kind), skipped\n`);
        return;
      }
      inputs.push({ manifest, file: shown });
    });
  }
  if (errors.length > 0) {
    io.stderr(errors.map(e => `error: ${e}\n`).join(''));
    return 2;
  }

  let result;
  try {
    result = runAudit(inputs, parsed.options);
  } catch (e) {
    io.stderr(`error: ${(e as Error).message}\n`);
    return 2;
  }
  const failOnWarnings = parsed.options.failOnWarnings === true;
  const report = parsed.format === 'json' ? renderJson(result, failOnWarnings)
    : parsed.format === 'sarif' ? renderSarif(result)
      : renderText(result, failOnWarnings);
  if (parsed.output) {
    fs.mkdirSync(path.dirname(path.resolve(parsed.output)), { recursive: true });
    fs.writeFileSync(parsed.output, report, 'utf-8');
    io.stdout(`${summaryLine(result)}\n`);
  } else {
    io.stdout(report);
  }
  return result.passed ? 0 : 1;
}

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2));
}
