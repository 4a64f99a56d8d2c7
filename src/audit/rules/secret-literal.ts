import { pathText } from '../../manifest/objects';
import { AuditContext, ContainerView, K8sObject, PodView, isObject } from '../context';
import { stringMap } from '../input-objects';
import { addPodViews } from '../pod-views';
import { Issue, RuleDefinition, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { secretCommandLine } from '../secret-command-line';
import { NOT_SECRET_ANNOTATION_PREFIX, SecretEnv, maySecretName, secretEnv, secretHeader, secretNamedLiteral, secretSettings, secretValueReason } from '../secret-detector';
import { Severity } from '../types';

/**
 * Literal credentials anywhere but where SB-SECRET-ENV-LITERAL (env values) and
 * SB-SECRET-IN-MANIFEST (Secret data) look: ConfigMap data (keys judged by name, values by
 * credential format, and the `key: value` lines of configuration files by name, `Key value`
 * lines too in `.conf` files), container command and args (and exec probes and hooks:
 * `--db-password=...`, `--token value`, in `sh -c` scripts too, and clients' password options),
 * the HTTP headers of probes and hooks, and every other string of every object (annotations,
 * labels, custom resources) by credential format, which is unambiguous. The copy of an object in
 * its `kubectl.kubernetes.io/last-applied-configuration` annotation is judged like the object
 * (env values included; a Secret's copy may hold its data). Findings never echo the value.
 */
export const rule: RuleDefinition = {
  id: RuleIds.SECRET_LITERAL,
  severity: Severity.ERROR,
  area: 'Secrets',
  description: 'No literal credential may sit anywhere else in the manifests: ConfigMap data whose key looks secret (as for SB-SECRET-ENV-LITERAL), ConfigMap files with `key: value` / `KEY=value` settings whose key looks secret (and `Key value` lines of `.conf`, `.cfg`, `.cnf`, `*_config` and `*-snippet` files), '
    + 'container command, args and exec probes or hooks with `--name=value`, `-name=value`, `NAME=value` or `--name value` whose name looks secret, in `sh -c` scripts too, and the password options of mysql (`-pVALUE`), the MongoDB tools and sshpass (`-p`), redis-cli (`-a`), curl (`-u user:password`, `-H`) and openssl (`-passout pass:...`) (references such as `$(VAR)` / `${VAR}` / `"$VAR"`, file paths, booleans and numbers pass), '
    + 'HTTP headers of probes and hooks (`Authorization`, and headers whose name looks secret such as `X-Api-Key`), '
    + 'and any string of any object (annotations, labels, custom resources, decoded ConfigMap binaryData) in a credential format (PEM private key, URL with a password, AWS access key ID, GitHub, Slack or JWT token, JAAS configuration with a literal password). '
    + 'The copy of an object in its `kubectl.kubernetes.io/last-applied-configuration` annotation is judged like the object, env values included (a Secret\'s copy may hold its data). '
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
    for (const pod of ctx.pods) checkPod(pod, out, judged, envs, false);
    for (const obj of ctx.objects) {
      if (obj.group === '' && obj.kind === 'ConfigMap') checkConfigMap(obj, out);
      walkObject(obj, out, judged, envs, false);
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

/** Files whose settings may be `Key value` lines: fluent-bit, nginx (and ingress-nginx's `*-snippet` keys), redis.conf, my.cnf, sshd_config. */
const SPACED_FILE = /\.(conf|cfg|cnf)$|_config$|-snippet$/i;

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
      const settings = secretSettings(value, obj.annotations, SPACED_FILE.test(key));
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

/**
 * The containers' command lines, exec and HTTP probes and hooks. `copy`: the pod is in a
 * last-applied copy, where env values are judged too (SB-SECRET-ENV-LITERAL does not look there).
 */
function checkPod(pod: PodView, out: Issue[], judged: Set<unknown>, envs: Set<unknown>, copy: boolean): void {
  for (const c of pod.containers) {
    const k = c.container;
    if (Array.isArray(k.env)) {
      if (copy) checkEnv(pod, c, k.env, out, judged);
      else envs.add(k.env);
    }
    // The runtime runs command then args: one command line.
    const argv: Arg[] = [];
    for (const list of ['command', 'args']) addArgs(k[list], `${c.path}.${list}`, list, argv, judged);
    judgeArgv(pod, c, argv, Array.isArray(k.command) && k.command.length > 0, out);
    for (const probe of PROBES) checkHandler(pod, c, k[probe], `${c.path}.${probe}`, probe, out, judged);
    for (const hook of HOOKS) checkHandler(pod, c, isObject(k.lifecycle) ? k.lifecycle[hook] : undefined, `${c.path}.lifecycle.${hook}`, `${hook} hook`, out, judged);
  }
}

/** An exec command or the HTTP headers of a probe or hook. */
function checkHandler(pod: PodView, c: ContainerView, h: any, path: string, what: string, out: Issue[], judged: Set<unknown>): void {
  if (!isObject(h)) return;
  if (isObject(h.exec)) judgeArgv(pod, c, addArgs(h.exec.command, `${path}.exec.command`, `${what.replace(/ hook$/, '')} command`, [], judged), true, out);
  const headers = isObject(h.httpGet) ? h.httpGet.httpHeaders : undefined;
  if (!Array.isArray(headers)) return;
  judged.add(headers);
  headers.forEach((header: any, i: number) => {
    const found = isObject(header) ? secretHeader(header.name, header.value, pod.obj.annotations) : undefined;
    if (found) {
      out.push({ obj: pod.obj, jsonPath: `${path}.httpGet.httpHeaders[${i}].value`, message: `${c.label} sends the HTTP header ${q(header.name)} with a literal value in its ${what} that looks like a secret: ${found.why}${refused(found)}` });
    }
  });
}

/** Env values of a last-applied copy, as SB-SECRET-ENV-LITERAL judges the live ones. */
function checkEnv(pod: PodView, c: ContainerView, env: unknown[], out: Issue[], judged: Set<unknown>): void {
  judged.add(env);
  env.forEach((e: any, i: number) => {
    const found = isObject(e) ? secretEnv(e.name, e.value, pod.obj.annotations) : undefined;
    if (found) out.push({ obj: pod.obj, jsonPath: `${c.path}.env[${i}].value`, message: `${c.label} sets environment variable ${q(e.name)} to a literal value that looks like a secret: ${found.why}${refused(found)}` });
  });
}

function addArgs(list: unknown, path: string, name: string, argv: Arg[], judged: Set<unknown>): Arg[] {
  if (!Array.isArray(list)) return argv;
  judged.add(list);
  for (let i = 0; i < list.length; i++) argv.push({ value: list[i], path: `${path}[${i}]`, list: name });
  return argv;
}

function judgeArgv(pod: PodView, c: ContainerView, argv: Arg[], programGiven: boolean, out: Issue[]): void {
  for (const hit of secretCommandLine(argv.map((a) => a.value), programGiven, pod.obj.annotations)) {
    const { path, list } = argv[hit.index];
    out.push({
      obj: pod.obj,
      jsonPath: path,
      message: hit.flag === undefined
        ? `${c.label} has an item in its ${list} that looks like a secret: ${hit.found.why}`
        : `${c.label} passes ${q(hit.flag)} a literal value in its ${list} that looks like a secret: ${hit.found.why}${refused(hit.found)}`,
    });
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
  /** Whether this is the copy in a last-applied annotation (whose own last-applied annotation is only a string). */
  readonly copy: boolean;
}

/** Top-level fields judged elsewhere: Secret data (SB-SECRET-IN-MANIFEST) and ConfigMap data (above). */
function judgedElsewhere(obj: K8sObject, key: string): boolean {
  if (obj.group !== '') return false;
  if (obj.kind === 'Secret') return key === 'data' || key === 'stringData';
  return obj.kind === 'ConfigMap' && (key === 'data' || key === 'binaryData');
}

function walkObject(obj: K8sObject, out: Issue[], judged: Set<unknown>, envs: Set<unknown>, copy: boolean): void {
  const m = obj.manifest;
  if (!isObject(m)) return;
  const w: Walk = { obj, out, path: [], judged, envs, copy };
  for (const key in m) {
    if (judgedElsewhere(obj, key)) continue;
    w.path.push(key);
    walk(m[key], w);
    w.path.pop();
  }
}

function walk(node: unknown, w: Walk): void {
  if (typeof node === 'string') {
    const p = w.path;
    if (!w.copy && p.length === 3 && p[2] === LAST_APPLIED && p[1] === 'annotations' && p[0] === 'metadata' && checkCopy(w.obj, node, w.out)) return;
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

// ---------------------------------------------------------------------------------------------
// The last-applied copy

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Judges the copy of an object that `kubectl apply` keeps in its last-applied annotation like the
 * object (of the object's kind: a ConfigMap's copy claiming to be a Secret is a ConfigMap's, and
 * a Secret's copy may hold its data), reported at the annotation with the path in the copy.
 * False when the annotation is no JSON object: it is then judged as any string.
 */
function checkCopy(obj: K8sObject, text: string, out: Issue[]): boolean {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return false;
  }
  if (!isObject(manifest)) return false;
  const metadata = isObject((manifest as any).metadata) ? (manifest as any).metadata : {};
  const copy: K8sObject = {
    index: obj.index,
    manifest,
    apiVersion: obj.apiVersion,
    group: obj.group,
    kind: obj.kind,
    name: obj.name,
    namespace: obj.namespace,
    labels: stringMap(metadata.labels),
    annotations: { ...stringMap(metadata.annotations), ...obj.annotations },
    constructPath: obj.constructPath,
    file: obj.file,
    get location() { return obj.location; },
  };
  const inner: Issue[] = [];
  const judged = new Set<unknown>();
  const pods: PodView[] = [];
  addPodViews(copy, pods);
  for (const pod of pods) checkPod(pod, inner, judged, new Set(), true);
  if (copy.group === '' && copy.kind === 'ConfigMap') checkConfigMap(copy, inner);
  walkObject(copy, inner, judged, new Set(), true);
  const jsonPath = pathText(['metadata', 'annotations', LAST_APPLIED]);
  for (const issue of inner) {
    out.push({ obj, jsonPath, message: `the copy of the object in annotation ${q(LAST_APPLIED)}, at ${issue.jsonPath}: ${issue.message}` });
  }
  return true;
}
