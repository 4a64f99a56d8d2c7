import { IpRangeSet } from '../../private/ip-ranges';
import { AuditContext, asArray } from '../context';
import { isIpBlockPeer, policyRules, portsText } from '../network-index';
import { Issue, RuleDefinition } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

const HALF_IPV4 = 2n ** 31n;
/** Half of the IPv6 space outside the IPv4-mapped range. */
const HALF_IPV6 = IpRangeSet.ALL.subtract(IpRangeSet.IPV4).size / 2n;

/**
 * ipBlocks that cover the internet: at least half of the IPv4 or of the IPv6 address space after
 * `except` (0.0.0.0/0, ::/0, 0.0.0.0/1 + 128.0.0.0/1, ...), even when they except the metadata
 * endpoint and the private ranges. A warning, not an error: talking to third-party services that
 * have no stable addresses needs such egress (the constructs allow it with
 * `allowEgressTo(NetworkPeer.cidr('0.0.0.0/0'), ports)`), but it is also the widest exfiltration
 * path, so it is reported for review (and fails with `failOnWarnings`). The metadata endpoint
 * inside such a block is SB-NET-POLICY-METADATA's error.
 */
export const rule: RuleDefinition = {
  id: RuleIds.NET_POLICY_INTERNET,
  severity: Severity.WARNING,
  area: 'Network',
  description: 'NetworkPolicy rules should not admit the internet: ipBlocks of one rule that together cover half of the IPv4 or IPv6 address space or more (after except), in either direction.',
  fix: 'Narrow the ipBlock to the ranges of the services the pods call (or route them through an egress gateway / proxy with an allow-list); acknowledge the rule on the NetworkPolicy when internet-wide egress or ingress is intended.',
  standards: {},
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    const rules = policyRules(ctx);
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (!r.hasIpBlock) continue;
      let union = IpRangeSet.EMPTY;
      const blocks: string[] = [];
      for (const peer of r.peers) {
        if (!isIpBlockPeer(peer)) continue;
        const except = asArray(peer.ipBlock.except).filter((e: any) => typeof e === 'string');
        const set = IpRangeSet.fromIpBlock(peer.ipBlock.cidr, except);
        if (!set) continue;
        union = union.union(set);
        blocks.push(`${peer.ipBlock.cidr}${except.length > 0 ? ` except ${except.join(', ')}` : ''}`);
      }
      if (union.isEmpty) continue;
      const v4 = union.intersect(IpRangeSet.IPV4).size >= HALF_IPV4;
      const v6 = union.subtract(IpRangeSet.IPV4).size >= HALF_IPV6;
      if (!v4 && !v6) continue;
      const family = v4 && v6 ? 'IPv4 and IPv6' : v4 ? 'IPv4' : 'IPv6';
      const what = r.direction === 'ingress' ? 'ingress from' : 'egress to';
      out.push({
        obj: r.np,
        jsonPath: `${r.path}.${r.peerField}`,
        message: `${r.path} admits ${what} the ${family} internet ${portsText(r.rule)}: ipBlock ${blocks.join('; ')}${union.toString() === blocks.join('; ') ? '' : ` (together ${union.toString()})`}`,
      });
    }
    return out;
  },
};
