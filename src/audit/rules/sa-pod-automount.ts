import { ContainerSet, POD_SPEC, podTwin } from '../../admission/pod';
import { AuditContext, asArray, isObject } from '../context';
import { Issue, RuleDefinition, podServiceAccount, q } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/**
 * Audiences the Kubernetes API server accepts by default: its in-cluster names (kubeadm, kind,
 * k3s, EKS's api-audiences) and the service-account issuers of the managed clusters (the API
 * server's audiences default to its issuer). A projected token without an audience is issued for
 * the API server too.
 */
const API_AUDIENCES: RegExp[] = [
  /^(https?:\/\/)?kubernetes(\.default(\.svc(\.[a-z0-9-]+)*)?)?\/?$/i,
  /^https:\/\/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[A-Za-z0-9]+\/?$/,
  /^https:\/\/container\.googleapis\.com\/v1\/projects\/[^/]+\/(locations|zones)\/[^/]+\/clusters\/[^/]+\/?$/,
  /^https:\/\/[a-z0-9-]+\.oic\.prod-aks\.azure\.com\//,
];

/** Whether a projected token audience is the Kubernetes API server's. */
export function isApiServerAudience(audience: unknown): boolean {
  if (audience === undefined || audience === null || audience === '') return true;
  return typeof audience === 'string' && API_AUDIENCES.some((re) => re.test(audience.trim()));
}

/** CEL: `a` (a projected token's audience) is the API server's, as isApiServerAudience decides. */
const CEL_API_AUDIENCE = (a: string) => `(!has(${a}.audience) || ${a}.audience == null || ${a}.audience == ''`
  + ` || (type(${a}.audience) == string && (${a}.audience.matches('(?i)^[[:space:]]*(https?://)?kubernetes([.]default([.]svc([.][a-z0-9-]+)*)?)?/?[[:space:]]*$')`
  + ` || ${a}.audience.matches('^[[:space:]]*https://oidc[.]eks[.][a-z0-9-]+[.]amazonaws[.]com([.]cn)?/id/[A-Za-z0-9]+/?[[:space:]]*$')`
  + ` || ${a}.audience.matches('^[[:space:]]*https://container[.]googleapis[.]com/v1/projects/[^/]+/(locations|zones)/[^/]+/clusters/[^/]+/?[[:space:]]*$')`
  + ` || ${a}.audience.matches('^[[:space:]]*https://[a-z0-9-]+[.]oic[.]prod-aks[.]azure[.]com/'))))`;

/** CEL: the pod spec `s` projects a Kubernetes API token. */
const CEL_API_TOKEN = (s: string) => `(has(${s}.volumes) ? ${s}.volumes : []).exists(v, has(v.projected) && has(v.projected.sources)`
  + ` && v.projected.sources.exists(src, has(src.serviceAccountToken) && ${CEL_API_AUDIENCE('src.serviceAccountToken')}))`;

/** CEL: the pod spec `s` says automountServiceAccountToken: true or false itself. */
const CEL_SAYS = (s: string) => `(has(${s}.automountServiceAccountToken) && type(${s}.automountServiceAccountToken) == bool)`;

/** Pods mount an API token only when they opt in explicitly. */
export const rule: RuleDefinition = {
  id: RuleIds.SA_POD_AUTOMOUNT,
  severity: Severity.ERROR,
  area: 'Service accounts',
  description: 'Pods must not automount a ServiceAccount token unless they opt in explicitly (acknowledged), and must not project a Kubernetes API token (a projected serviceAccountToken volume without audience or for the API server\'s audience: https://kubernetes.default.svc[.<domain>], kubernetes.default.svc, the EKS/GKE/AKS issuer URL) even with automountServiceAccountToken: false.',
  fix: 'Set automountServiceAccountToken: false on the pod (or on its ServiceAccount) and give projected tokens the audience of their receiver (e.g. "vault"); if the pod calls the Kubernetes API, acknowledge this rule with the reason.',
  standards: {
    cis: ['5.1.6'],
    kubescape: ['C-0034', 'C-0190', 'C-0261'],
    polaris: ['automountServiceAccountToken'],
  },
  // Decided in the cluster when the pod itself says true or false, or projects an API token; an
  // unset field inherits the ServiceAccount's setting, which only the synth-time audit sees.
  admission: podTwin([{
    expression: `!(${CEL_SAYS('variables.spec')} && variables.spec.automountServiceAccountToken == true) && !(${CEL_API_TOKEN('variables.spec')})`,
    message: 'pods set automountServiceAccountToken: false (or acknowledge this rule) and project no Kubernetes API token',
  }], ContainerSet.ALL, [{
    name: 'decided-by-the-pod',
    expression: `${CEL_SAYS(`(${POD_SPEC})`)} || ${CEL_API_TOKEN(`(${POD_SPEC})`)}`,
  }]),
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    for (const pod of ctx.pods) {
      const saName = podServiceAccount(pod.spec);
      asArray(pod.spec.volumes).forEach((v: any, i: number) => {
        if (!isObject(v) || !isObject(v.projected)) return;
        asArray(v.projected.sources).forEach((src: any, j: number) => {
          const token = isObject(src) && isObject(src.serviceAccountToken) ? src.serviceAccountToken : undefined;
          if (!token || !isApiServerAudience(token.audience)) return;
          const audience = token.audience === undefined || token.audience === null || token.audience === '' ? 'no audience (the API server\'s)' : `audience ${q(token.audience)}`;
          out.push({
            obj: pod.obj,
            jsonPath: `${pod.specPath}.volumes[${i}].projected.sources[${j}].serviceAccountToken`,
            message: `pod projects a Kubernetes API token of ServiceAccount ${q(saName)} (volume ${q(v.name)}, ${audience}), whatever automountServiceAccountToken says`,
          });
        });
      });
      const podValue = pod.spec.automountServiceAccountToken;
      if (podValue === false) continue;
      if (podValue === true) {
        out.push({ obj: pod.obj, jsonPath: `${pod.specPath}.automountServiceAccountToken`, message: `pod mounts the token of ServiceAccount ${q(saName)} (automountServiceAccountToken: true)` });
        continue;
      }
      const sa = ctx.find('', 'ServiceAccount', pod.obj.namespace, saName);
      if (sa && sa.manifest.automountServiceAccountToken === false) continue;
      out.push({
        obj: pod.obj,
        jsonPath: `${pod.specPath}.automountServiceAccountToken`,
        message: sa
          ? `pod automounts the token of ServiceAccount ${q(saName)} (neither the pod nor the ServiceAccount sets automountServiceAccountToken: false)`
          : `pod automounts the token of ServiceAccount ${q(saName)} (the pod does not set automountServiceAccountToken: false and the ServiceAccount is not in the output)`,
      });
    }
    return out;
  },
};
