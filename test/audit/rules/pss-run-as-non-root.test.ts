import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, compliantPodSpec, deployment, findings } from '../util';

describe('SB-PSS-RUN-AS-NON-ROOT', () => {
  test('compliant workloads pass (pod-level, or every container)', () => {
    const spec = compliantPodSpec();
    delete spec.securityContext.runAsNonRoot;
    spec.containers[0].securityContext.runAsNonRoot = true;
    expect(findings(RuleIds.PSS_RUN_AS_NON_ROOT, [...compliantBundle(), deployment('api', 'shop', spec)])).toEqual([]);
  });

  test('flags unset, pod false and container false', () => {
    const unset = compliantPodSpec();
    delete unset.securityContext.runAsNonRoot;
    const podFalse = compliantPodSpec();
    podFalse.securityContext.runAsNonRoot = false;
    const containerFalse = compliantPodSpec();
    containerFalse.containers[0].securityContext.runAsNonRoot = false;
    expect(findings(RuleIds.PSS_RUN_AS_NON_ROOT, [deployment('a', 'shop', unset), deployment('b', 'shop', podFalse), deployment('c', 'shop', containerFalse)])).toEqual([
      { object: 'Deployment/shop/a', jsonPath: 'spec.template.spec.containers[0].securityContext.runAsNonRoot', message: 'container "web" may run as root (runAsNonRoot is set neither on the pod nor on the container)' },
      { object: 'Deployment/shop/b', jsonPath: 'spec.template.spec.securityContext.runAsNonRoot', message: 'pod sets runAsNonRoot: false' },
      { object: 'Deployment/shop/c', jsonPath: 'spec.template.spec.containers[0].securityContext.runAsNonRoot', message: 'container "web" sets runAsNonRoot: false' },
    ]);
  });

  test('Windows pods are not exempt', () => {
    const windows = compliantPodSpec();
    windows.os = { name: 'windows' };
    delete windows.securityContext.runAsNonRoot;
    expect(findings(RuleIds.PSS_RUN_AS_NON_ROOT, [deployment('win', 'shop', windows)])).toEqual([
      { object: 'Deployment/shop/win', jsonPath: 'spec.template.spec.containers[0].securityContext.runAsNonRoot', message: 'container "web" may run as root (runAsNonRoot is set neither on the pod nor on the container)' },
    ]);
  });
});
