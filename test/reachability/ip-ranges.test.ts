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
    // Blocks are read as the API server's legacy validation reads them: leading zeros are decimal.
    expect(IpRangeSet.fromCidr('010.0.0.0/8')!.toCidrs()).toEqual(['10.0.0.0/8']);
    expect(IpRangeSet.fromCidr('169.254.169.0254/32')!.toCidrs()).toEqual(['169.254.169.254/32']);
    // ...but an except with leading zeros removes nothing (never hide an opening).
    expect(set('169.254.0.0/16', ['169.254.169.0254/32']).toCidrs()).toEqual(['169.254.0.0/16']);
    expect(IpRangeSet.fromCidr('1:2:3:4:5:6:7:8:9/64')).toBeUndefined();
    expect(IpRangeSet.fromCidrOrAddress('10.1.2.3')!.toCidrs()).toEqual(['10.1.2.3/32']);
    expect(IpRangeSet.fromCidrOrAddress('fd00::1')!.toCidrs()).toEqual(['fd00::1/128']);
  });

  test('parseIpRange reads the written range; leading-zero octets only when sloppy (the API server legacy validation)', () => {
    expect(parseIpRange('10.0.0.0/8')).toEqual([0xffff0a000000n, 0xffff0affffffn]);
    expect(parseIpRange('010.0.0.0/8')).toBeUndefined();
    expect(parseIpRange('010.0.0.0/8', false, true)).toEqual(parseIpRange('10.0.0.0/8'));
    expect(parseIpRange('10.1.2.3', true)).toEqual([0xffff0a010203n, 0xffff0a010203n]);
    expect(parseIpRange('::/0')).toEqual([0n, 2n ** 128n - 1n]);
  });

  test('host bits are masked as the API server reads a CIDR', () => {
    expect(set('10.1.2.3/8').toCidrs()).toEqual(['10.0.0.0/8']);
    expect(set('fd00::1/8').toCidrs()).toEqual(['fd00::/8']);
  });

  test('::/0 is every IPv6 address and no IPv4 one (IPv6 blocks match IPv6 packets); 0.0.0.0/0 is no IPv6 address', () => {
    expect(set('::/0').containsCidr('169.254.169.254/32')).toBe(false);
    expect(set('::/0').overlapsCidr('0.0.0.0/0')).toBe(false);
    expect(set('::/0').containsCidr('fd00:ec2::254/128')).toBe(true);
    expect(set('0.0.0.0/0').overlapsCidr('fd00:ec2::254/128')).toBe(false);
    expect(set('::/0').toString()).toBe('::/0'); // the IPv6 part of a description never counts mapped addresses
    expect(set('::/0').union(set('0.0.0.0/0')).equals(IpRangeSet.ALL)).toBe(true);
    expect(IpRangeSet.ALL.subtract(set('169.254.169.254/32')).subtract(set('fd00:ec2::254/128')).toString())
      .toBe('0.0.0.0/0 except 169.254.169.254/32; ::/0 except fd00:ec2::254/128');
    expect(set('2001:db8::/32').toCidrs()).toEqual(['2001:db8::/32']);
    expect(IpRangeSet.EMPTY.toString()).toBe('(no address)');
  });

  test('metadata endpoints, mapped addresses counting as IPv4', () => {
    expect(METADATA_ENDPOINTS).toEqual(['169.254.169.254/32', 'fd00:ec2::254/128']);
    expect(metadataEndpointsIn(set('::ffff:a9fe:a9fe/128'))).toEqual(['169.254.169.254/32']);
    expect(metadataEndpointsIn(set('::/0'))).toEqual(['fd00:ec2::254/128']);
    expect(metadataEndpointsIn(set('::ffff:0:0/96'))).toEqual(['169.254.169.254/32']);
    expect(metadataEndpointsIn(set('::/0', ['fd00:ec2::254/128']))).toEqual([]);
    expect(metadataEndpointsIn(set('0.0.0.0/0', ['169.254.0.0/16']))).toEqual([]);
    expect(metadataEndpointsIn(set('169.254.0.0/16'))).toEqual(['169.254.169.254/32']);
  });
});
