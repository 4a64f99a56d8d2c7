/**
 * Internal: the validation of one RBAC grant of a LeastPrivilegeServiceAccount — refusals first
 * (wildcards, escalation verbs, Secrets by list, what resourceNames cannot limit, cluster-scoped
 * resources in a Role, the RBAC risk model's refused rows), then the acknowledgements the audit
 * expects for the access it flags.
 */
import { IConstruct } from 'constructs';
import { RuleIds } from './acknowledge';
import { fail, show, validateDnsSubdomain, validateReason } from './validation';
import { isClusterScopedResource } from '../manifest/cluster-scoped';
import { PolicyRuleLike, describeAccess } from '../rbac/policy-rule';
import { GrantDecision, RiskHit, riskHits } from '../rbac/risk-model';
import { Verb } from '../service-account-options';

const DANGEROUS_VERBS = [Verb.ESCALATE, Verb.BIND, Verb.IMPERSONATE] as string[];
const KNOWN_VERBS = Object.values(Verb) as string[];
const RESOURCE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/;

/** What a grant asks for, as the options of `grant()` and `grantCluster()` give it. */
export interface GrantRequest {
  readonly resources: string[];
  readonly apiGroup?: string;
  readonly resourceNames?: string[];
  readonly reason?: string;
}

/** One validated grant, ready to merge. */
export interface ValidatedGrant {
  readonly apiGroup: string;
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
  /** Rule IDs acknowledged on the Role (or ClusterRole). */
  readonly flagged: string[];
  /** Rule IDs acknowledged on the binding: the audit reports them there (they depend on its scope). */
  readonly flaggedOnBinding: string[];
  readonly reason?: string;
}

/** The grant being checked, with the words of its error messages. */
interface GrantCheck {
  readonly scope: IConstruct;
  readonly verbs: Verb[];
  readonly apiGroup: string;
  readonly resources: string[];
  readonly names?: string[];
  readonly cluster: boolean;
  /** `grant of ["get"] on ["configmaps"]`. */
  readonly what: string;
  /** `grant` or `grantCluster`. */
  readonly method: string;
}

/**
 * What the RBAC risk model (src/rbac/risk-model.ts) finds in one grant: the same function the
 * audit runs over the Role it becomes. `namespace` is where it holds (undefined: cluster-wide).
 */
function grantHits(
  apiGroup: string, resource: string, verbs: string[], resourceNames: string[] | undefined, namespace: string | undefined,
): RiskHit[] {
  const rule: PolicyRuleLike = { apiGroups: [apiGroup], resources: [resource], verbs, ...(resourceNames ? { resourceNames } : {}) };
  return riskHits(rule, namespace, namespace === undefined);
}

/** `run commands in running pods: get, create on pods/exec`. */
function hitText(hit: RiskHit): string {
  return `${hit.risk.title}: ${hit.access.map((a) => describeAccess(a.verbs, a.group, a.resource)).join(', ')}`;
}

/** Validates one grant: refusals first, then acknowledgements. */
export function checkGrant(scope: IConstruct, verbs: Verb[], o: GrantRequest, cluster: boolean, namespace?: string): ValidatedGrant {
  const apiGroup = o.apiGroup ?? '';
  const resources = o.resources;
  const c: GrantCheck = {
    scope,
    verbs,
    apiGroup,
    resources,
    names: o.resourceNames,
    cluster,
    what: `grant of ${show(verbs)} on ${show(resources)}${apiGroup ? ` in API group ${show(apiGroup)}` : ''}`,
    method: cluster ? 'grantCluster' : 'grant',
  };
  checkVerbs(c);
  checkResources(c);
  checkResourceNames(c);
  checkUnlimitedVerbs(c);
  const { onRole, onBinding, reason } = checkRisks(c, o.reason, cluster ? undefined : namespace);
  const names = c.names;
  const resourceNames = names ? [...new Set(names)].sort() : undefined;
  return {
    apiGroup,
    resources: [...resources],
    verbs: [...verbs],
    resourceNames,
    flagged: [...onRole].sort(),
    flaggedOnBinding: [...onBinding].sort(),
    reason,
  };
}

