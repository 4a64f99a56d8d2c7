/**
 * `who-can VERB RESOURCE`: which subjects of the input may do it, through which binding and role,
 * cluster-wide or in which namespace — from the same effective RBAC as the proof (roles resolved,
 * aggregation and built-in roles applied, groups applied to the subjects of the input that are
 * their members), with PolicyRules matched as the RBAC authorizer matches them. Pure.
 */
import { BindingGrant, RbacGraph } from './graph';
import { grants, grantsName, strings } from './policy-rule';
import { GrantIndex, ProofSubject, bindingLabel, inputSubjects, roleLabel, subjectIdentity, subjectKeyOf, subjectLabel } from './proof';
import { AuditContext } from '../audit/context';
import { isClusterScopedResource } from '../manifest/cluster-scoped';

/** A parsed RESOURCE argument. */
export interface ResourceArg {
  readonly group: string;
  /** With the subresource: `pods/exec`. */
  readonly resource: string;
}

/** API groups of the built-in resources, for a RESOURCE given without a group (as kubectl finds them by discovery). */
const BUILT_IN_GROUPS: Readonly<Record<string, string>> = {
  deployments: 'apps',
  statefulsets: 'apps',
  daemonsets: 'apps',
  replicasets: 'apps',
  controllerrevisions: 'apps',
  jobs: 'batch',
  cronjobs: 'batch',
  roles: 'rbac.authorization.k8s.io',
  rolebindings: 'rbac.authorization.k8s.io',
  clusterroles: 'rbac.authorization.k8s.io',
  clusterrolebindings: 'rbac.authorization.k8s.io',
  networkpolicies: 'networking.k8s.io',
  ingresses: 'networking.k8s.io',
  ingressclasses: 'networking.k8s.io',
  horizontalpodautoscalers: 'autoscaling',
  poddisruptionbudgets: 'policy',
  certificatesigningrequests: 'certificates.k8s.io',
  signers: 'certificates.k8s.io',
  validatingwebhookconfigurations: 'admissionregistration.k8s.io',
  mutatingwebhookconfigurations: 'admissionregistration.k8s.io',
  validatingadmissionpolicies: 'admissionregistration.k8s.io',
  validatingadmissionpolicybindings: 'admissionregistration.k8s.io',
  storageclasses: 'storage.k8s.io',
  csidrivers: 'storage.k8s.io',
  csinodes: 'storage.k8s.io',
  volumeattachments: 'storage.k8s.io',
  leases: 'coordination.k8s.io',
  customresourcedefinitions: 'apiextensions.k8s.io',
  priorityclasses: 'scheduling.k8s.io',
  endpointslices: 'discovery.k8s.io',
  tokenreviews: 'authentication.k8s.io',
  subjectaccessreviews: 'authorization.k8s.io',
  localsubjectaccessreviews: 'authorization.k8s.io',
  runtimeclasses: 'node.k8s.io',
  apiservices: 'apiregistration.k8s.io',
};

/**
 * Reads RESOURCE as `kubectl auth can-i` does: `secrets`, `pods/exec`, `deployments.apps`,
 * `deployments.v1.apps/scale` (resource[.version].group[/subresource]). Without a group, a
 * built-in resource gets its API group (`deployments` → apps) and anything else the core group.
 * Throws on an empty resource.
 */
export function parseResourceArg(arg: string): ResourceArg {
  const slash = arg.indexOf('/');
  const base = (slash >= 0 ? arg.slice(0, slash) : arg).toLowerCase();
  const sub = slash >= 0 ? arg.slice(slash + 1).toLowerCase() : undefined;
  if (base === '' || sub === '' || (sub !== undefined && sub.includes('/'))) {
    throw new Error(`RESOURCE must be resource[.group][/subresource], e.g. secrets, pods/exec, deployments.apps (got ${JSON.stringify(arg)})`);
  }
  const dot = base.indexOf('.');
  let resource = base;
  let group = BUILT_IN_GROUPS[base] ?? '';
  if (dot >= 0) {
    resource = base.slice(0, dot);
    group = base.slice(dot + 1);
    const parts = group.split('.');
    // kubectl reads resource.version.group when the second part is a version.
    if (parts.length >= 2 && /^v[0-9]+((alpha|beta)[0-9]+)?$/.test(parts[0])) group = parts.slice(1).join('.');
    if (resource === '' || group === '') throw new Error(`RESOURCE must be resource[.group][/subresource] (got ${JSON.stringify(arg)})`);
  }
  return { group, resource: sub !== undefined ? `${resource}/${sub}` : resource };
}

