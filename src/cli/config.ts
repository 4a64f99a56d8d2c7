/**
 * Internal: the audit CLI's config file, `.secure-baseline.yaml`.
 *
 * Found in the working directory, or named with `--config FILE` (`--no-config` ignores it). It
 * holds the options of the flags (one schema: the keys below, each with its flag) plus
 * `exceptions`; a flag given on the command line replaces the file's value of that option (lists
 * are not merged). Read with the manifest reader's YAML semantics (`../manifest/yaml-file.ts`)
 * and validated strictly: unknown keys and bad values are errors naming the file, line, column
 * and key, all of them at once.
 */
import * as fs from 'fs';
import { packNameProblem } from './audit-rules';
import { isUserRuleIdShape, knownRuleIds, unknownRuleFix, unknownRuleProblem } from '../audit/acknowledgement';
import { EXCEPTION_FIELDS, ExceptionProblem, closestWord, exceptionOrigins, exceptionProblems, problemText } from '../audit/exceptions';
import { AuditException, AuditScope, Severity } from '../audit/types';
import { readYamlFile } from '../manifest/yaml-file';

/** The file looked for in the working directory. */
export const CONFIG_FILE = '.secure-baseline.yaml';

/**
 * The options a config file and the flags share; undefined: not given. The scoping keys are the
 * in-app audit's (`AuditScope`), with files (`paths`, `excludePaths`) instead of construct paths.
 */
export interface AuditSettings extends Omit<AuditScope, 'excludeConstructPaths'> {
  readonly paths?: string[];
  readonly excludePaths?: string[];
  readonly disabledRules?: string[];
  readonly failOnWarnings?: boolean;
  readonly encryptedStorageClasses?: string[];
  readonly externalRoles?: string[];
  readonly baseline?: string;
  readonly exceptions?: AuditException[];
  /** Modules of user rules and packs (`--rules`). */
  readonly rules?: string[];
  /** Built-in rule packs by name (`--pack`). */
  readonly packs?: string[];
}

type Kind = 'list' | 'rules' | 'string' | 'boolean' | 'severity' | 'exceptions' | 'packs';

/** Every key of the file: its type and the flag that sets the same option. */
export const CONFIG_KEYS: ReadonlyArray<{ key: keyof AuditSettings; kind: Kind; flag: string; example: string }> = [
  { key: 'paths', kind: 'list', flag: 'PATH...', example: 'paths: [manifests/]' },
  { key: 'excludePaths', kind: 'list', flag: '--exclude-path', example: 'excludePaths: [vendor, "deploy/upstream/**"]' },
  { key: 'namespaces', kind: 'list', flag: '--namespace', example: 'namespaces: [shop, "team-*"]' },
  { key: 'excludeNamespaces', kind: 'list', flag: '--exclude-namespace', example: 'excludeNamespaces: [kube-system]' },
  { key: 'kinds', kind: 'list', flag: '--kind', example: 'kinds: [Deployment, StatefulSet]' },
  { key: 'excludeKinds', kind: 'list', flag: '--exclude-kind', example: 'excludeKinds: [CustomResourceDefinition]' },
  { key: 'names', kind: 'list', flag: '--name', example: 'names: ["api-*"]' },
  { key: 'excludeNames', kind: 'list', flag: '--exclude-name', example: 'excludeNames: ["*-test"]' },
  { key: 'minSeverity', kind: 'severity', flag: '--min-severity', example: 'minSeverity: error' },
  { key: 'disabledRules', kind: 'rules', flag: '--disable', example: 'disabledRules: [SB-CTR-LIVENESS-PROBE]' },
  { key: 'failOnWarnings', kind: 'boolean', flag: '--fail-on-warnings', example: 'failOnWarnings: true' },
  { key: 'encryptedStorageClasses', kind: 'list', flag: '--encrypted-storage-class', example: 'encryptedStorageClasses: [gp3-encrypted]' },
  { key: 'externalRoles', kind: 'list', flag: '--external-role', example: 'externalRoles: [monitoring-reader]' },
  { key: 'baseline', kind: 'string', flag: '--baseline', example: 'baseline: .secure-baseline.json' },
  { key: 'exceptions', kind: 'exceptions', flag: '(none)', example: 'exceptions: [{ruleId: SB-PSS-HOST-PATH, kind: DaemonSet, name: node-exporter, reason: ...}]' },
  { key: 'rules', kind: 'list', flag: '--rules', example: 'rules: [./house-rules.js]' },
  { key: 'packs', kind: 'packs', flag: '--pack', example: 'packs: [pod-security-restricted, cis]' },
];
const KEY_NAMES = CONFIG_KEYS.map((k) => k.key as string);

/** A config file that cannot be used: every problem, each `file:line:column: key: problem. Fix: ...`. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** The config file read, and its settings. */
export interface LoadedConfig {
  /** The file (as named on the command line, or `.secure-baseline.yaml`); undefined when none was read. */
  readonly file?: string;
  readonly settings: AuditSettings;
}

/**
 * The config to use: `--config FILE` (which must exist), else `.secure-baseline.yaml` in the
 * working directory when it exists, else none; none either with `--no-config`.
 */
