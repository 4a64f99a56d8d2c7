/**
 * A real-world-shaped manifest corpus, generated deterministically (issue #22's reader benchmark,
 * bench/cli-corpus.ts, and the reader's differential test): what a GitOps repository holds.
 *
 * - CustomResourceDefinitions (most of the bytes, as in real repositories): controller-gen shaped,
 *   several versions, deep `openAPIV3Schema` with descriptions written three ways (older
 *   controller-gen folds long descriptions into multi-line plain or single-quoted scalars, newer
 *   versions write `|-` blocks), enums, patterns, int-or-string, `x-kubernetes-*` markers;
 * - Helm-rendered bundles (`# Source:` comments, many documents a file): Deployments,
 *   StatefulSets, DaemonSets, CronJobs, Services, ServiceAccounts, RBAC, NetworkPolicies,
 *   Ingresses, HPAs, PDBs, PrometheusRules with `{{ $labels.x }}`, ConfigMaps with big `|` data
 *   blocks (scripts with blank lines and tabs, JSON and properties files), Secrets;
 * - the styles different tools write: sequences indented or not under their key, flow `{}`/`[]`
 *   and short flow lists, quoted numbers, YAML 1.1 booleans in annotations, CRLF and a BOM now
 *   and then;
 * - JSON files: pretty-printed single objects and concatenated JSON streams.
 *
 * `corpusFiles(mib)` yields about `mib` MiB of files (name and text) from a fixed seed, spread
 * over 8 namespaces a MiB (at least 40), about 30 objects a namespace.
 */

type K8s = Record<string, any>;

