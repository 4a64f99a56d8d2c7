import { AuditContext } from '../context';
import { allPodsPeer, policyRules, portsText } from '../network-index';
import { Issue, RuleDefinition } from '../rule';
import { RuleIds } from '../rule-ids';
import { Severity } from '../types';

/**
 * NetworkPolicy rules that admit everyone. A rule limited to some ports is still open to every
 * peer on those ports, so it is reported too (with the ports): a deliberate opening, such as a
 * public ingress controller, is acknowledged on the NetworkPolicy with the reason.
 */
export const rule: RuleDefinition = {
  id: RuleIds.NET_POLICY_ALL_PEERS,
  severity: Severity.ERROR,
  area: 'Network',
  description: 'NetworkPolicy ingress/egress rules must name their peers: a rule without from/to (or with an empty list), an empty peer {}, or a peer selecting every pod in every namespace (namespaceSelector {} with no or an empty podSelector, also spelt with only NotIn/DoesNotExist expressions) admits everyone, on any port list.',
  fix: 'List the peers the pods need (namespaceSelector on kubernetes.io/metadata.name plus a podSelector, or an ipBlock of the exact range); if the opening is intended (e.g. a public ingress controller), acknowledge the rule on the NetworkPolicy with the reason.',
  standards: {},
  check: (ctx: AuditContext) => {
    const out: Issue[] = [];
    const rules = policyRules(ctx);
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      const peers = r.peers;
      if (peers.length === 0) {
        const what = r.direction === 'ingress' ? 'ingress from every source' : 'egress to every destination';
        const field = r.rule[r.peerField];
        const why = field === undefined || field === null ? `no ${r.peerField}` : `an empty ${r.peerField} list`;
        out.push({ obj: r.np, jsonPath: r.path, message: `${r.path} admits ${what} ${portsText(r.rule)} (${why}), including every pod of every namespace${r.direction === 'ingress' ? ' and every external client' : ' and the internet'}` });
        continue;
      }
      for (let j = 0; j < peers.length; j++) {
        const why = allPodsPeer(peers[j]);
        if (why !== undefined) {
          out.push({ obj: r.np, jsonPath: `${r.path}.${r.peerField}[${j}]`, message: `${r.path} admits ${r.direction} ${r.direction === 'ingress' ? 'from' : 'to'} every pod in the cluster ${portsText(r.rule)}: ${why}` });
        }
      }
    }
    return out;
  },
};