export function loadConfig(configFlag: string | undefined, noConfig: boolean): LoadedConfig {
  if (noConfig) return { settings: {} };
  const file = configFlag ?? (fs.existsSync(CONFIG_FILE) ? CONFIG_FILE : undefined);
  if (file === undefined) return { settings: {} };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch {
    throw new ConfigError([`config file ${file} cannot be read (no such file?). Fix: name an existing file with --config, or create ${file}`]);
  }
  return { file, settings: parseConfig(text, file) };
}

/** Validates a config file's text; throws a ConfigError listing every problem. */
export function parseConfig(text: string, file: string): AuditSettings {
  const yaml = readYamlFile(text);
  const where = (p: { line: number; column?: number }) => `${file}:${p.line}${p.column !== undefined ? `:${p.column}` : ''}`;
  if (yaml.errors.length > 0) throw new ConfigError(yaml.errors.map((e) => `${where(e)}: ${e.message}. Fix: correct the YAML`));
  const doc = yaml.value;
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError([`${where(yaml.position([], 'value'))}: the file holds ${Array.isArray(doc) ? 'a list' : JSON.stringify(doc)}, not a map of options. Fix: write options such as "excludeNamespaces: [kube-system]" (keys: ${KEY_NAMES.join(', ')})`]);
  }
  const problems: string[] = [];
  const report = (path: Array<string | number>, of: 'key' | 'value', text2: string) => problems.push(`${where(yaml.position(path, of))}: ${text2}`);
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const spec = CONFIG_KEYS.find((k) => k.key === key);
    if (!spec) {
      report([key], 'key', `${key}: unknown key (did you mean ${JSON.stringify(closestWord(key, KEY_NAMES))}?). Fix: a config file has the keys ${KEY_NAMES.join(', ')}`);
      continue;
    }
    const before = problems.length;
    checkValue(spec, value, report);
    if (problems.length === before && value !== null) settings[key] = value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  for (const [i, e] of (settings.exceptions as AuditException[] | undefined ?? []).entries()) {
    const p = yaml.position(['exceptions', i], 'key');
    exceptionOrigins.set(e, { file, line: p.line, ...(p.column !== undefined ? { column: p.column } : {}) });
  }
  return settings as AuditSettings;
}

type Report = (path: Array<string | number>, of: 'key' | 'value', text: string) => void;

function checkValue(spec: (typeof CONFIG_KEYS)[number], value: unknown, report: Report): void {
  const key = spec.key;
  if (value === null) return; // `key:` with nothing: not set
  const got = JSON.stringify(value);
  switch (spec.kind) {
    case 'list':
    case 'rules':
    case 'packs': {
      if (!Array.isArray(value)) return report([key], 'value', `${key}: must be a list of strings, got ${got}. Fix: write a list, e.g. ${spec.example}`);
      value.forEach((v, i) => {
        if (typeof v !== 'string' || v.trim() === '') report([key, i], 'value', `${key}[${i}]: must be a non-empty string, got ${JSON.stringify(v)}. Fix: e.g. ${spec.example}`);
        else if (spec.kind === 'rules' && !knownRuleIds().includes(v) && !isUserRuleIdShape(v)) report([key, i], 'value', `${key}[${i}]: ${unknownRuleProblem(v)}. Fix: ${unknownRuleFix(v)}`);
        else if (spec.kind === 'packs' && packNameProblem(v) !== undefined) report([key, i], 'value', `${key}[${i}]: ${packNameProblem(v)}. Fix: e.g. ${spec.example}`);
      });
      return;
    }
    case 'string':
      if (typeof value !== 'string' || value.trim() === '') report([key], 'value', `${key}: must be a file name, got ${got}. Fix: e.g. ${spec.example}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') report([key], 'value', `${key}: must be true or false, got ${got}. Fix: e.g. ${spec.example}`);
      return;
    case 'severity':
      if (value !== Severity.ERROR && value !== Severity.WARNING) {
        report([key], 'value', `${key}: must be error or warning, got ${got}. Fix: write minSeverity: error (report errors only) or minSeverity: warning (the default)`);
      }
      return;
    case 'exceptions':
      if (!Array.isArray(value)) return report([key], 'value', `exceptions: must be a list of exceptions, got ${got}. Fix: write one "- ruleId: ..." entry per exception (keys: ${EXCEPTION_FIELDS.join(', ')})`);
      // The IDs of user rules are known once their modules are loaded: the audit checks them then.
      value.forEach((e, i) => {
        for (const p of exceptionProblems(e, userRuleIdsIn(value))) {
          report(exceptionPath(i, p), p.field !== undefined && p.problem.startsWith('unknown key') ? 'key' : 'value', problemText(`exceptions[${i}]`, p));
        }
      });
      return;
  }
}

/** The rule IDs of exceptions that may name user rules (checked by the audit, once the rules are loaded). */
function userRuleIdsIn(exceptions: unknown[]): string[] {
  return exceptions.map((e: any) => e?.ruleId).filter((id): id is string => typeof id === 'string' && isUserRuleIdShape(id));
}

function exceptionPath(i: number, p: ExceptionProblem): Array<string | number> {
  return p.field !== undefined ? ['exceptions', i, p.field] : ['exceptions', i];
}

/** The settings in effect: each flag given replaces the file's value of its option. */
export function mergeSettings(file: AuditSettings, flags: AuditSettings): AuditSettings {
  const out: Record<string, unknown> = { ...file };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) out[k] = v;
  return out as AuditSettings;
}
