import { IpRangeSet, METADATA_ENDPOINTS, metadataEndpointsIn, parseIpRange } from '../../src/private/ip-ranges';

const set = (cidr: string, except: string[] = []) => IpRangeSet.fromIpBlock(cidr, except)!;

describe('IpRangeSet', () => {
  test('parses IPv4, IPv6 and IPv4-mapped IPv6 (hex and dotted) into one space', () => {
    expect(set('169.254.169.254/32').equals(set('::ffff:a9fe:a9fe/128'))).toBe(true);
    expect(set('169.254.169.254/32').equals(set('::ffff:169.254.169.254/128'))).toBe(true);
    expect(set('0.0.0.0/0').equals(set('::ffff:0:0/96'))).toBe(true);
    expect(set('::ffff:0.0.0.0/96').toCidrs()).toEqual(['0.0.0.0/0']);
    expect(set('::ffff:a9fe:a9fe/128').toCidrs()).toEqual(['169.254.169.254/32']);
    expect(IpRangeSet.fromCidr('10.0.0.0')).toBeUndefined();
    expect(IpRangeSet.fromCidr('10.0.0.0/33')).toBeUndefined();
    expect(IpRangeSet.fromCidr('fd00::/129')).toBeUndefined();
    expect(IpRangeSet.fromCidr('010.0.0.0/8')).toBeUndefined();
    expect(IpRangeSet.fromCidr('1:2:3:4:5:6:7:8:9/64')).toBeUndefined();
    expect(IpRangeSet.fromCidrOrAddress('10.1.2.3')!.toCidrs()).toEqual(['10.1.2.3/32']);
    expect(IpRangeSet.fromCidrOrAddress('fd00::1')!.toCidrs()).toEqual(['fd00::1/128']);
  });

  test('host bits are masked as the API server reads a CIDR', () => {
    expect(set('10.1.2.3/8').toCidrs()).toEqual(['10.0.0.0/8']);
    expect(set('fd00::1/8').toCidrs()).toEqual(['fd00::/8']);
  });

  test('::/0 is every address, IPv4 (and so the IPv4 metadata endpoint) included; 0.0.0.0/0 is no IPv6 address', () => {
    expect(set('::/0').containsCidr('169.254.169.254/32')).toBe(true);
    expect(set('::/0').containsCidr('0.0.0.0/0')).toBe(true);
    expect(set('0.0.0.0/0').overlapsCidr('fd00:ec2::254/128')).toBe(false);
    expect(set('::/0').toCidrs()).toEqual(['::/0']);
    expect(IpRangeSet.ALL.equals(set('::/0'))).toBe(true);
  });

  test('block minus excepts; union, intersect, subtract, equals', () => {
    const a = set('0.0.0.0/0', ['10.0.0.0/8']);
    expect(a.containsCidr('10.1.0.0/16')).toBe(false);
    expect(a.overlapsCidr('10.0.0.0/7')).toBe(true);
    expect(a.containsCidr('11.0.0.0/8')).toBe(true);
    expect(a.toCidrs()).toEqual(['0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2', '128.0.0.0/1']);
    expect(a.describe()).toEqual(['0.0.0.0/0 except 10.0.0.0/8']);
    expect(set('10.0.0.0/8', ['10.0.0.0/8']).isEmpty).toBe(true);
    expect(a.union(set('10.0.0.0/8')).equals(set('0.0.0.0/0'))).toBe(true);
    expect(a.intersect(set('8.0.0.0/6')).toCidrs()).toEqual(['8.0.0.0/7', '11.0.0.0/8']);
    expect(set('10.0.0.0/8').subtract(set('10.128.0.0/9')).toCidrs()).toEqual(['10.0.0.0/9']);
    expect(set('10.0.0.0/8').subtract(set('10.0.0.0/24')).subtract(set('10.255.255.0/24')).describe()).toEqual(['10.0.0.0/8 except 10.0.0.0/24, 10.255.255.0/24']);
    expect(IpRangeSet.EMPTY.union(a).equals(a)).toBe(true);
    expect(a.subtract(IpRangeSet.ALL).isEmpty).toBe(true);
    expect(set('10.0.0.0/8').equals(set('10.0.0.0/9'))).toBe(false);
    // An invalid except removes nothing.
    expect(set('10.0.0.0/8', ['nonsense']).toCidrs()).toEqual(['10.0.0.0/8']);
    expect(IpRangeSet.fromIpBlock('nonsense', [])).toBeUndefined();
  });

  test('minimal CIDR cover and a short description per family', () => {
    expect(IpRangeSet.fromIntervals([[parseIpRange('10.0.0.1/32')![0], parseIpRange('10.0.0.6/32')![0]]]).toCidrs())
      .toEqual(['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6/32']);
    const everythingButV4 = IpRangeSet.ALL.subtract(IpRangeSet.IPV4);
    expect(everythingButV4.describe()).toEqual(['::/0']);
    expect(IpRangeSet.ALL.describe()).toEqual(['0.0.0.0/0', '::/0']);
    expect(IpRangeSet.ALL.subtract(set('169.254.169.254/32')).subtract(set('fd00:ec2::254/128')).toString())
      .toBe('0.0.0.0/0 except 169.254.169.254/32; ::/0 except fd00:ec2::254/128');
    expect(set('2001:db8::/32').toCidrs()).toEqual(['2001:db8::/32']);
    expect(IpRangeSet.EMPTY.toString()).toBe('(no address)');
  });

  test('metadata endpoints, mapped addresses counting as IPv4', () => {
    expect(METADATA_ENDPOINTS).toEqual(['169.254.169.254/32', 'fd00:ec2::254/128']);
    expect(metadataEndpointsIn(set('::ffff:a9fe:a9fe/128'))).toEqual(['169.254.169.254/32']);
    expect(metadataEndpointsIn(set('::/0'))).toEqual(['169.254.169.254/32', 'fd00:ec2::254/128']);
    expect(metadataEndpointsIn(set('::/0', ['::ffff:0:0/96']))).toEqual(['fd00:ec2::254/128']);
    expect(metadataEndpointsIn(set('0.0.0.0/0', ['169.254.0.0/16']))).toEqual([]);
    expect(metadataEndpointsIn(set('169.254.0.0/16'))).toEqual(['169.254.169.254/32']);
  });
});
