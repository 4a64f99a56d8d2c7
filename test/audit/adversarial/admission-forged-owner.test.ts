/**
 * Adversarial: the pod twins (CEL) skip objects a controller made, since their controller was
 * checked when it was admitted. Anyone may write `ownerReferences` with `controller: true` on a
 * Pod they create (the API server checks only the reference's shape; an owner they own, even a
 * ConfigMap, is never garbage-collected), so "has a controller reference" alone let any Pod
 * through the policy. Only the built-in controllers (kube-controller-manager, as itself or as a
 * kube-system service account with --use-service-account-credentials) are trusted to have made
 * an object from a checked one.
 */
import { twinPolicySpec } from '../../../src/admission/twin';
import { RuleIds } from '../../../src/audit/rule-ids';
import { RULES_BY_ID } from '../../../src/audit/rules';
import { admit } from '../../util/admission';
import { clone, compliantPodSpec, findings } from '../util';

const OWNER = { apiVersion: 'v1', kind: 'ConfigMap', name: 'mine', uid: '0d3a1e0c-7f43-4a51-9a1e-5c9d1c7b2f10', controller: true };

function forgedPod(name: string, change: (c: any) => void): any {
  const spec = clone(compliantPodSpec());
  change(spec.containers[0]);
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', ownerReferences: [OWNER] }, spec };
}

const spec = (ruleId: string) => twinPolicySpec(ruleId, RULES_BY_ID.get(ruleId)!.admission!);

describe('a forged controller reference does not get a Pod past the pod twins', () => {
  test('an unpinned image in a Pod "owned" by the creator\'s ConfigMap is denied, as the audit flags it', () => {
    const pod = forgedPod('latest', (c) => { c.image = 'web:latest'; });
    expect(admit(spec(RuleIds.CTR_IMAGE_TAG), pod)).toEqual({
      matched: true, allowed: false, messages: ['SB-CTR-IMAGE-TAG: every container image is pinned to a tag other than "latest", or to a digest'],
    });
    expect(findings(RuleIds.CTR_IMAGE_TAG, [pod]).map((f) => f.object)).toEqual(['Pod/shop/latest']);
  });

  test('every pod twin checks such a Pod (the audit and the twin agree on it)', () => {
    const pod = forgedPod('bare', (c) => { c.image = 'web:latest'; c.securityContext.readOnlyRootFilesystem = false; delete c.resources; });
    for (const id of [RuleIds.CTR_IMAGE_TAG, RuleIds.CTR_READONLY_ROOTFS, RuleIds.CTR_RESOURCE_LIMITS, RuleIds.CTR_RESOURCE_REQUESTS]) {
      expect(admit(spec(id), pod).allowed).toBe(false);
      expect(findings(id, [pod])).toHaveLength(1);
    }
  });

  test('objects the built-in controllers make are still not checked again', () => {
    const rs = forgedPod('web-7d9f8', (c) => { c.image = 'web:latest'; });
    for (const username of ['system:serviceaccount:kube-system:replicaset-controller', 'system:kube-controller-manager']) {
      expect(admit(spec(RuleIds.CTR_IMAGE_TAG), rs, 'CREATE', null, username).matched).toBe(false);
    }
    // Another namespace's service account is not a built-in controller, nor is a user named like one.
    for (const username of ['system:serviceaccount:argo-rollouts:argo-rollouts', 'system:serviceaccount:shop:kube-system', 'kube-controller-manager']) {
      expect(admit(spec(RuleIds.CTR_IMAGE_TAG), rs, 'CREATE', null, username).allowed).toBe(false);
    }
    // Without a controller reference the creator does not matter.
    const plain = { ...rs, metadata: { name: 'plain', namespace: 'shop' } };
    expect(admit(spec(RuleIds.CTR_IMAGE_TAG), plain, 'CREATE', null, 'system:kube-controller-manager').allowed).toBe(false);
  });
});
