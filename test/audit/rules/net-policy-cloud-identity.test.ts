import { RuleIds } from '../../../src/audit/rule-ids';
import { RULES_BY_ID } from '../../../src/audit/rules';
import { compliantPodSpec, deployment, findings, namespace, serviceAccount } from '../util';

const GKE = { 'iam.gke.io/gcp-service-account': 'payments@acme-shop.iam.gserviceaccount.com' };
const EKS = { 'cdk8s-secure-baseline.io/eks-pod-identity-role-arn': 'arn:aws:iam::123456789012:role/shop-payments' };

const sa = (name: string, annotations?: any) => ({ ...serviceAccount(name), metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) } });
const np = (name: string, podSelector: any, egress: any[]) => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'shop' }, spec: { podSelector, policyTypes: ['Egress'], egress },
});
const block = (cidr: string, except?: string[]) => ({ ipBlock: { cidr, ...(except ? { except } : {}) } });
const tcp = (port: number) => [{ protocol: 'TCP', port }];
const app = (name: string) => ({ matchLabels: { app: name } });

/** Namespace shop: Deployment payments (GKE identity), Deployment ledger (EKS Pod Identity), Deployment mailer (none). */
function bundle(): any[] {
  return [
    namespace(),
    sa('payments', GKE), deployment('payments', 'shop', compliantPodSpec('payments')),
    sa('ledger', EKS), deployment('ledger', 'shop', compliantPodSpec('ledger')),
    sa('mailer'), deployment('mailer', 'shop', compliantPodSpec('mailer')),
  ];
}

const messages = (objects: any[]) => findings(RuleIds.NET_POLICY_CLOUD_IDENTITY, objects).map((f) => `${f.object} ${f.jsonPath}: ${f.message}`).sort();