/** Impersonation targets: requests for them carry no namespace (a ServiceAccount's carry its own). */
const IMPERSONATION = ['|users', '|groups', 'authentication.k8s.io|uids', 'authentication.k8s.io|userextras'];

/**
 * Whether requests for the resource carry no namespace, so only ClusterRoleBindings grant them:
 * the object model's table, and impersonation of users and groups. Namespaces are not: a request
 * for a Namespace object is checked in that namespace.
 */
export function isClusterScoped(r: ResourceArg): boolean {
  const base = r.resource.split('/')[0];
  return isClusterScopedResource(r.group, base) || IMPERSONATION.includes(`${r.group}|${base}`);
}

/** What `who-can` asks. */
export interface WhoCanQuery {
  readonly verb: string;
  readonly resource: ResourceArg;
  /** Only where the binding holds in this namespace (RoleBindings there, and ClusterRoleBindings). */
  readonly namespace?: string;
  /** One object by name: rules restricted by resourceNames count only when they name it. */
  readonly name?: string;
}

/** One answer: a subject that can, and how. */
export interface WhoCanAnswer {
  readonly subject: ProofSubject;
  readonly label: string;
  /** The namespace the binding holds in; undefined: cluster-wide. */
  readonly namespace?: string;
  readonly binding: string;
  readonly location: string;
  readonly role: string;
  /** The binding subject that applies, when it is not the subject itself (a group). */
  readonly via?: string;
  /** Without a name asked for: the only object names the rules allow (every name when undefined). */
  readonly onlyNames?: readonly string[];
}

