/**
 * Internal: what each cloud workload identity needs on the network, with the provider's own
 * documentation as the source, shared by the constructs (the egress they open for the pods of one
 * workload), the audit (SB-NET-POLICY-CLOUD-IDENTITY) and the reachability proof (the declared
 * path).
 *
 * Node-local credential endpoints (the ones a NetworkPolicy must never open to other pods):
 *
 * - GKE metadata server, `169.254.169.254/32` TCP 80. GKE "Use network policies" (how-to
 *   network-policy, requirements for Workload Identity Federation for GKE): pods need egress to the
 *   GKE metadata server; with GKE Dataplane V2 (eBPF, the default for Autopilot and new Standard
 *   clusters) the policy sees the address the pod dials, `169.254.169.254/32` on TCP 80. On clusters
 *   without Dataplane V2 (Calico network policy enforcement) the node DNATs that request to the
 *   node-local `gke-metadata-server` at `169.254.169.252/32` TCP 988 before the policy is evaluated
 *   (GKE 1.21.0-gke.1000 and later; `127.0.0.1/32` TCP 988 only before that, a version range no
 *   longer supported and not offered here).
 * - EKS Pod Identity Agent, `169.254.170.23/32` TCP 80, `fd00:ec2::23/128` TCP 80 on IPv6 clusters.
 *   EKS user guide "Set up the Amazon EKS Pod Identity Agent" (considerations): "The agent uses the
 *   loopback (localhost) IP address 169.254.170.23 for IPv4 and the localhost IP address
 *   [fd00:ec2::23] for IPv6"; the EKS Pod Identity webhook points the SDKs at
 *   `http://169.254.170.23/v1/credentials` (`AWS_CONTAINER_CREDENTIALS_FULL_URI`), port 80.
 *
 * Token exchange endpoints outside the cluster (addresses the user gives, TCP 443):
 *
 * - IRSA: the SDK exchanges the projected token at AWS STS (`AssumeRoleWithWebIdentity`), the
 *   regional endpoint `sts.<region>.amazonaws.com` or an STS interface VPC endpoint (EKS user guide
 *   "IAM roles for service accounts", "Configure the AWS Security Token Service endpoint").
 * - Microsoft Entra Workload ID: the SDK exchanges the federated token at the Entra login host
 *   (`AZURE_AUTHORITY_HOST`, `https://login.microsoftonline.com/` in the public cloud; Azure
 *   Workload Identity docs, "Mutating admission webhook" injected environment). No IMDS.
 */
import { IConstruct } from 'constructs';
import { acknowledgementAnnotation, RuleIds } from './acknowledge';
import { IpRangeSet, METADATA_ENDPOINTS } from './ip-ranges';
import { EgressRuleJson } from './json';
import { accountInternalsOf } from './service-account-registry';
import { fail, show } from './validation';
import type { IServiceAccount } from '../service-account';

/** The GKE metadata server as a Dataplane V2 policy sees it. */
export const GKE_METADATA_SERVER = { cidrs: ['169.254.169.254/32'], port: 80 } as const;
/** The node-local gke-metadata-server as a Calico-enforced policy sees it (after the node's DNAT). */
export const GKE_METADATA_SERVER_NODE_LOCAL = { cidrs: ['169.254.169.252/32'], port: 988 } as const;
/** The EKS Pod Identity Agent, IPv4. */
export const EKS_POD_IDENTITY_AGENT_V4 = { cidrs: ['169.254.170.23/32'], port: 80 } as const;
/** The EKS Pod Identity Agent, IPv6. */
export const EKS_POD_IDENTITY_AGENT_V6 = { cidrs: ['fd00:ec2::23/128'], port: 80 } as const;
/** The port of the token exchange endpoints outside the cluster (STS, Entra login host). */
export const TOKEN_EXCHANGE_PORT = 443;

/**
 * The node-local cloud identity endpoints besides the instance metadata endpoints (which
 * `METADATA_ENDPOINTS` lists): a CIDR peer never opens them, only a workload identity does.
 */
export const IDENTITY_ENDPOINTS: readonly string[] = ['169.254.169.252/32', '169.254.170.23/32', 'fd00:ec2::23/128'];

/**
 * The annotation the library writes on a ServiceAccount with EKS Pod Identity: the role of its
 * Pod Identity association. EKS itself keeps the association in its API, not on the account, so
 * without this record neither the audit nor the reachability proof could tell.
 */
export const EKS_POD_IDENTITY_ANNOTATION = 'cdk8s-secure-baseline.io/eks-pod-identity-role-arn';

/**
 * The annotation the library writes on a ServiceAccount with a cloud identity: the egress its
 * pods get, `TCP/<port> <cidr>[,<cidr>...]`, so that the reachability proof over YAML declares
 * the same path as over the app.
 */
export const IDENTITY_EGRESS_ANNOTATION = 'cdk8s-secure-baseline.io/cloud-identity-egress';

/** A cloud identity, as the audit recognises it on a ServiceAccount. */
export enum CloudIdentityKind {
  GKE = 'GKE Workload Identity',
  EKS_POD_IDENTITY = 'EKS Pod Identity',
  AWS_IRSA = 'AWS IRSA',
  AZURE = 'Microsoft Entra Workload ID',
}

/** The annotation that marks each identity on a ServiceAccount. */
export const IDENTITY_ANNOTATIONS: ReadonlyArray<[CloudIdentityKind, string]> = [
  [CloudIdentityKind.GKE, 'iam.gke.io/gcp-service-account'],
  [CloudIdentityKind.EKS_POD_IDENTITY, EKS_POD_IDENTITY_ANNOTATION],
  [CloudIdentityKind.AWS_IRSA, 'eks.amazonaws.com/role-arn'],
  [CloudIdentityKind.AZURE, 'azure.workload.identity/client-id'],
];

