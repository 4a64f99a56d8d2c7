import { IpRangeSet, METADATA_ENDPOINTS, metadataEndpointsIn } from '../../private/ip-ranges';
import { AuditContext, asArray } from '../context';
import { isIpBlockPeer, policyRules, portsText } from '../network-index';
import { Issue, RuleDefinition } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/**
 * Egress to the cloud instance metadata service hands the node's cloud credentials to any pod
 * (MITRE ATT&CK T1552.005). The ipBlock is evaluated exactly (cidr minus except, IPv4-mapped IPv6
 * being the IPv4 range), so neither another spelling nor a block that merely surrounds the
 * endpoint hides it. Ports are not considered: metadata services answer on port 80 and proxies
 * on others, and excepting the endpoint costs nothing.
 */
export const rule: RuleDefinition = {
  id: RuleIds.NET_POLICY_METADATA,
  severity: Severity.ERROR,
  area: 'Network',
  description: `NetworkPolicy egress must not reach a cloud instance metadata endpoint (${METADATA_ENDPOINTS.join(', ')}, also as IPv4-mapped IPv6): an ipBlock whose cidr minus except still contains one, or an egress rule without to.`,
  fix: 'Add the metadata endpoints to the ipBlock\'s except (169.254.169.254/32 for IPv4 blocks; for IPv6 blocks fd00:ec2::254/128 and, when the block contains ::ffff:0:0/96, ::ffff:169.254.169.254/128), or narrow the block to the ranges the pods need; use workload identity (IRSA, GKE or Azure Workload Identity) instead of node credentials.',
  standards: {
    kubescape: ['C-0052'],
  },
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    const rules = policyRules(ctx);
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (r.direction !== 'egress') continue;
      const peers = r.peers;
      if (peers.length === 0) {
        out.push({ obj: r.np, jsonPath: r.path, message: `${r.path} admits egress to every destination ${portsText(r.rule)}, including the cloud metadata endpoints ${METADATA_ENDPOINTS.join(', ')}` });
        continue;
      }
      if (!r.hasIpBlock) continue;
      for (let j = 0; j < peers.length; j++) {
        const peer = peers[j];
        if (!isIpBlockPeer(peer)) continue;
        const except = asArray(peer.ipBlock.except).filter((e: any) => typeof e === 'string');
        const set = IpRangeSet.fromIpBlock(peer.ipBlock.cidr, except);
        if (!set) continue;
        const reached = metadataEndpointsIn(set).map((m) => (peer.ipBlock.cidr.includes(':') && !m.includes(':') ? `${m} (as ::ffff:${m.split('/')[0]})` : m));
        if (reached.length === 0) continue;
        const block = `${peer.ipBlock.cidr}${except.length > 0 ? ` except ${except.join(', ')}` : ''}`;
        out.push({
          obj: r.np,
          jsonPath: `${r.path}.to[${j}].ipBlock`,
          message: `${r.path} admits egress to ipBlock ${block} ${portsText(r.rule)}; the residual range ${set.toString()} contains the cloud metadata endpoint${reached.length > 1 ? 's' : ''} ${reached.join(', ')}`,
        });
      }
    }
    return out;
  },
};