/** Which subjects of the input can do what the query asks, sorted by subject, scope and binding. */
export function whoCan(ctx: AuditContext, q: WhoCanQuery): WhoCanAnswer[] {
  const graph = RbacGraph.of(ctx);
  const index = new GrantIndex(graph);
  const clusterScoped = isClusterScoped(q.resource);
  const isNamespaces = q.resource.group === '' && q.resource.resource.split('/')[0] === 'namespaces';
  // Requests that name no object (a rule limited by resourceNames never grants them).
  const unnamedRequest = ['list', 'watch', 'deletecollection'].includes(q.verb) || (q.verb === 'create' && !q.resource.resource.includes('/'));
  const matches = new Map<BindingGrant, { onlyNames?: string[] } | undefined>();
  const match = (grant: BindingGrant): { onlyNames?: string[] } | undefined => {
    if (matches.has(grant)) return matches.get(grant);
    let result: { onlyNames?: string[] } | undefined;
    // A namespace's own object is in that namespace: a RoleBinding there grants it, and only it.
    let names = q.name;
    let scopeOk = grant.namespace === undefined || q.namespace === undefined || grant.namespace === q.namespace;
    if (grant.namespace !== undefined && clusterScoped) scopeOk = false;
    if (grant.namespace !== undefined && isNamespaces) {
      const target = q.name ?? q.namespace;
      scopeOk = target === undefined || target === grant.namespace;
      names = grant.namespace;
    }
    if (scopeOk) {
      const named = new Set<string>();
      let any = false;
      let unnamed = false;
      for (const r of grant.rules) {
        if (!grants(r.rule, q.verb, q.resource.group, q.resource.resource)) continue;
        if (unnamedRequest && strings(r.rule.resourceNames).length > 0) continue;
        if (names !== undefined) {
          if (grantsName(r.rule, names)) { any = true; unnamed = true; }
          continue;
        }
        any = true;
        const list = strings(r.rule.resourceNames);
        if (list.length === 0) unnamed = true;
        else list.forEach((n) => named.add(n));
      }
      if (any) {
        const only = !unnamed ? [...named].sort() : names !== undefined && q.name === undefined ? [names] : undefined;
        result = only !== undefined ? { onlyNames: only } : {};
      }
    }
    matches.set(grant, result);
    return result;
  };
  const out: WhoCanAnswer[] = [];
  for (const subject of inputSubjects(ctx, graph).subjects) {
    const key = subjectKeyOf(subject);
    const mine: WhoCanAnswer[] = [];
    for (const { grant, via } of index.grantsTo(subjectIdentity(subject))) {
      const m = match(grant);
      if (m === undefined) continue;
      mine.push({
        subject,
        label: subjectLabel(subject),
        namespace: grant.namespace,
        binding: bindingLabel(grant),
        location: grant.binding.location,
        role: roleLabel(grant.roleRef.kind, grant.roleRef.name, grant.role),
        ...(subjectKeyOf(via) !== key ? { via: subjectLabel(via) } : {}),
        ...(m.onlyNames !== undefined ? { onlyNames: m.onlyNames } : {}),
      });
    }
    // Subjects come sorted; within one, cluster-wide first, then by namespace and binding.
    mine.sort((a, b) => (a.namespace === undefined ? -1 : 0) - (b.namespace === undefined ? -1 : 0)
      || cmp(a.namespace ?? '', b.namespace ?? '') || cmp(a.binding, b.binding) || cmp(a.role, b.role));
    out.push(...mine);
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `create pods/exec`, `get deployments.apps` (kubectl's spelling). */
export function queryLabel(q: WhoCanQuery): string {
  const [base, sub] = q.resource.resource.split('/');
  const what = `${base}${q.resource.group !== '' ? `.${q.resource.group}` : ''}${sub !== undefined ? `/${sub}` : ''}`;
  return `${q.verb} ${what}${q.name !== undefined ? ` "${q.name}"` : ''}${q.namespace !== undefined ? ` in namespace ${q.namespace}` : ''}`;
}

/** The answer as text: a header line, then one line per subject and binding. */
export function renderWhoCan(q: WhoCanQuery, answers: readonly WhoCanAnswer[]): string {
  const subjects = new Set(answers.map((a) => a.label)).size;
  if (answers.length === 0) return `Nobody in the input can ${queryLabel(q)}.\n`;
  const out = [`Who can ${queryLabel(q)}: ${subjects} subject${subjects === 1 ? '' : 's'}`];
  let last = '';
  for (const a of answers) {
    if (a.label !== last) out.push(a.label);
    last = a.label;
    const where = a.namespace === undefined ? 'cluster-wide' : `in ${a.namespace}`;
    const names = a.onlyNames !== undefined ? `, only ${a.onlyNames.map((n) => `"${n}"`).join(', ')}` : '';
    const via = a.via !== undefined ? `, as member of ${a.via}` : '';
    out.push(`  ${where}${names}: ${a.binding} → ${a.role}${via}  [${a.location}]`);
  }
  return `${out.join('\n')}\n`;
}

/** The answer as JSON (keys in a fixed order). */
export function whoCanJson(q: WhoCanQuery, answers: readonly WhoCanAnswer[]): object {
  return {
    query: { verb: q.verb, group: q.resource.group, resource: q.resource.resource, namespace: q.namespace ?? null, name: q.name ?? null },
    answers: answers.map((a) => ({
      kind: a.subject.kind,
      name: a.subject.name,
      namespace: a.subject.namespace ?? null,
      label: a.label,
      scope: a.namespace === undefined ? 'cluster-wide' : 'namespace',
      bindingNamespace: a.namespace ?? null,
      binding: a.binding,
      location: a.location,
      role: a.role,
      via: a.via ?? null,
      onlyNames: a.onlyNames ?? null,
    })),
  };
}