/** Deterministic PRNG (mulberry32). */
/* eslint-disable no-bitwise -- the generator's 32-bit arithmetic */
export function rngOf(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */

const WORDS = ('the of a to is for in and that be this resource field specifies which will if not when are '
  + 'pod container value default name namespace selector label must may should more info cluster object '
  + 'reference secret key used by controller status condition type reason message time last observed '
  + 'generation spec template volume mount path port protocol service endpoint policy rule match '
  + 'expression operator values optional required defaults to set empty means all empty-string api').split(' ');
const URLS = ['https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
  'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels', 'http://kubernetes.io/docs/user-guide/identifiers#names'];

class Gen {
  constructor(public readonly r: () => number) {}
  public int(n: number): number { return Math.floor(this.r() * n); }
  public pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  public chance(p: number): boolean { return this.r() < p; }
  public word(): string { return this.pick(WORDS); }
  public ident(): string { return `${this.word().replace(/-/g, '')}${this.pick(['', 'Ref', 'Name', 'Spec', 'Config', 'Policy', 'Count'])}`; }
  public sentence(min: number, max: number): string {
    const n = min + this.int(max - min);
    const ws = Array.from({ length: n }, () => this.word());
    if (this.chance(0.3)) ws.splice(this.int(n), 0, `More info: ${this.pick(URLS)}`);
    if (this.chance(0.1)) ws.push(`(e.g. "${this.word()}")`);
    const s = ws.join(' ');
    return `${s[0].toUpperCase()}${s.slice(1)}.`;
  }
}

/** How a string is written: plain when YAML reads it back as the same string, else quoted. */
function scalar(s: string): string {
  if (/^[A-Za-z_/][\w ./=@,()+:-]*$/.test(s) && !/: |:$| $/.test(s) && !/^(y|n|yes|no|on|off|true|false|null)$/i.test(s)) return s;
  return JSON.stringify(s);
}

/** The YAML text of a value: `seqIndent` 0 writes `- ` under the key (kubectl, go-yaml), 2 indents it (cdk8s, Helm charts). */
export function toYaml(v: unknown, seqIndent: 0 | 2, describe?: (indent: number, text: string) => string): string {
  const out: string[] = [];
  const leaf = (x: unknown): string | undefined => {
    if (x === null) return 'null';
    if (typeof x === 'number' || typeof x === 'boolean') return String(x);
    if (typeof x === 'string') return x.includes('\n') ? undefined : scalar(x);
    if (Array.isArray(x) && x.length === 0) return '[]';
    if (typeof x === 'object' && Object.keys(x as object).length === 0) return '{}';
    return undefined;
  };
  const block = (s: string, indent: number) => `|${s.endsWith('\n') ? '' : '-'}\n${s.replace(/\n$/, '').split('\n').map((l) => (l === '' ? '' : ' '.repeat(indent) + l)).join('\n')}`;
  const emit = (x: any, indent: number, prefix: string): void => {
    // prefix: text before the value on its line ("key:" or "- ")
    const pad = ' '.repeat(indent);
    if (Array.isArray(x) && x.length > 0) {
      if (prefix) out.push(prefix);
      const itemPad = prefix.endsWith(':') ? ' '.repeat(Math.max(0, indent - 2 + seqIndent)) : pad;
      for (const item of x) {
        const l = leaf(item);
        if (l !== undefined) out.push(`${itemPad}- ${l}`);
        else if (typeof item === 'string') out.push(`${itemPad}- ${block(item, itemPad.length + 2)}`);
        else if (Array.isArray(item)) emit(item, itemPad.length + 2, `${itemPad}-`);
        else emitMap(item, itemPad.length + 2, `${itemPad}- `);
      }
      return;
    }
    if (x !== null && typeof x === 'object' && Object.keys(x).length > 0) {
      if (prefix) out.push(prefix);
      emitMap(x, indent, pad);
      return;
    }
    const l = leaf(x);
    out.push(`${prefix}${prefix ? ' ' : ''}${l ?? block(x, indent)}`);
  };
  const emitMap = (m: Record<string, any>, indent: number, first: string): void => {
    let lead = first;
    for (const [k, x] of Object.entries(m)) {
      const key = scalar(k);
      if (k === 'description' && typeof x === 'string' && describe) out.push(`${lead}${key}: ${describe(indent, x)}`);
      else emit(x, indent + 2, `${lead}${key}:`);
      lead = ' '.repeat(indent);
    }
  };
  emit(v, 0, '');
  return `${out.join('\n')}\n`;
}

/** controller-gen's description styles: folded plain, folded single-quoted, or a `|-` block. */
function describer(g: Gen, style: 'fold' | 'block'): (indent: number, text: string) => string {
  return (indent, text) => {
    const cont = ' '.repeat(indent + 2);
    if (style === 'block' && g.chance(0.5)) {
      return `|-\n${text.replace(/\. /g, '.\n').split('\n').map((l) => cont + l).join('\n')}`;
    }
    const quoted = /: | #|^[^A-Za-z]/.test(text);
    const body = quoted ? `'${text.replace(/'/g, "''")}'` : text;
    const lines: string[] = [];
    let line = '';
    for (const w of body.split(' ')) {
      if (line !== '' && line.length + w.length > 70) { lines.push(line); line = w; } else {line = line === '' ? w : `${line} ${w}`;}
    }
    lines.push(line);
    return lines.join(`\n${cont}`);
  };
}

function schema(g: Gen, depth: number, budget: { n: number }): K8s {
  budget.n--;
  if (depth <= 0 || budget.n <= 0 || g.chance(0.35)) {
    const d = { description: g.sentence(4, 30) };
    switch (g.int(8)) {
      case 0: return { ...d, enum: [g.word(), g.word(), 'Always'], type: 'string' };
      case 1: return { ...d, format: g.pick(['int32', 'int64']), ...(g.chance(0.5) ? { minimum: 0 } : {}), type: 'integer' };
      case 2: return { ...d, type: 'boolean', ...(g.chance(0.3) ? { default: false } : {}) };
      case 3: return { 'anyOf': [{ type: 'integer' }, { type: 'string' }], ...d, 'pattern': '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$', 'x-kubernetes-int-or-string': true };
      case 4: return { additionalProperties: { type: 'string' }, ...d, type: 'object' };
      case 5: return { ...d, items: { type: 'string' }, type: 'array', ...(g.chance(0.5) ? { 'x-kubernetes-list-type': 'atomic' } : {}) };
      case 6: return { ...d, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', type: 'string' };
      default: return { ...d, type: 'string' };
    }
  }
  const properties: K8s = {};
  const n = 2 + g.int(7);
  for (let i = 0; i < n; i++) properties[`${g.ident()}${i}`] = schema(g, depth - 1, budget);
  const keys = Object.keys(properties);
  const obj: K8s = { description: g.sentence(6, 60), properties, ...(g.chance(0.4) ? { required: keys.slice(0, 1 + g.int(2)) } : {}), type: 'object' };
  if (g.chance(0.2)) obj['x-kubernetes-map-type'] = 'atomic';
  if (g.chance(0.25)) return { description: g.sentence(4, 20), items: obj, type: 'array', ...(g.chance(0.5) ? { 'x-kubernetes-list-map-keys': [keys[0]], 'x-kubernetes-list-type': 'map' } : {}) };
  return obj;
}

function crd(g: Gen, i: number, targetBytes: number): string {
  const kind = `${g.pick(['Widget', 'Backup', 'Gateway', 'Policy', 'Cluster', 'Pipeline', 'Certificate'])}${i}`;
  const group = `${g.pick(['example', 'acme', 'infra', 'platform'])}.${g.pick(['io', 'dev', 'com'])}`;
  const plural = `${kind.toLowerCase()}s`;
  const style = g.chance(0.5) ? 'fold' : 'block';
  const names = ['v1', 'v1beta1', 'v1alpha1'].slice(0, 1 + g.int(3));
  const budget = { n: Math.max(20, Math.round(targetBytes / 330 / names.length)) };
  const versions = names.map((name, vi) => ({
    additionalPrinterColumns: [{ jsonPath: '.status.conditions[?(@.type=="Ready")].status', name: 'Ready', type: 'string' }, { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' }],
    name,
    schema: {
      openAPIV3Schema: {
        description: g.sentence(10, 40),
        properties: {
          apiVersion: { description: `APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: ${URLS[0]}`, type: 'string' },
          kind: { description: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.', type: 'string' },
          metadata: { type: 'object' },
          spec: schema(g, 9, { n: budget.n }),
          status: schema(g, 4, { n: budget.n / 8 }),
        },
        type: 'object',
      },
    },
    served: true,
    storage: vi === 0,
    subresources: { status: {} },
  }));
  const doc = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { annotations: { 'controller-gen.kubebuilder.io/version': 'v0.14.0' }, ...(g.chance(0.5) ? { creationTimestamp: null } : {}), name: `${plural}.${group}` },
    spec: { group, names: { categories: ['all'], kind, listKind: `${kind}List`, plural, shortNames: [kind.slice(0, 3).toLowerCase()], singular: kind.toLowerCase() }, scope: g.chance(0.8) ? 'Namespaced' : 'Cluster', versions },
  };
  return `---\n${toYaml(doc, 0, describer(g, style))}`;
}

function script(g: Gen, lines: number): string {
  const out = ['#!/bin/sh', 'set -eu', ''];
  for (let i = 0; i < lines; i++) {
    if (g.chance(0.1)) out.push('');
    else if (g.chance(0.1)) out.push(`\techo "${g.sentence(2, 8)}" >&2`);
    else if (g.chance(0.1)) out.push(`  # ${g.sentence(3, 10)}`);
    else out.push(`${g.pick(['if', 'curl -fsS', 'kubectl get', 'export', 'echo'])} ${g.word()}_${i} ${g.pick(['--retry 3', '-o yaml', '|| true', '"$HOME/x: y"', '# not a comment in a block'])}`);
  }
  return `${out.join('\n')}\n`;
}

function container(g: Gen, name: string, secure: boolean): K8s {
  return {
    name,
    image: `registry.example.com/${name}:${1 + g.int(9)}.${g.int(20)}.${g.int(10)}`,
    args: [`--port=${8000 + g.int(1000)}`, '--log-level=info', ...(g.chance(0.3) ? ['--config=/etc/app/config.yaml'] : [])],
    env: [{ name: 'PORT', value: String(8000 + g.int(1000)) }, { name: 'ENABLED', value: 'true' }, { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: `${name}-secret`, key: 'password' } } }],
    ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
    resources: g.chance(0.3) ? {} : { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 10, periodSeconds: 10 },
    ...(secure ? { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true } } : {}),
    volumeMounts: [{ mountPath: '/etc/app', name: 'config', readOnly: true }],
    terminationMessagePath: '/dev/termination-log',
  };
}

/** One Helm-rendered release: its documents (kind, source template, object). */
function release(g: Gen, ns: string, app: string): Array<[string, K8s]> {
  const labels = { 'app.kubernetes.io/name': app, 'app.kubernetes.io/instance': app, 'helm.sh/chart': `${app}-1.2.${g.int(9)}` };
  const md = (name: string, extra: K8s = {}) => ({ name, namespace: ns, labels, ...extra });
  const secure = g.chance(0.5);
  const podSpec = { serviceAccountName: app, ...(secure ? { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } } : {}), containers: [container(g, app, secure)], volumes: [{ name: 'config', configMap: { name: app, defaultMode: 420 } }] };
  const template = { metadata: { labels, annotations: { 'checksum/config': 'a'.repeat(8) + g.int(1e6) } }, spec: podSpec };
  const kind = g.pick(['Deployment', 'Deployment', 'StatefulSet', 'DaemonSet']);
  const data: K8s = { 'entrypoint.sh': script(g, 20 + g.int(400)), 'app.properties': Array.from({ length: 30 }, (_, i) => `${g.word()}.${g.word()}${i}=${g.word()}`).join('\n') + '\n', 'config.json': JSON.stringify({ port: 8080, features: Array.from({ length: 20 }, () => g.word()) }, null, 2) };
  const docs: Array<[string, K8s]> = [
    ['serviceaccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: md(app), automountServiceAccountToken: g.chance(0.5) }],
    ['secret', { apiVersion: 'v1', kind: 'Secret', metadata: md(`${app}-secret`), type: 'Opaque', data: { password: Buffer.from(g.sentence(2, 4)).toString('base64') } }],
    ['configmap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: md(app), data }],
    ['service', { apiVersion: 'v1', kind: 'Service', metadata: md(app), spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }], selector: labels } }],
    ['workload', { apiVersion: 'apps/v1', kind, metadata: md(app), spec: { ...(kind === 'DaemonSet' ? {} : { replicas: 1 + g.int(3) }), selector: { matchLabels: labels }, template } }],
    ['role', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: md(app), rules: [{ apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['get', 'list', 'watch'] }] }],
    ['rolebinding', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: md(app), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: app }, subjects: [{ kind: 'ServiceAccount', name: app, namespace: ns }] }],
    ['networkpolicy', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: md(app), spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }] } }],
    ['pdb', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: md(app), spec: { minAvailable: 1, selector: { matchLabels: labels } } }],
  ];
  if (g.chance(0.5)) docs.push(['ingress', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: md(app, { annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' } }), spec: { ingressClassName: 'nginx', rules: [{ host: `${app}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: app, port: { name: 'http' } } } }] } }], tls: [{ hosts: [`${app}.example.com`], secretName: `${app}-tls` }] } }]);
  if (g.chance(0.3)) docs.push(['hpa', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: md(app), spec: { maxReplicas: 10, minReplicas: 2, scaleTargetRef: { apiVersion: 'apps/v1', kind, name: app }, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { averageUtilization: 80, type: 'Utilization' } } }] } }]);
  if (g.chance(0.2)) docs.push(['prometheusrule', { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: md(app), spec: { groups: [{ name: app, rules: [{ alert: `${app}Down`, expr: `up{job="${app}"} == 0`, for: '5m', labels: { severity: 'critical' }, annotations: { summary: `Instance {{ $labels.instance }} of ${app} is down` } }] }] } }]);
  if (g.chance(0.2)) docs.push(['cronjob', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: md(`${app}-cleanup`), spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { ...podSpec, restartPolicy: 'OnFailure' } } } } } }]);
  return docs;
}

