import { pathText } from '../../manifest/objects';
import { AuditContext, ContainerView, K8sObject, PodView, isObject } from '../context';
import { Issue, RuleDefinition, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { NOT_SECRET_ANNOTATION_PREFIX, SecretEnv, maySecretName, secretNamedLiteral, secretSettings, secretValueReason } from '../secret-detector';
import { Severity } from '../types';

/**
 * Literal credentials anywhere but where SB-SECRET-ENV-LITERAL (env values) and
 * SB-SECRET-IN-MANIFEST (Secret data) look: ConfigMap data (keys judged by name, values by
 * credential format, and the `key: value` lines of configuration files by name), container
 * command and args (and exec probes and hooks: `--db-password=...` by name), and every other
 * string of every object (annotations, labels, custom resources, the last-applied annotation) by
 * credential format, which is unambiguous. Findings never echo the value.
 */
export const rule: RuleDefinition = {
  id: RuleIds.SECRET_LITERAL,
  severity: Severity.ERROR,
  area: 'Secrets',
  description: 'No literal credential may sit anywhere else in the manifests: ConfigMap data whose key looks secret (as for SB-SECRET-ENV-LITERAL), ConfigMap files with `key: value` / `KEY=value` settings whose key looks secret, '
    + 'container command, args and exec probes or hooks with `--name=value`, `-name=value`, `NAME=value` or `--name value` whose name looks secret (references such as `$(VAR)` / `${VAR}`, file paths, booleans and numbers pass), '
    + 'and any string of any object (annotations including `kubectl.kubernetes.io/last-applied-configuration`, labels, custom resources, decoded ConfigMap binaryData) in a credential format (PEM private key, URL with a password, AWS access key ID, GitHub, Slack or JWT token). '
    + `Env values are SB-SECRET-ENV-LITERAL's and Secret data SB-SECRET-IN-MANIFEST's. A name flagged wrongly is cleared by the annotation \`${NOT_SECRET_ANNOTATION_PREFIX}<NAME>: <reason>\` on the ConfigMap or the workload.`,
  fix: 'Move the value into a Secret (ideally delivered by an external secret store) and mount it as a file or reference it (`$(VAR)` from a secretKeyRef env var, `${VAR}` placeholders in configuration files); if a flagged name holds no secret, give the reason with the not-secret annotation.',
  standards: {
    kubescape: ['C-0012'],
    polaris: ['sensitiveConfigmapContent'],
  },
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    const judged = new Set<unknown>();
    const envs = new Set<unknown>();
    for (const pod of ctx.pods) checkPod(pod, out, judged, envs);
    for (const obj of ctx.objects) {
      if (obj.group === '' && obj.kind === 'ConfigMap') checkConfigMap(obj, out);
      walkObject(obj, out, judged, envs);
    }
    return out;
  },
};

function refused(found: SecretEnv): string {
  return found.refusedReason ? `; ${found.refusedReason}` : '';
}


// ---------------------------------------------------------------------------------------------
// ConfigMaps

/** A key named like a file (`application.yaml`) whose value spans lines is judged by its lines, not its name. */
function judgeKeyByName(key: string, value: string): boolean {
  return !value.trimEnd().includes('\n') || !/\.[A-Za-z][A-Za-z0-9]{0,9}$/.test(key);
}