/** Verbs: known, no wildcard, no escalation. */
function checkVerbs({ scope, verbs, resources, what, method }: GrantCheck): void {
  if (!Array.isArray(verbs) || verbs.length === 0) {
    fail(scope, `${method}() got an empty verb list for ${show(resources)}`, 'list the verbs the workload uses, e.g. [Verb.GET]');
  }
  for (const v of verbs) {
    if (!KNOWN_VERBS.includes(v)) {
      fail(scope, `${what}: verb ${show(v)} is not a Kubernetes RBAC verb`, `use the Verb enum: ${KNOWN_VERBS.filter((k) => k !== '*' && !DANGEROUS_VERBS.includes(k)).join(', ')}`);
    }
  }
  if (verbs.includes(Verb.ALL)) {
    fail(scope, `${what}: verb "*" is a wildcard`, 'list the exact verbs, e.g. [Verb.GET, Verb.LIST]; "*" grants every verb, present and future, including escalate, bind and impersonate');
  }
  const dangerous = verbs.filter((v) => DANGEROUS_VERBS.includes(v));
  if (dangerous.length > 0) {
    fail(scope, `${what}: verb ${show(dangerous[0])} is refused`, 'escalate, bind and impersonate let the holder give itself any permission (up to cluster-admin); a workload never needs them. Manage RBAC with your deployment pipeline instead');
  }
}

/** API group and resources: named, no wildcards. */
function checkResources({ scope, apiGroup, resources, what, method }: GrantCheck): void {
  if (typeof apiGroup !== 'string' || apiGroup.includes('*')) {
    fail(scope, `${what}: API group ${show(apiGroup)} is a wildcard`, 'name one API group ("" for core, e.g. "apps"); a wildcard matches every API group, present and future');
  }
  if (apiGroup !== '') validateDnsSubdomain(scope, `${what}: API group`, apiGroup);
  if (!Array.isArray(resources) || resources.length === 0) {
    fail(scope, `${method}() got an empty resource list`, 'list the resources, e.g. ["configmaps"]');
  }
  for (const r of resources) {
    if (typeof r === 'string' && r.includes('*')) {
      fail(scope, `${what}: resource ${show(r)} is a wildcard`, 'list the exact resources (and subresources), e.g. ["deployments", "deployments/scale"]');
    }
    if (typeof r !== 'string' || !RESOURCE.test(r)) {
      fail(scope, `${what}: resource ${show(r)} is not a resource name`, 'write the lowercase plural resource, optionally with a subresource, e.g. "configmaps" or "deployments/scale"');
    }
  }
}

/** Resource names: a non-empty list of exact object names. */
function checkResourceNames({ scope, apiGroup, resources, names, what }: GrantCheck): void {
  if (names === undefined) return;
  if (!Array.isArray(names) || names.length === 0) {
    fail(scope, `${what}: resourceNames is empty`, 'list the object names, or omit resourceNames to grant every object (an empty list would grant every object too)');
  }
  // Signer names are "<domain>/<path>"; every other object name is a single path segment.
  const signers = apiGroup === 'certificates.k8s.io' && resources.every((r) => r === 'signers');
  for (const n of names) {
    if (typeof n !== 'string' || n === '' || /[*%\s]/.test(n) || (!signers && n.includes('/'))) {
      fail(scope, `${what}: resource name ${show(n)} is not an object name`, 'write the exact name of an object, without wildcards, "/" or "%"');
    }
  }
}

