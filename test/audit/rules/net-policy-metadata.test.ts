import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, findings } from '../util';

const np = (name: string, egress: any[], ns = 'shop') => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec: { podSelector: {}, policyTypes: ['Egress'], egress },
});
const block = (cidr: string, except?: string[]) => ({ ipBlock: { cidr, ...(except ? { except } : {}) } });

describe('SB-NET-POLICY-METADATA', () => {
  test('compliant: blocks that except the endpoints (any spelling), blocks beside them, ingress, pod peers', () => {
    const objects = [
      ...compliantBundle(),
      np('v4', [{ to: [block('0.0.0.0/0', ['169.254.169.254/32'])], ports: [{ port: 443 }] }]),
      np('v6', [{ to: [block('::/0', ['fd00:ec2::254/128', '::ffff:169.254.169.254/128'])] }]),
      np('v6-mapped-range-excepted', [{ to: [block('::/0', ['fd00:ec2::/64', '::ffff:0:0/96'])] }]),
      np('link-local-excepted', [{ to: [block('169.254.0.0/16', ['169.254.169.0/24'])] }]),
      np('private', [{ to: [block('10.0.0.0/8'), block('fd00:ec2::/127')] }]),
      np('pods', [{ to: [{ namespaceSelector: {} }] }]),
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'ingress', namespace: 'shop' }, spec: { podSelector: {}, ingress: [{ from: [block('0.0.0.0/0')] }] } },
    ];
    expect(findings(RuleIds.NET_POLICY_METADATA, objects)).toEqual([]);
  });

  test('flags 0.0.0.0/0 (the exact case) and names the residual range', () => {
    expect(findings(RuleIds.NET_POLICY_METADATA, [np('internet', [{ to: [block('0.0.0.0/0')], ports: [{ port: 443, protocol: 'TCP' }] }])])).toEqual([{
      object: 'NetworkPolicy/shop/internet',
      jsonPath: 'spec.egress[0].to[0].ipBlock',
      message: 'spec.egress[0] admits egress to ipBlock 0.0.0.0/0 on TCP 443; the residual range 0.0.0.0/0 contains the cloud metadata endpoint 169.254.169.254/32',
    }]);
  });

  test('flags every other spelling: ::/0 (its IPv6 endpoint; ::/0 except fd00:ec2::254/128 is clean: IPv6 blocks match no IPv4 packet), IPv4-mapped ranges, surrounding blocks, excepting the wrong address, no to', () => {
    const objects = [np('p', [
      { to: [block('::/0')] },
      { to: [block('::/0', ['fd00:ec2::254/128'])] },
      { to: [block('::ffff:0:0/96')] },
      { to: [block('::ffff:169.254.169.254/128')] },
      { to: [block('169.254.0.0/16', ['169.254.169.255/32'])] },
      { to: [block('fd00::/8')] },
      { to: [block('10.0.0.0/8'), block('169.254.169.254/32')] },
      { ports: [{ port: 80 }] },
    ])];
    expect(findings(RuleIds.NET_POLICY_METADATA, objects).map(f => `${f.jsonPath}: ${f.message}`)).toEqual([
      'spec.egress[0].to[0].ipBlock: spec.egress[0] admits egress to ipBlock ::/0 on every port; the residual range ::/0 contains the cloud metadata endpoint fd00:ec2::254/128',
      'spec.egress[2].to[0].ipBlock: spec.egress[2] admits egress to ipBlock ::ffff:0:0/96 on every port; the residual range 0.0.0.0/0 contains the cloud metadata endpoint 169.254.169.254/32 (as ::ffff:169.254.169.254)',
      'spec.egress[3].to[0].ipBlock: spec.egress[3] admits egress to ipBlock ::ffff:169.254.169.254/128 on every port; the residual range 169.254.169.254/32 contains the cloud metadata endpoint 169.254.169.254/32 (as ::ffff:169.254.169.254)',
      expect.stringMatching(/^spec\.egress\[4\]\.to\[0\]\.ipBlock: spec\.egress\[4\] admits egress to ipBlock 169\.254\.0\.0\/16 except 169\.254\.169\.255\/32 on every port; the residual range .* contains the cloud metadata endpoint 169\.254\.169\.254\/32$/),
      'spec.egress[5].to[0].ipBlock: spec.egress[5] admits egress to ipBlock fd00::/8 on every port; the residual range fd00::/8 contains the cloud metadata endpoint fd00:ec2::254/128',
      'spec.egress[6].to[1].ipBlock: spec.egress[6] admits egress to ipBlock 169.254.169.254/32 on every port; the residual range 169.254.169.254/32 contains the cloud metadata endpoint 169.254.169.254/32',
      'spec.egress[7]: spec.egress[7] admits egress to every destination on TCP 80, including the cloud metadata endpoints 169.254.169.254/32, fd00:ec2::254/128',
    ]);
  });
});
