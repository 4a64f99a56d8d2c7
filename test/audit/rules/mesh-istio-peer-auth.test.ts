import { RuleIds } from '../../../src/audit/rule-ids';
import { findings } from '../util';

const pa = (name: string, spec: any, ns = 'shop') => ({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace: ns }, spec });

describe('SB-MESH-ISTIO-PEER-AUTH', () => {
  test('STRICT passes, and workload policies may inherit a STRICT namespace policy', () => {
    const objects = [
      pa('default', { mtls: { mode: 'STRICT' } }),
      pa('web', { selector: { matchLabels: { app: 'web' } }, portLevelMtls: { 8080: { mode: 'STRICT' } } }),
    ];
    expect(findings(RuleIds.MESH_ISTIO_PEER_AUTH, objects)).toEqual([]);
  });

  test('flags PERMISSIVE/DISABLE, unset without a STRICT parent, and port-level downgrades', () => {
    const objects = [
      pa('permissive', { mtls: { mode: 'PERMISSIVE' } }, 'a'),
      pa('unset', {}, 'b'),
      pa('ports', { selector: { matchLabels: { app: 'web' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 9090: { mode: 'DISABLE' }, 8080: { mode: 'PERMISSIVE' } } }, 'c'),
    ];
    expect(findings(RuleIds.MESH_ISTIO_PEER_AUTH, objects)).toEqual([
      { object: 'PeerAuthentication/a/permissive', jsonPath: 'spec.mtls.mode', message: 'PeerAuthentication sets mtls.mode PERMISSIVE' },
      { object: 'PeerAuthentication/b/unset', jsonPath: 'spec.mtls.mode', message: 'PeerAuthentication does not set mtls.mode STRICT (unset, inheriting a possibly PERMISSIVE parent)' },
      { object: 'PeerAuthentication/c/ports', jsonPath: 'spec.portLevelMtls.8080.mode', message: 'PeerAuthentication downgrades port 8080 to PERMISSIVE' },
      { object: 'PeerAuthentication/c/ports', jsonPath: 'spec.portLevelMtls.9090.mode', message: 'PeerAuthentication downgrades port 9090 to DISABLE' },
    ]);
  });
});