/** The identities a ServiceAccount's annotations declare. */
export function identitiesOfServiceAccount(annotations: { [key: string]: string }): CloudIdentityKind[] {
  return IDENTITY_ANNOTATIONS.filter(([, a]) => typeof annotations[a] === 'string' && annotations[a] !== '').map(([k]) => k);
}

/** A node-local identity endpoint: who may reach it, where, on which port. */
export interface IdentityEndpoint {
  readonly name: string;
  readonly cidr: string;
  readonly port: number;
  /** The identity that needs it. */
  readonly kind: CloudIdentityKind;
}

/** The node-local endpoints that issue cloud credentials, for the audit. */
export const NODE_IDENTITY_ENDPOINTS: readonly IdentityEndpoint[] = [
  { name: 'the GKE metadata server', cidr: '169.254.169.254/32', port: 80, kind: CloudIdentityKind.GKE },
  { name: 'the node-local GKE metadata server', cidr: '169.254.169.252/32', port: 988, kind: CloudIdentityKind.GKE },
  { name: 'the EKS Pod Identity Agent', cidr: '169.254.170.23/32', port: 80, kind: CloudIdentityKind.EKS_POD_IDENTITY },
  { name: 'the EKS Pod Identity Agent', cidr: 'fd00:ec2::23/128', port: 80, kind: CloudIdentityKind.EKS_POD_IDENTITY },
];

/** The endpoints of `NODE_IDENTITY_ENDPOINTS` an address set reaches. */
export function identityEndpointsIn(set: IpRangeSet): IdentityEndpoint[] {
  return NODE_IDENTITY_ENDPOINTS.filter((e) => set.overlapsCidr(e.cidr));
}

/** The egress a cloud identity needs: where, on which TCP port, and what it is. */
export interface IdentityEgress {
  readonly cidrs: string[];
  readonly port: number;
  /** e.g. `the GKE metadata server`. */
  readonly endpoint: string;
  /**
   * Whether the endpoint is on the node (the GKE metadata server, the EKS Pod Identity Agent):
   * a sidecar proxy must not intercept the traffic to it.
   */
  readonly nodeLocal: boolean;
}

/** `TCP/80 169.254.169.254/32`: the value of `IDENTITY_EGRESS_ANNOTATION`. */
export function formatIdentityEgress(e: IdentityEgress): string {
  return `TCP/${e.port} ${e.cidrs.join(',')}`;
}

/** Reads `IDENTITY_EGRESS_ANNOTATION`; undefined when it is malformed. */
export function parseIdentityEgress(value: unknown): { cidrs: string[]; port: number } | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^TCP\/([0-9]{1,5}) (\S+)$/.exec(value.trim());
  if (!m) return undefined;
  const port = Number(m[1]);
  const cidrs = m[2].split(',');
  if (port < 1 || port > 65535 || cidrs.some((c) => IpRangeSet.fromCidr(c) === undefined)) return undefined;
  return { cidrs, port };
}

/** What an identity puts on the account and its pods, and the egress its pods need. */
export interface RenderedIdentity {
  readonly annotations: Record<string, string>;
  readonly podLabels: Record<string, string>;
  /** Undefined when the user has not given the token endpoint's addresses yet. */
  readonly egress?: IdentityEgress;
  /** Why the egress is missing and how to give it. */
  readonly missingEgress?: { problem: string; fix: string };
}

/**
 * The egress the cloud identity of `account` needs, for a workload (`scope`) running as it;
 * undefined without a cloud identity (always for an account the library did not create). Fails when the identity needs addresses the user has not given.
 */
export function identityEgressOf(scope: IConstruct, account: IServiceAccount): IdentityEgress | undefined {
  const id = accountInternalsOf(account)?._identityEgress();
  if (!id) return undefined;
  if (!id.egress) {
    const missing = id.missingEgress!;
    fail(scope, `ServiceAccount ${show(account.name)} has ${account.workloadIdentity!.provider} workload identity: ${missing.problem}`, missing.fix);
  }
  return id.egress;
}

/** The NetworkPolicy egress rule of an identity's egress (none without one). */
export function identityEgressRules(e: IdentityEgress | undefined): EgressRuleJson[] {
  return e ? [{ to: e.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP', port: e.port }] }] : [];
}

/**
 * The GKE metadata server is 169.254.169.254, an address SB-NET-POLICY-METADATA reports in any
 * egress rule: the workload policy that opens it for the pods of `workload` says why.
 * SB-NET-POLICY-CLOUD-IDENTITY still checks that every pod the policy selects runs as an account
 * with GKE Workload Identity.
 */
export function identityAcknowledgement(
  scope: IConstruct, account: IServiceAccount, workload: string,
): { annotations?: Record<string, string> } {
  const e = identityEgressOf(scope, account);
  const metadata = e ? e.cidrs.filter((c) => METADATA_ENDPOINTS.includes(c)) : [];
  if (!e || metadata.length === 0) return {};
  const reason = `ServiceAccount ${account.namespaceName}/${account.name} has ${account.workloadIdentity!.provider} workload identity: `
    + `${e.endpoint} (${metadata.join(', ')} on TCP/${e.port}) issues its credentials; opened for the pods of ${workload} only`;
  return { annotations: { [acknowledgementAnnotation(RuleIds.NET_POLICY_METADATA)]: reason } };
}
