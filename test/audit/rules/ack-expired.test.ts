import { auditManifests } from '../../../src/audit/engine';
import { RuleIds } from '../../../src/audit/rule-ids';
import { rule } from '../../../src/audit/rules/ack-expired';
import { AuditException } from '../../../src/audit/types';
import { compliantBundle, compliantPodSpec, deployment } from '../util';

function privileged(name: string): any {
  const spec = compliantPodSpec();
  spec.containers[0].securityContext.privileged = true;
  return deployment(name, 'shop', spec);
}

const EXCEPTION: AuditException = {
  ruleId: RuleIds.PSS_PRIVILEGED,
  kind: 'Deployment',
  namespace: 'shop',
  name: 'api',
  reason: 'storage driver needs device access, reviewed by the platform team',
  expires: '2025-06-30',
};

describe('SB-ACK-EXPIRED', () => {
  test('the rule itself reports nothing; the engine reports exceptions past their expires day', () => {
    expect(rule.check({} as any)).toEqual([]);
    expect(rule.severity).toBe('warning');
    const objects = [...compliantBundle(), privileged('api')];
    const lastDay = auditManifests(objects, { exceptions: [EXCEPTION], today: '2025-06-30' });
    expect(lastDay.findings.filter((f) => !f.acknowledged)).toEqual([]);
    expect(lastDay.passed).toBe(true);

    const dayAfter = auditManifests(objects, { exceptions: [EXCEPTION], today: '2025-07-01' });
    expect(dayAfter.findings.map((f) => [f.ruleId, f.jsonPath, f.acknowledged])).toEqual([
      ['SB-ACK-EXPIRED', 'exceptions[0]', false],
      ['SB-PSS-PRIVILEGED', 'spec.template.spec.containers[0].securityContext.privileged', false],
    ]);
    expect(dayAfter.findings[0]).toEqual({
      ruleId: 'SB-ACK-EXPIRED',
      severity: 'warning',
      message: 'exception of SB-PSS-PRIVILEGED on kind Deployment, namespace shop, name api (reason: "storage driver needs device access, reviewed by the platform team") expired on 2025-06-30 (today is 2025-07-01): it no longer accepts the 1 finding it matches, reported again',
      fix: rule.fix,
      jsonPath: 'exceptions[0]',
      acknowledged: false,
    });
    expect([dayAfter.violations, dayAfter.warnings, dayAfter.passed]).toEqual([1, 1, false]);
  });

  test('an expired exception that matches nothing says so; disabling the rule drops the finding, not the expiry', () => {
    const expired = auditManifests(compliantBundle(), { exceptions: [EXCEPTION], today: '2026-01-01' });
    expect(expired.findings.map((f) => f.message)).toEqual([
      'exception of SB-PSS-PRIVILEGED on kind Deployment, namespace shop, name api (reason: "storage driver needs device access, reviewed by the platform team") expired on 2025-06-30 (today is 2026-01-01): it matches no finding',
    ]);
    const disabled = auditManifests([...compliantBundle(), privileged('api')], { exceptions: [EXCEPTION], today: '2026-01-01', disabledRules: [RuleIds.ACK_EXPIRED] });
    expect(disabled.findings.map((f) => [f.ruleId, f.acknowledged])).toEqual([['SB-PSS-PRIVILEGED', false]]);
  });
});