describe('SB-NET-POLICY-CLOUD-IDENTITY', () => {
  test('compliant: each identity\'s endpoint, on its port, for the pods of its own account; blocks that except the endpoints', () => {
    expect(messages([
      ...bundle(),
      np('payments', app('payments'), [{ to: [block('169.254.169.254/32')], ports: tcp(80) }, { to: [block('169.254.169.252/32')], ports: tcp(988) }]),
      np('ledger', app('ledger'), [{ to: [block('169.254.170.23/32'), block('fd00:ec2::23/128')], ports: tcp(80) }]),
      np('internet', {}, [{ to: [block('0.0.0.0/0', ['169.254.169.252/32', '169.254.169.254/32', '169.254.170.23/32'])], ports: tcp(443) }]),
      np('internet6', {}, [{ to: [block('::/0', ['fd00:ec2::23/128', 'fd00:ec2::254/128'])], ports: tcp(443) }]),
      np('pods', {}, [{ to: [{ namespaceSelector: {} }] }]),
    ])).toEqual([]);
  });

  test('flags the endpoint opened to pods without the identity, through any spelling or a broad block', () => {
    expect(messages([
      ...bundle(),
      np('mailer', app('mailer'), [
        { to: [block('169.254.169.254/32')], ports: tcp(80) },
        { to: [block('::ffff:169.254.170.23/128')], ports: tcp(80) },
        { to: [block('169.254.0.0/16', ['169.254.169.254/32'])], ports: tcp(443) },
      ]),
      // Selects payments (GKE) and ledger (EKS): each lacks the other's identity.
      np('both', { matchExpressions: [{ key: 'app', operator: 'In', values: ['payments', 'ledger'] }] }, [{ to: [block('169.254.169.254/32'), block('169.254.170.23/32')], ports: tcp(80) }]),
    ])).toEqual([
      'NetworkPolicy/shop/mailer spec.egress[0].to[0].ipBlock: spec.egress[0] opens the GKE metadata server (169.254.169.254/32, TCP 80) through ipBlock 169.254.169.254/32 on TCP 80 to pods whose ServiceAccount has no GKE Workload Identity: ServiceAccount shop/mailer (Deployment/shop/mailer)',
      'NetworkPolicy/shop/mailer spec.egress[1].to[0].ipBlock: spec.egress[1] opens the EKS Pod Identity Agent (169.254.170.23/32, TCP 80) through ipBlock ::ffff:169.254.170.23/128 on TCP 80 to pods whose ServiceAccount has no EKS Pod Identity: ServiceAccount shop/mailer (Deployment/shop/mailer)',
      'NetworkPolicy/shop/mailer spec.egress[2].to[0].ipBlock: spec.egress[2] opens the node-local GKE metadata server (169.254.169.252/32, TCP 988) through ipBlock 169.254.0.0/16 except 169.254.169.254/32 on TCP 443 to pods whose ServiceAccount has no GKE Workload Identity: ServiceAccount shop/mailer (Deployment/shop/mailer)',
      'NetworkPolicy/shop/mailer spec.egress[2].to[0].ipBlock: spec.egress[2] opens the EKS Pod Identity Agent (169.254.170.23/32, TCP 80) through ipBlock 169.254.0.0/16 except 169.254.169.254/32 on TCP 443 to pods whose ServiceAccount has no EKS Pod Identity: ServiceAccount shop/mailer (Deployment/shop/mailer)',
      'NetworkPolicy/shop/both spec.egress[0].to[0].ipBlock: spec.egress[0] opens the GKE metadata server (169.254.169.254/32, TCP 80) through ipBlock 169.254.169.254/32 on TCP 80 to pods whose ServiceAccount has no GKE Workload Identity: ServiceAccount shop/ledger (Deployment/shop/ledger)',
      'NetworkPolicy/shop/both spec.egress[0].to[1].ipBlock: spec.egress[0] opens the EKS Pod Identity Agent (169.254.170.23/32, TCP 80) through ipBlock 169.254.170.23/32 on TCP 80 to pods whose ServiceAccount has no EKS Pod Identity: ServiceAccount shop/payments (Deployment/shop/payments)',
    ].sort());
  });

  test('flags a namespace-wide opening, a rule without to, more ports than the identity needs, and accounts missing from the manifests', () => {
    const orphan = deployment('orphan', 'shop', compliantPodSpec('ghost'));
    expect(messages([
      ...bundle(),
      orphan,
      np('everyone', {}, [{ to: [block('169.254.170.23/32')], ports: tcp(80) }]),
      np('payments', app('payments'), [{ to: [block('169.254.169.254/32')] }]),
      np('orphan', app('orphan'), [{ ports: tcp(80) }]),
    ])).toEqual([
      'NetworkPolicy/shop/everyone spec.egress[0].to[0].ipBlock: spec.egress[0] opens the EKS Pod Identity Agent (169.254.170.23/32, TCP 80) through ipBlock 169.254.170.23/32 on TCP 80 to every pod of namespace shop, present and future (podSelector {}): only the pods of a workload whose ServiceAccount has EKS Pod Identity may reach it',
      'NetworkPolicy/shop/payments spec.egress[0].to[0].ipBlock: spec.egress[0] opens the GKE metadata server (169.254.169.254/32, TCP 80) through ipBlock 169.254.169.254/32 on every port; GKE Workload Identity needs TCP 80 only',
      'NetworkPolicy/shop/orphan spec.egress[0]: spec.egress[0] opens the GKE metadata server (169.254.169.254/32, TCP 80) with every other destination (no to) on TCP 80 to pods whose ServiceAccount has no GKE Workload Identity: ServiceAccount shop/ghost (not in the manifests) (Deployment/shop/orphan)',
      'NetworkPolicy/shop/orphan spec.egress[0]: spec.egress[0] opens the node-local GKE metadata server (169.254.169.252/32, TCP 988) with every other destination (no to) on TCP 80 to pods whose ServiceAccount has no GKE Workload Identity: ServiceAccount shop/ghost (not in the manifests) (Deployment/shop/orphan)',
      'NetworkPolicy/shop/orphan spec.egress[0]: spec.egress[0] opens the EKS Pod Identity Agent (169.254.170.23/32, TCP 80) with every other destination (no to) on TCP 80 to pods whose ServiceAccount has no EKS Pod Identity: ServiceAccount shop/ghost (not in the manifests) (Deployment/shop/orphan)',
      'NetworkPolicy/shop/orphan spec.egress[0]: spec.egress[0] opens the EKS Pod Identity Agent (fd00:ec2::23/128, TCP 80) with every other destination (no to) on TCP 80 to pods whose ServiceAccount has no EKS Pod Identity: ServiceAccount shop/ghost (not in the manifests) (Deployment/shop/orphan)',
    ].sort());
  });

  test('is mapped to standards and documented', () => {
    const rule = RULES_BY_ID.get(RuleIds.NET_POLICY_CLOUD_IDENTITY)!;
    expect(rule.standards).toEqual({ kubescape: ['C-0052'] });
    expect(rule.description).toContain('169.254.169.254/32 TCP 80, 169.254.169.252/32 TCP 988, 169.254.170.23/32 TCP 80, fd00:ec2::23/128 TCP 80');
  });
});