/** Verbs that cannot be limited by name, Secrets, signers and cluster-scoped resources. */
function checkUnlimitedVerbs({ scope, verbs, apiGroup, resources, names, cluster, what }: GrantCheck): void {
  for (const r of resources) {
    const [base, sub] = r.split('/');
    if (apiGroup === '' && base === 'secrets') {
      if (verbs.includes(Verb.LIST) || verbs.includes(Verb.WATCH) || verbs.includes(Verb.DELETECOLLECTION)) {
        const v = verbs.find((x) => x === Verb.LIST || x === Verb.WATCH || x === Verb.DELETECOLLECTION);
        fail(scope, `${what}: ${show(v)} on Secrets is refused`, 'list and watch return the contents of every Secret in the namespace; grant get on the named Secrets the workload reads with grantReadSecret(name)');
      }
      if (verbs.includes(Verb.CREATE)) {
        fail(scope, `${what}: create on Secrets is refused`, 'create cannot be limited to named Secrets; create the Secret in the deployment pipeline or with an operator (External Secrets, Sealed Secrets), and grant get on it by name');
      }
      if (names === undefined) {
        fail(scope, `${what}: Secret access without resourceNames is refused`, 'name the Secrets the workload reads: grantReadSecret(name), or resourceNames: ["<secret>"]');
      }
    }
    if (names !== undefined && sub === undefined && verbs.includes(Verb.CREATE)) {
      fail(scope, `${what}: create cannot be limited by resourceNames`, 'Kubernetes does not check resourceNames for create (the name is not known yet), so the rule would not grant it; grant create in a separate grant without resourceNames');
    }
    if (names !== undefined && verbs.includes(Verb.DELETECOLLECTION)) {
      fail(scope, `${what}: deletecollection cannot be limited by resourceNames`, 'grant delete on the named objects instead, or deletecollection in a separate grant without resourceNames');
    }
    if (verbs.includes(Verb.APPROVE) && !(apiGroup === 'certificates.k8s.io' && base === 'signers')) {
      fail(scope, `${what}: verb "approve" only applies to signers of certificates.k8s.io`, 'grantCluster({ apiGroup: "certificates.k8s.io", resources: ["signers"], resourceNames: ["<signer>"], verbs: [Verb.APPROVE], reason })');
    }
    if (!cluster && isClusterScopedResource(apiGroup, base)) {
      fail(scope, `${what}: ${show(r)} is cluster-scoped and a namespaced Role cannot grant access to it`, 'use grantCluster({ ..., reason }) if the workload really needs it');
    }
  }
}

/**
 * The risk model: refusals, then the rules that need a reason, where the audit reports them
 * (`scope`: the namespace the grant holds in; undefined cluster-wide).
 */
function checkRisks(
  { scope, verbs, apiGroup, resources, names, cluster, what }: GrantCheck, given: string | undefined, namespace: string | undefined,
): { onRole: Set<string>; onBinding: Set<string>; reason?: string } {
  const hits = resources.flatMap((r) => grantHits(apiGroup, r, verbs, names, namespace));
  const refused = hits.find((h) => h.risk.decision === GrantDecision.REFUSE);
  if (refused) {
    fail(scope, `${what} is refused: it would ${hitText(refused)}`, `${refused.risk.rationale}; grant the exact verbs and objects the workload uses`);
  }
  const onRole = new Set<string>();
  const onBinding = new Set<string>();
  if (cluster) onBinding.add(RuleIds.RBAC_CLUSTER_SCOPED);
  for (const h of hits) (cluster && h.risk.namespaces !== undefined ? onBinding : onRole).add(h.risk.ruleId);
  const ids = [...new Set([...onRole, ...onBinding])].sort();
  let reason: string | undefined;
  if (ids.length > 0) {
    if (given === undefined) {
      const why = hits.length > 0 ? `: it would ${[...new Set(hits.map(hitText))].join('; ')}` : '';
      fail(scope, `${what} needs a reason (${ids.join(', ')})${why}`, 'prefer access that does not need one; otherwise set `reason` to explain why the workload needs it and why it is safe (it is written onto the Role or binding and shown in the audit report)');
    }
    reason = validateReason(scope, what, given);
  } else if (given !== undefined) {
    fail(scope, `${what} has a reason, but nothing in it needs one`, 'remove `reason`; it is only for access the audit flags');
  }
  return { onRole, onBinding, reason };
}