/** Text variations real files carry: a BOM, CRLF line endings, YAML 1.1 scalars written by hand. */
function handwritten(g: Gen, text: string): string {
  let t = text;
  if (g.chance(0.3)) t = t.replace(/: true$/m, ': yes').replace(/readOnly: true/, 'readOnly: on');
  if (g.chance(0.3)) t = t.replace(/defaultMode: 420/, 'defaultMode: 0644');
  if (g.chance(0.05)) t = t.replace(/\n/g, '\r\n');
  if (g.chance(0.05)) t = `\uFEFF${t}`;
  return t;
}

export interface CorpusFile {
  readonly name: string;
  readonly text: string;
}

/** About `mib` MiB of files (CRDs about 60% of the bytes), deterministic for a given `mib` and seed. */
export function* corpusFiles(mib: number, seed = 22): Generator<CorpusFile> {
  const g = new Gen(rngOf(seed));
  const target = mib * 1024 * 1024;
  const bytes = { crd: 0, rendered: 0, json: 0, single: 0 };
  const share = { crd: 0.6, rendered: 0.27, json: 0.1, single: 0.03 };
  // A repository grows by teams: about 30 objects a namespace whatever its size (at least 40 namespaces).
  const namespaces = Math.max(40, Math.round(8 * mib));
  let n = 0;
  while (bytes.crd + bytes.rendered + bytes.json + bytes.single < target) {
    n++;
    let file: CorpusFile;
    // The kind of file furthest below its share of the bytes (some randomness in the ties).
    const scores = (Object.keys(share) as Array<keyof typeof share>).map((k) => [k, bytes[k] / share[k] + (g.r() - 0.5) * 20_000] as const);
    const kind = scores.reduce((a, b) => (b[1] < a[1] ? b : a))[0];
    if (kind === 'crd') {
      file = { name: `crds/${String(n).padStart(5, '0')}-crd.yaml`, text: crd(g, n, 15_000 + g.int(g.chance(0.15) ? 800_000 : 150_000)) };
    } else if (kind === 'rendered' || kind === 'json') {
      const ns = `team-${g.int(namespaces)}`;
      const apps = Array.from({ length: 1 + g.int(4) }, (_, i) => `${g.pick(['api', 'web', 'worker', 'cache', 'auth', 'search'])}-${n}-${i}`);
      const seqIndent = g.chance(0.5) ? 0 : 2;
      const docs = apps.flatMap((a) => release(g, ns, a));
      if (kind === 'rendered') {
        const text = docs.map(([src, o]) => `---\n# Source: ${o.metadata.labels['app.kubernetes.io/name']}/templates/${src}.yaml\n${toYaml(o, seqIndent)}`).join('');
        file = { name: `apps/${ns}/${String(n).padStart(5, '0')}-rendered.yaml`, text: handwritten(g, text) };
      } else {
        const body = g.chance(0.5) ? docs.map(([, o]) => JSON.stringify(o, null, 2)).join('\n') : docs.map(([, o]) => JSON.stringify(o)).join('\n');
        file = { name: `json/${String(n).padStart(5, '0')}-objects.json`, text: `${body}\n` };
      }
    } else {
      const ns = `team-${g.int(namespaces)}`;
      const [, o] = g.pick(release(g, ns, `single-${n}`));
      file = { name: `single/${String(n).padStart(5, '0')}-${o.kind.toLowerCase()}.yaml`, text: handwritten(g, toYaml(o, g.chance(0.5) ? 0 : 2)) };
    }
    bytes[kind] += Buffer.byteLength(file.text);
    yield file;
  }
}
