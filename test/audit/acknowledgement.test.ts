import { Chart, Testing } from 'cdk8s';
import { reasonProblem } from '../../src/audit/acknowledgement';
import { auditManifests } from '../../src/audit/engine';
import { RuleIds } from '../../src/audit/rule-ids';
import { SecurityAudit } from '../../src/audit/security-audit';
import { validateReason } from '../../src/private/validation';

/**
 * One judgement of reasons, for every channel: construct props (`validateReason`),
 * `SecurityAudit.acknowledge()` and acknowledgement annotations read back by the audit.
 */
const ACCEPTED: string[] = [
  // English, as the README and the examples write them.
  'Vendor agent binds port 80 as non-root; approved in SEC-1234 until 2027-03',
  'The CI runner starts one build Job per pipeline run; approved by platform security (SEC-142).',
  'Reads node zones to pick a build cache in the same zone; read-only, approved by SRE.',
  'bare-metal cluster without a load balancer',
  'lab cluster without a load balancer',
  'metrics agent must read node stats, reviewed by the platform team',
  // Other languages and scripts.
  'Экспортер узлов опрашивается внешней системой мониторинга',
  '外部監視VLANからノードエクスポーターを取得するため、チケットNET-412',
  '外部监控系统需要抓取节点指标，已由安全团队批准',
  'Der Exporter wird vom externen Monitoring abgefragt (Ticket NET-412)',
  'Le port 80 est exigé par le répartiteur matériel du datacenter',
  'Ο εξαγωγέας κόμβων διαβάζεται από εξωτερικό σύστημα παρακολούθησης',
  '외부 모니터링 시스템이 노드 익스포터를 수집합니다',
  'مصدّر العقد يُستطلع من نظام المراقبة الخارجي',
  // Short words and identifiers are fine among real ones.
  'SEC-1234 approved by CISO on 2026-01-10',
  'C-0034 is accepted: the pod reads its own token, see SEC-88',
];

const REFUSED: Array<[string, string]> = [
  ['todo', 'is too short (4 characters, 1 word; at least 20 characters and 3 words are required)'],
  ['   ', 'is too short (0 characters, 0 words; at least 20 characters and 3 words are required)'],
  ['temporary exception', 'is too short (19 characters, 2 words; at least 20 characters and 3 words are required)'],
  ['監視のため', 'is too short (5 characters, 3 words; at least 20 characters and 3 words are required; Chinese, Japanese or Thai characters count twice)'],
  ['todo todo todo todo todo n/a', 'is a placeholder (fewer than 3 distinct words besides "todo", "n/a", "because", "temporary", ...)'],
  ['temporary exception, approved, fixme later', 'is a placeholder (fewer than 3 distinct words besides "todo", "n/a", "because", "temporary", ...)'],
  ['a b c d e f g h i j k', 'is letter salad (most of its words are single letters)'],
  ['x y z q w e r t y u i o p', 'is letter salad (most of its words are single letters)'],
  ['я ю э щ ш ч ц х ф у т с р', 'is letter salad (most of its words are single letters)'],
  ['aa bb cc dd ee ff gg hh', 'is a placeholder (fewer than 3 distinct words besides "todo", "n/a", "because", "temporary", ...)'],
  ['aaaaaaaa bbbbbbbb cccccccc', 'is a placeholder (fewer than 3 distinct words besides "todo", "n/a", "because", "temporary", ...)'],
  ['ab cd ef gh ij kl mn op', 'is letter salad (no word has 3 letters or more)'],
  ['lorem ipsum lorem ipsum lorem ipsum', 'is a placeholder (fewer than 3 distinct words besides "todo", "n/a", "because", "temporary", ...)'],
  ['alpha beta gamma alpha beta gamma alpha beta gamma', 'is letter salad (9 words, but only 3 different ones)'],
  ['1234567890 1234567890 1234567890', 'is a placeholder (fewer than 3 distinct words besides "todo", "n/a", "because", "temporary", ...)'],
  ['ああああああああああああ', 'is a placeholder (fewer than 3 distinct words besides "todo", "n/a", "because", "temporary", ...)'],
  ['漢字漢字漢字漢字漢字漢字', 'is a placeholder (fewer than 3 distinct words besides "todo", "n/a", "because", "temporary", ...)'],
];

describe('acknowledgement reasons', () => {
  test.each(ACCEPTED)('accepted: %s', (reason) => {
    expect(reasonProblem(reason)).toBeUndefined();
  });

  test.each(REFUSED)('refused: %j', (reason, problem) => {
    expect(reasonProblem(reason)).toBe(problem);
  });

  test('not a string', () => {
    expect(reasonProblem(42)).toBe('is not a string');
  });

  test('constructs, SecurityAudit.acknowledge() and annotations judge alike', () => {
    for (const reason of [...ACCEPTED, ...REFUSED.map(([r]) => r)]) {
      const accepted = reasonProblem(reason) === undefined;
      const chart = new Chart(Testing.app(), 'test');
      if (accepted) expect(validateReason(chart, 'something', reason)).toBe(reason.trim());
      else expect(() => validateReason(chart, 'something', reason)).toThrow(/is empty or trivial/);
      let thrown = false;
      try {
        SecurityAudit.acknowledge(chart, RuleIds.SVC_EXPOSED, reason);
      } catch {
        thrown = true;
      }
      expect(thrown).toBe(!accepted);
      const service = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'shop', annotations: { [`ack.cdk8s-secure-baseline.io/${RuleIds.SVC_EXPOSED}`]: reason } },
        spec: { type: 'NodePort', ports: [{ port: 80 }] },
      };
      const finding = auditManifests([service]).findings.find((f) => f.ruleId === RuleIds.SVC_EXPOSED);
      expect(finding?.acknowledged).toBe(accepted);
    }
  });
});
