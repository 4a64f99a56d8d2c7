import { RuleIds } from '../../../src/audit/rule-ids';
import { compliantBundle, findings } from '../util';

const np = (name: string, spec: any, ns = 'shop') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec: { podSelector: {}, ...spec } });
const block = (cidr: string, except?: string[]) => ({ ipBlock: { cidr, ...(except ? { except } : {}) } });

describe('SB-NET-POLICY-INTERNET', () => {
  test('compliant: ranges smaller than half an address family, pod peers', () => {
    const objects = [
      ...compliantBundle(),
      np('partner', { policyTypes: ['Egress'], egress: [{ to: [block('203.0.113.0/24'), block('10.0.0.0/8'), block('2001:db8::/32')] }] }),
      np('quarter', { policyTypes: ['Egress'], egress: [{ to: [block('0.0.0.0/2')] }] }),
      np('pods', { policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }] }] }),
    ];
    expect(findings(RuleIds.NET_POLICY_INTERNET, objects)).toEqual([]);
  });

  test('warns about 0.0.0.0/0 egress that excepts the metadata endpoint (what allowEgressTo(NetworkPeer.cidr("0.0.0.0/0")) emits)', () => {
    const r = findings(RuleIds.NET_POLICY_INTERNET, [np('internet', { policyTypes: ['Egress'], egress: [{ to: [block('0.0.0.0/0', ['169.254.169.254/32'])], ports: [{ port: 443, protocol: 'TCP' }] }] })]);
    expect(r).toEqual([{
      object: 'NetworkPolicy/shop/internet',
      jsonPath: 'spec.egress[0].to',
      message: 'spec.egress[0] admits egress to the IPv4 internet on TCP 443: ipBlock 0.0.0.0/0 except 169.254.169.254/32',
    }]);
  });

  test('other spellings: split halves, ::/0, private ranges excepted, ingress from the world', () => {
    const objects = [np('p', {
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [block('0.0.0.0/0')] }],
      egress: [
        { to: [block('0.0.0.0/1'), block('128.0.0.0/1', ['169.254.169.254/32'])] },
        { to: [block('::/0', ['::ffff:0:0/96', 'fd00:ec2::254/128'])] },
        { to: [block('0.0.0.0/0', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'])] },
      ],
    })];
    expect(findings(RuleIds.NET_POLICY_INTERNET, objects).map(f => `${f.jsonPath}: ${f.message}`)).toEqual([
      'spec.egress[0].to: spec.egress[0] admits egress to the IPv4 internet on every port: ipBlock 0.0.0.0/1; 128.0.0.0/1 except 169.254.169.254/32 (together 0.0.0.0/0 except 169.254.169.254/32)',
      'spec.egress[1].to: spec.egress[1] admits egress to the IPv6 internet on every port: ipBlock ::/0 except ::ffff:0:0/96, fd00:ec2::254/128 (together ::/0 except fd00:ec2::254/128)',
      expect.stringMatching(/^spec\.egress\[2\]\.to: spec\.egress\[2\] admits egress to the IPv4 internet on every port: ipBlock 0\.0\.0\.0\/0 except 10\.0\.0\.0\/8, /),
      'spec.ingress[0].from: spec.ingress[0] admits ingress from the IPv4 internet on every port: ipBlock 0.0.0.0/0',
    ]);
  });
});
