/**
 * The container rules on ephemeral containers, which `kubectl debug` adds to a running pod.
 *
 * The API server admits that as an UPDATE of the `pods/ephemeralcontainers` subresource whose
 * object is the whole Pod; it keeps every other field of the pod (labels and annotations
 * included) as it was and refuses changes to ephemeral containers already there. A resource rule
 * for `pods` does not match that subresource, so the pod twins never see it: this policy does.
 *
 * It judges only the ephemeral containers the request adds (or changes), compared with
 * `oldObject`: the pod's own containers, and ephemeral containers added earlier, were judged when
 * they were admitted, with the acknowledgements of the workload, and a pod admitted before the
 * policy existed must stay debuggable with a compliant container. Pod Security Admission judges
 * the whole pod on this subresource, at the namespace's level; this policy does not depend on it.
 *
 * The checks are not written again here: each is the CEL of a container twin (a pod twin over
 * every container kind, ContainerSet.ALL) or of a Pod Security container check
 * (./pod-security-containers.ts), evaluated with the same variable names (`spec`, `containers`).
 * Each is skipped when the Pod acknowledges its rule, as the twins' match condition decides.
 */
import { ContainerSet, NOT_MADE_BY_A_CONTROLLER, containersCel } from './pod';
import { POD_SECURITY_CONTAINER_CHECKS } from './pod-security-containers';
import { AdmissionTwin, TwinExpression, TwinValidation, notAcknowledged } from './twin';

/** The subresource `kubectl debug` writes. */
export const EPHEMERAL_CONTAINERS_SUBRESOURCE = 'pods/ephemeralcontainers';

/** What each failed check's message adds. */
const WHERE = ' (checked on each ephemeral container this request adds, e.g. with kubectl debug)';

/**
 * CEL: the ephemeral containers of the request that `oldObject` (the pod before it; the policy
 * matches UPDATE only) does not hold as they are: `in` compares whole containers.
 */
const ADDED = '(has(object.spec.ephemeralContainers) ? object.spec.ephemeralContainers : [])'
  + '.filter(c, !has(oldObject.spec.ephemeralContainers) || !(c in oldObject.spec.ephemeralContainers))';

/** A twin's rule, with the audit's rule ID. */
export interface TwinnedRule {
  readonly id: string;
  readonly admission?: AdmissionTwin;
}

/** The ValidatingAdmissionPolicy parts of the ephemeral containers policy. */
export interface EphemeralContainersPolicy {
  readonly resourceRules: Array<{ apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }>;
  readonly variables: TwinExpression[];
  readonly validations: Array<{ expression: string; message: string; reason: string }>;
}

/** A container twin's checks: its validations, and its match conditions other than the controller one. */
export interface ContainerTwinChecks {
  readonly conditions: TwinExpression[];
  readonly validations: TwinValidation[];
}

/**
 * The validations of a twin that judge each container of a pod on its own (its `containers`
 * variable holds every container kind, and its validations read it), or undefined for other
 * twins: those of other kinds, pod-level ones (the subresource cannot change the pod's own
 * fields), and those that skip ephemeral containers (resources). A twin with other variables than
 * `spec` and `containers` cannot be evaluated here: that is an error, not a silent skip.
 */
export function containerTwinChecks(ruleId: string, twin: AdmissionTwin): ContainerTwinChecks | undefined {
  const onPods = twin.match.some((m) => m.apiGroups.includes('') && m.resources.includes('pods'));
  const containers = twin.variables?.find((v) => v.name === 'containers');
  if (!onPods || containers?.expression !== containersCel(ContainerSet.ALL)) return undefined;
  const validations = twin.validations.filter((v) => v.expression.includes('variables.containers'));
  if (validations.length === 0) return undefined;
  const unknown = (twin.variables ?? []).filter((v) => v.name !== 'spec' && v.name !== 'containers');
  if (unknown.length > 0) {
    throw new Error(`the CEL twin of ${ruleId} declares variables ${unknown.map((v) => v.name).join(', ')}, which the ephemeral containers policy does not define; add them to src/admission/ephemeral.ts`);
  }
  return { conditions: (twin.matchConditions ?? []).filter((c) => c.name !== NOT_MADE_BY_A_CONTROLLER), validations };
}

/** One check: it holds, or the Pod acknowledges its rule, or one of the twin's other match conditions does not hold. */
function check(ruleId: string, v: TwinValidation, conditions: TwinExpression[]): { expression: string; message: string; reason: string } {
  const skip = [notAcknowledged(ruleId), ...conditions].map((c) => `!(${c.expression})`).join(' || ');
  return { expression: `${skip} || (${v.expression})`, message: `${ruleId}: ${v.message}${WHERE}`, reason: 'Forbidden' };
}

/**
 * The policy on `pods/ephemeralcontainers`: the container twins of `rules` and the Pod Security
 * container checks, on the ephemeral containers the request adds, sorted by rule ID.
 */
export function ephemeralContainersPolicy(rules: readonly TwinnedRule[]): EphemeralContainersPolicy {
  const checks: Array<{ ruleId: string; v: TwinValidation; conditions: TwinExpression[] }> = [];
  for (const r of rules) {
    const twin = r.admission === undefined ? undefined : containerTwinChecks(r.id, r.admission);
    for (const v of twin?.validations ?? []) checks.push({ ruleId: r.id, v, conditions: twin!.conditions });
  }
  for (const c of POD_SECURITY_CONTAINER_CHECKS) checks.push({ ruleId: c.ruleId, v: c.validation, conditions: [] });
  checks.sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return {
    resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: [EPHEMERAL_CONTAINERS_SUBRESOURCE] }],
    variables: [
      // The object is a Pod: its spec, whose securityContext the containers inherit.
      { name: 'spec', expression: 'object.spec' },
      { name: 'containers', expression: ADDED },
    ],
    validations: checks.map((c) => check(c.ruleId, c.v, c.conditions)),
  };
}
