/**
 * CEL for rules over pod specs, wherever a built-in kind keeps them (the same table as the object
 * model's findPodSpecs for built-in kinds): Pod `spec`, PodTemplate `template.spec`, CronJob
 * `spec.jobTemplate.spec.template.spec`, the other workloads `spec.template.spec`.
 *
 * Objects a built-in controller made (an ownerReference with `controller: true`, written by
 * kube-controller-manager: the ReplicaSets of a Deployment, the Pods of a ReplicaSet or Job) are
 * not checked again: their controller was, with its acknowledgements, when it was admitted. The
 * reference alone proves nothing (anyone may write one naming an object they own, and the API
 * server checks only its shape), so the request must come from kube-controller-manager: its own
 * user, or a kube-system service account (`--use-service-account-credentials`, one per controller).
 */
import { AdmissionTwin, TwinExpression, TwinValidation } from './twin';

/** The user names of kube-system's service accounts (the built-in controllers' with `--use-service-account-credentials`). */
const KUBE_SYSTEM_SERVICE_ACCOUNTS = 'system:serviceaccount:kube-system:';

/** The workload resources a pod rule matches. */
export const POD_RESOURCES = [
  { apiGroups: [''], resources: ['pods', 'podtemplates', 'replicationcontrollers'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'] },
];

/** CEL: the pod spec of the object under admission (`{}` when the kind keeps none). */
export const POD_SPEC = "object.kind == 'Pod' ? object.spec"
  + " : object.kind == 'PodTemplate' ? (has(object.template) && has(object.template.spec) ? object.template.spec : {})"
  + " : object.kind == 'CronJob' ? (has(object.spec.jobTemplate) && has(object.spec.jobTemplate.spec) && has(object.spec.jobTemplate.spec.template) && has(object.spec.jobTemplate.spec.template.spec) ? object.spec.jobTemplate.spec.template.spec : {})"
  + ' : (has(object.spec.template) && has(object.spec.template.spec) ? object.spec.template.spec : {})';

/** Which containers a rule looks at. */
export enum ContainerSet {
  /** containers, initContainers and ephemeralContainers. */
  ALL = 'all',
  /** containers and initContainers. */
  REGULAR_AND_INIT = 'regular-and-init',
}

/** The name of the match condition that skips objects a built-in controller made. */
export const NOT_MADE_BY_A_CONTROLLER = 'not-made-by-a-controller';

/** CEL: the containers of `set` in the pod spec `variables.spec` (the `containers` variable of a pod twin). */
export function containersCel(set: ContainerSet): string {
  const regular = '(has(variables.spec.containers) ? variables.spec.containers : [])';
  const init = '(has(variables.spec.initContainers) ? variables.spec.initContainers : [])';
  const ephemeral = '(has(variables.spec.ephemeralContainers) ? variables.spec.ephemeralContainers : [])';
  return set === ContainerSet.ALL ? `${regular} + ${init} + ${ephemeral}` : `${regular} + ${init}`;
}

/**
 * A twin over pod specs: `variables.spec` is the pod spec, `variables.containers` the containers
 * of `set`. Validations use them: `variables.containers.all(c, ...)`.
 */
export function podTwin(validations: TwinValidation[], set: ContainerSet = ContainerSet.ALL, conditions: TwinExpression[] = []): AdmissionTwin {
  return {
    match: POD_RESOURCES,
    matchConditions: [{
      name: NOT_MADE_BY_A_CONTROLLER,
      expression: '!has(object.metadata.ownerReferences) || !object.metadata.ownerReferences.exists(r, has(r.controller) && r.controller)'
        + ` || !(request.userInfo.username == 'system:kube-controller-manager' || request.userInfo.username.startsWith('${KUBE_SYSTEM_SERVICE_ACCOUNTS}'))`,
    }, ...conditions],
    variables: [
      { name: 'spec', expression: POD_SPEC },
      { name: 'containers', expression: containersCel(set) },
    ],
    validations,
  };
}
