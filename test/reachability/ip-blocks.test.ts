import { analyze, denyAll, deploy, np, ns, ports } from './fixtures';

/** Namespace a, default-deny, workload x whose egress is exactly `egress`. */
function egress(...rules: any[]) {
  return analyze([ns('a'), denyAll('a'), deploy('a', 'x'), np('a', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: rules })]);
}
const to = (cidr: string, except?: string[], port = 443) => ({ to: [{ ipBlock: { cidr, ...(except ? { except } : {}) } }], ports: [{ protocol: 'TCP', port }] });
/** Address endpoints x reaches, with their ports. */
const reached = (r: ReturnType<typeof analyze>) => r.edges.filter((e) => e.from === 'a/x').map((e) => `${e.to} ${e.ports.join(',')}`);
const endpoint = (r: ReturnType<typeof analyze>, id: string) => r.endpoints.find((e) => e.id === id);

describe('ipBlocks are exact: each is its cidr minus its excepts', () => {
  test('0.0.0.0/0 except 10.0.0.0/8: the internet path names the residual range; the metadata endpoint is reachable', () => {
    const r = egress(to('0.0.0.0/0', ['10.0.0.0/8']));
    expect(reached(r)).toEqual(['cidr 169.254.169.254/32 TCP/443', 'internet TCP/443']);
    expect(endpoint(r, 'internet')!.ranges).toEqual(['0.0.0.0/0 except 10.0.0.0/8, 169.254.169.254/32']);
    expect(endpoint(r, 'cidr 169.254.169.254/32')!.name).toBe('169.254.169.254/32 (cloud metadata)');
    const extra = r.extraPaths.find((e) => e.to === 'internet')!;
    expect(extra.message).toBe('a/x reaches internet on TCP/443 but nothing declares it (NetworkPolicy and no mesh both let it through); internet here is 0.0.0.0/0 except 10.0.0.0/8, 169.254.169.254/32');
  });

  test('10.0.0.0/8 except 10.0.0.0/8 admits nothing', () => {
    expect(reached(egress(to('10.0.0.0/8', ['10.0.0.0/8'])))).toEqual([]);
  });

  test('an except removes its range even when it is not a block of its own', () => {
    const r = egress(to('10.0.0.0/8', ['10.1.0.0/16']), to('10.1.2.0/24', undefined, 5432));
    expect(reached(r)).toEqual(['cidr 10.0.0.0/8 except 10.1.0.0/16 TCP/443', 'cidr 10.1.2.0/24 TCP/5432']);
    // Before: any /0 admitted "internet" whatever it excepted. Excepting everything IPv4 leaves nothing IPv4.
    expect(reached(egress(to('0.0.0.0/0', ['0.0.0.0/1', '128.0.0.0/1'])))).toEqual([]);
  });

  test('the metadata endpoint is reachable only when not excepted, written in any form', () => {
    expect(reached(egress(to('0.0.0.0/0', ['169.254.169.254/32'])))).toEqual(['internet TCP/443']);
    expect(reached(egress(to('0.0.0.0/0', ['::ffff:a9fe:a9fe/128'])))).toEqual(['internet TCP/443']);
    expect(reached(egress(to('169.254.0.0/16', ['169.254.169.254/32'])))).toEqual(['cidr 169.254.0.0/16 except 169.254.169.254/32 TCP/443']);
    expect(reached(egress(to('::ffff:a9fe:a9fe/128')))).toEqual(['cidr 169.254.169.254/32 TCP/443']);
    expect(reached(egress(to('::ffff:169.254.169.254/128')))).toEqual(['cidr 169.254.169.254/32 TCP/443']);
    expect(reached(egress(to('169.254.169.254/32')))).toEqual(['cidr 169.254.169.254/32 TCP/443']);
  });

  test('::/0 admits every IPv6 address, the IPv6 metadata endpoint included unless excepted, and no IPv4 address', () => {
    const r = egress(to('::/0'));
    expect(reached(r)).toEqual(['cidr ::/0 except fd00:ec2::254/128 TCP/443', 'cidr fd00:ec2::254/128 TCP/443']);
    // The dual-stack pattern "IPv4 except metadata, plus IPv6 except metadata" reaches no metadata
    // endpoint, and every other address: one path to internet, which stands for both families here.
    const dual = egress(to('0.0.0.0/0', ['169.254.169.254/32']), to('::/0', ['fd00:ec2::254/128']));
    expect(reached(dual)).toEqual(['internet TCP/443']);
    expect(dual.edges.find((e) => e.to === 'internet')!.addresses).toEqual(['0.0.0.0/0 except 169.254.169.254/32', '::/0 except fd00:ec2::254/128']);
    // An IPv4-mapped block is the IPv4 range.
    expect(reached(egress(to('::ffff:0:0/96')))).toContain('cidr 169.254.169.254/32 TCP/443');
  });


  test('ingress from an ipBlock: only the addresses inside it', () => {
    const r = analyze([ns('a'), deploy('a', 'x'), np('a', 'in', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }] }] })]);
    expect(ports(r, 'cidr 203.0.113.0/25', 'a/x')).toEqual(['*']);
    expect(ports(r, 'internet', 'a/x')).toEqual([]);
    expect(ports(r, 'cidr 203.0.113.128/25', 'a/x')).toEqual([]);
  });

  test('pods without egress policy reach every address class, the metadata endpoints included', () => {
    const r = analyze([ns('a'), deploy('a', 'x')]);
    expect(reached(r).filter((x) => x.startsWith('cidr ') || x.startsWith('internet '))).toEqual(['cidr 169.254.169.254/32 *', 'cidr fd00:ec2::254/128 *', 'internet *']);
    expect(endpoint(r, 'internet')!.name).toBe('anything outside the cluster (0.0.0.0/0 except 169.254.169.254/32; ::/0 except fd00:ec2::254/128)');
  });
});