function checkConfigMap(obj: K8sObject, out: Issue[]): void {
  const data = obj.manifest.data;
  if (isObject(data)) {
    for (const key in data) {
      const value = data[key];
      if (typeof value !== 'string') continue;
      const jsonPath = pathText(['data', key]);
      const what = secretValueReason(value);
      if (what) {
        out.push({ obj, jsonPath, message: `ConfigMap data key ${q(key)} holds a value that looks like a secret: its value (${what})` });
        continue;
      }
      const byName = judgeKeyByName(key, value) && maySecretName(key) ? secretNamedLiteral(key, value, obj.annotations) : undefined;
      if (byName) {
        out.push({ obj, jsonPath, message: `ConfigMap data key ${q(key)} holds a literal value that looks like a secret: ${byName.why}${refused(byName)}` });
        continue;
      }
      const settings = secretSettings(value, obj.annotations);
      if (settings.length > 0) {
        const s = settings[0];
        const more = settings.length > 1 ? ` (and ${settings.length - 1} more line${settings.length > 2 ? 's' : ''})` : '';
        out.push({ obj, jsonPath, message: `ConfigMap data key ${q(key)} sets ${q(s.name)} on line ${s.line}${more} to a literal value that looks like a secret: ${s.found.why}${refused(s.found)}` });
      }
    }
  }
  const binary = obj.manifest.binaryData;
  if (isObject(binary)) {
    for (const key in binary) {
      const value = binary[key];
      const what = typeof value === 'string' ? secretValueReason(Buffer.from(value, 'base64').toString('latin1')) : undefined;
      if (what) out.push({ obj, jsonPath: pathText(['binaryData', key]), message: `ConfigMap binaryData key ${q(key)} holds a value that, decoded, looks like a secret: its value (${what})` });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Container command and args

/** One item of a command line: its value, JSON path and which list it is in. */
interface Arg {
  readonly value: unknown;
  readonly path: string;
  readonly list: string;
}

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const HOOKS = ['postStart', 'preStop'];

function checkPod(pod: PodView, out: Issue[], judged: Set<unknown>, envs: Set<unknown>): void {
  for (const c of pod.containers) {
    const k = c.container;
    if (Array.isArray(k.env)) envs.add(k.env);
    // The runtime runs command then args: one command line.
    const argv: Arg[] = [];
    for (const list of ['command', 'args']) addArgs(k[list], `${c.path}.${list}`, list, argv, judged);
    judgeArgv(pod, c, argv, out);
    for (const probe of PROBES) {
      const p = k[probe];
      if (isObject(p) && isObject(p.exec)) judgeArgv(pod, c, addArgs(p.exec.command, `${c.path}.${probe}.exec.command`, `${probe} command`, [], judged), out);
    }
    for (const hook of HOOKS) {
      const h = isObject(k.lifecycle) ? k.lifecycle[hook] : undefined;
      if (isObject(h) && isObject(h.exec)) judgeArgv(pod, c, addArgs(h.exec.command, `${c.path}.lifecycle.${hook}.exec.command`, `${hook} command`, [], judged), out);
    }
  }
}

function addArgs(list: unknown, path: string, name: string, argv: Arg[], judged: Set<unknown>): Arg[] {
  if (!Array.isArray(list)) return argv;
  judged.add(list);
  for (let i = 0; i < list.length; i++) argv.push({ value: list[i], path: `${path}[${i}]`, list: name });
  return argv;
}

/** `--name=value`, `-name=value` or `NAME=value` as one item (the value is the rest of the item: no shell splits it). */
const WHOLE_FLAG = /^(-{0,2})([A-Za-z_][\w.-]*)=([\s\S]*)$/;
/** `--name` / `-name` alone: its value may be the next item. */
const BARE_FLAG = /^-{1,2}([A-Za-z][\w.-]*)$/;
/** `NAME=value` / `--name=value` words of a shell script (`sh -c "..."`) whose name may look secret. */
const SCRIPT_FLAG = /(?:^|[\s;&|(])(-{0,2})(?=[\w.-]*(?:pass|pwd|secret|token|jwt|bearer|key|cred|auth))([A-Za-z_][\w.-]*)=("[^"]*"|'[^']*'|[^\s;&|)]*)/gi;

function unquote(v: string): string {
  return v.length >= 2 && (v[0] === '"' || v[0] === '\'') && v[v.length - 1] === v[0] ? v.slice(1, -1) : v;
}

/** The first `name=value` of an item whose name looks secret and whose value is a literal. */
function flagInItem(item: string, annotations: { [key: string]: string }): { flag: string; found: SecretEnv } | undefined {
  const whole = WHOLE_FLAG.exec(item);
  if (whole && (whole[1] !== '' || !/\s/.test(item))) {
    const found = maySecretName(whole[2]) ? secretNamedLiteral(whole[2], whole[3], annotations) : undefined;
    return found ? { flag: whole[1] + whole[2], found } : undefined;
  }
  if (!/\s/.test(item)) return undefined;
  SCRIPT_FLAG.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SCRIPT_FLAG.exec(item)) !== null) {
    const found = secretNamedLiteral(m[2], unquote(m[3]), annotations);
    if (found) return { flag: m[1] + m[2], found };
  }
  return undefined;
}

function judgeArgv(pod: PodView, c: ContainerView, argv: Arg[], out: Issue[]): void {
  const annotations = pod.obj.annotations;
  for (let i = 0; i < argv.length; i++) {
    const { value, path, list } = argv[i];
    if (typeof value !== 'string') continue;
    const what = secretValueReason(value);
    if (what) {
      out.push({ obj: pod.obj, jsonPath: path, message: `${c.label} has an item in its ${list} that looks like a secret: its value (${what})` });
      continue;
    }
    const hit = flagInItem(value, annotations);
    if (hit) {
      out.push({ obj: pod.obj, jsonPath: path, message: `${c.label} passes ${q(hit.flag)} a literal value in its ${list} that looks like a secret: ${hit.found.why}${refused(hit.found)}` });
      continue;
    }
    const bare = BARE_FLAG.exec(value);
    const next = argv[i + 1];
    if (bare && next !== undefined && typeof next.value === 'string' && !next.value.startsWith('-') && maySecretName(bare[1])
      && secretValueReason(next.value) === undefined) {
      const found = secretNamedLiteral(bare[1], next.value, annotations);
      if (found) {
        out.push({ obj: pod.obj, jsonPath: next.path, message: `${c.label} passes ${q(value)} a literal value in its ${next.list} that looks like a secret: ${found.why}${refused(found)}` });
        i++;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Every other string, by credential format

interface Walk {
  readonly obj: K8sObject;
  readonly out: Issue[];
  /** Segments of the current path. */
  readonly path: Array<string | number>;
  /** Lists judged by the command-line checks above. */
  readonly judged: Set<unknown>;
  /** Containers' env lists: their `value`s are SB-SECRET-ENV-LITERAL's. */
  readonly envs: Set<unknown>;
}

/** Top-level fields judged elsewhere: Secret data (SB-SECRET-IN-MANIFEST) and ConfigMap data (above). */
function judgedElsewhere(obj: K8sObject, key: string): boolean {
  if (obj.group !== '') return false;
  if (obj.kind === 'Secret') return key === 'data' || key === 'stringData';
  return obj.kind === 'ConfigMap' && (key === 'data' || key === 'binaryData');
}

function walkObject(obj: K8sObject, out: Issue[], judged: Set<unknown>, envs: Set<unknown>): void {
  const m = obj.manifest;
  if (!isObject(m)) return;
  const w: Walk = { obj, out, path: [], judged, envs };
  for (const key in m) {
    if (judgedElsewhere(obj, key)) continue;
    w.path.push(key);
    walk(m[key], w);
    w.path.pop();
  }
}

function walk(node: unknown, w: Walk): void {
  if (typeof node === 'string') {
    const what = secretValueReason(node);
    if (what) report(w, what);
  } else if (Array.isArray(node)) {
    if (w.judged.has(node)) return;
    const env = w.envs.has(node);
    for (let i = 0; i < node.length; i++) {
      const item = node[i];
      w.path.push(i);
      if (env && isObject(item) && typeof item.name === 'string') walkFields(item, w, 'value');
      else walk(item, w);
      w.path.pop();
    }
  } else if (node !== null && typeof node === 'object') {
    walkFields(node, w, undefined);
  }
}

function walkFields(node: any, w: Walk, except: string | undefined): void {
  for (const key in node) {
    if (key === except) continue;
    w.path.push(key);
    walk(node[key], w);
    w.path.pop();
  }
}

function report(w: Walk, what: string): void {
  const p = w.path;
  const jsonPath = pathText(p);
  const n = p.length;
  const map = n >= 2 ? p[n - 2] : undefined;
  const where = n >= 3 && p[n - 3] === 'metadata' && (map === 'annotations' || map === 'labels')
    ? `${map === 'annotations' ? 'annotation' : 'label'} ${q(p[n - 1])}`
    : `field ${jsonPath}`;
  w.out.push({ obj: w.obj, jsonPath, message: `${where} holds a value that looks like a secret: its value (${what})` });
}
