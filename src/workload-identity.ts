import { IConstruct } from 'constructs';
import {
  EKS_POD_IDENTITY_AGENT_V4, EKS_POD_IDENTITY_AGENT_V6, EKS_POD_IDENTITY_ANNOTATION, GKE_METADATA_SERVER, GKE_METADATA_SERVER_NODE_LOCAL,
  IDENTITY_ENDPOINTS, RenderedIdentity, TOKEN_EXCHANGE_PORT,
} from './private/cloud-identity';
import { IpRangeSet, METADATA_ENDPOINTS } from './private/ip-ranges';
import { fail, parseCidr, show, validateCidr } from './private/validation';

/** Which cloud provider's workload identity a ServiceAccount is federated with. */
export enum WorkloadIdentityProvider {
  /** AWS IAM Roles for Service Accounts (EKS). */
  AWS_IRSA = 'aws-irsa',
  /** Amazon EKS Pod Identity (an association of the ServiceAccount with an IAM role, made in the EKS API). */
  AWS_EKS_POD_IDENTITY = 'aws-eks-pod-identity',
  /** GKE Workload Identity. */
  GKE = 'gke',
  /** Microsoft Entra Workload ID (AKS). */
  AZURE = 'azure',
}

/** How a GKE cluster enforces NetworkPolicies, which decides where the GKE metadata server is seen. */
export enum GkeDataplane {
  /**
   * GKE Dataplane V2 (eBPF; always on Autopilot): the policy sees the address the pod dials, the
   * GKE metadata server at 169.254.169.254:80.
   */
  DATAPLANE_V2 = 'dataplane-v2',
  /**
   * Calico network policy enforcement (Standard clusters without Dataplane V2): the node redirects
   * metadata requests to the node-local gke-metadata-server at 169.254.169.252:988 before the
   * policy is evaluated.
   */
  CALICO = 'calico',
}

/** Options for AWS IAM Roles for Service Accounts. */
export interface AwsIrsaOptions {
  /** The IAM role the pods assume: `arn:<aws|aws-cn|aws-us-gov>:iam::<12-digit account>:role/<path/name>`. */
  readonly roleArn: string;
  /**
   * The addresses of the AWS STS endpoint the pods exchange their token at (TCP 443): the
   * addresses of your STS interface VPC endpoint (`com.amazonaws.<region>.sts`), or of the regional
   * endpoint `sts.<region>.amazonaws.com`. Each at most /16 (IPv4) or /32 (IPv6), never a metadata
   * endpoint. Only the pods of workloads running as this account get egress to them.
   *
   * There is no egress by host name yet, so the addresses are yours to keep current.
   * @default - none: a workload of this library running as the account fails synthesis (under the
   * namespace's default-deny the pods could not get credentials)
   */
  readonly stsEndpointCidrs?: string[];
}

/** Options for Amazon EKS Pod Identity. */
export interface EksPodIdentityOptions {
  /**
   * The IAM role of the account's Pod Identity association. EKS keeps the association in its API
   * (`aws eks create-pod-identity-association --namespace <ns> --service-account <name> --role-arn
   * <roleArn>`); the library records the role on the ServiceAccount as
   * `cdk8s-secure-baseline.io/eks-pod-identity-role-arn`, for the audit and your review.
   */
  readonly roleArn: string;
  /**
   * The cluster is IPv6: pods reach the EKS Pod Identity Agent at `fd00:ec2::23` instead of
   * `169.254.170.23`.
   * @default false
   */
  readonly ipv6?: boolean;
}

/** Options for GKE Workload Identity. */
export interface GkeWorkloadIdentityOptions {
  /** The Google service account the pods act as: `<name>@<project>.iam.gserviceaccount.com`. */
  readonly serviceAccountEmail: string;
  /**
   * How the cluster enforces NetworkPolicies: where the pods' egress to the GKE metadata server
   * goes (169.254.169.254:80 with Dataplane V2, 169.254.169.252:988 with Calico).
   * @default GkeDataplane.DATAPLANE_V2
   */
  readonly dataplane?: GkeDataplane;
}

/** Options for Microsoft Entra Workload ID (Azure Workload Identity). */
export interface AzureWorkloadIdentityOptions {
  /** The client ID (a GUID) of the user-assigned managed identity or Entra application. */
  readonly clientId: string;
  /**
   * The tenant ID (a GUID) of the identity.
   * @default - the tenant the Azure Workload Identity webhook is configured with
   */
  readonly tenantId?: string;
  /**
   * The addresses of the Microsoft Entra login host the pods exchange their token at (TCP 443):
   * `login.microsoftonline.com` in the public cloud (the `AzureActiveDirectory` service tag), or
   * your sovereign cloud's authority host. Each at most /16 (IPv4) or /32 (IPv6), never a metadata
   * endpoint. Only the pods of workloads running as this account get egress to them.
   *
   * There is no egress by host name yet, so the addresses are yours to keep current.
   * @default - none: a workload of this library running as the account fails synthesis (under the
   * namespace's default-deny the pods could not get credentials)
   */
  readonly tokenEndpointCidrs?: string[];
}

const AWS_ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::([0-9]{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
const GKE_EMAIL = /^[a-z][-a-z0-9]{4,28}[a-z0-9]@[a-z][-a-z0-9]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const NEVER = [...METADATA_ENDPOINTS, ...IDENTITY_ENDPOINTS];

/** The options of every kind, as the factories pass them. */
interface IdentityOptions {
  readonly roleArn?: string;
  readonly serviceAccountEmail?: string;
  readonly clientId?: string;
  readonly tenantId?: string;
  readonly stsEndpointCidrs?: string[];
  readonly tokenEndpointCidrs?: string[];
  readonly ipv6?: boolean;
  readonly dataplane?: GkeDataplane;
}

/**
 * The cloud identity the pods of a ServiceAccount get through the provider's workload identity
 * federation: cloud credentials without static keys and without the node's instance metadata
 * credentials. Workloads of this library running as the account get exactly the egress the
 * identity needs (see the table in docs/least-privilege-service-account.md), in their own
 * NetworkPolicy.
 *
 * @example
 * WorkloadIdentity.eksPodIdentity({ roleArn: 'arn:aws:iam::123456789012:role/shop-payments' })
 */
export class WorkloadIdentity {
  /**
   * AWS IAM Roles for Service Accounts: annotates the ServiceAccount `eks.amazonaws.com/role-arn`;
   * its workloads get egress to `stsEndpointCidrs` on TCP 443.
   */
  public static awsIrsa(options: AwsIrsaOptions): WorkloadIdentity {
    return new WorkloadIdentity(WorkloadIdentityProvider.AWS_IRSA, { ...options });
  }

  /**
   * Amazon EKS Pod Identity: records the association's role on the ServiceAccount; its workloads
   * get egress to the EKS Pod Identity Agent (169.254.170.23, or fd00:ec2::23, TCP 80).
   */
  public static eksPodIdentity(options: EksPodIdentityOptions): WorkloadIdentity {
    return new WorkloadIdentity(WorkloadIdentityProvider.AWS_EKS_POD_IDENTITY, { ...options });
  }

  /**
   * GKE Workload Identity: annotates the ServiceAccount `iam.gke.io/gcp-service-account`; its
   * workloads get egress to the GKE metadata server (169.254.169.254:80 with Dataplane V2).
   */
  public static gke(options: GkeWorkloadIdentityOptions): WorkloadIdentity {
    return new WorkloadIdentity(WorkloadIdentityProvider.GKE, { ...options });
  }

  /**
   * Microsoft Entra Workload ID: annotates the ServiceAccount `azure.workload.identity/client-id`
   * (and `azure.workload.identity/tenant-id`), and labels the pods
   * `azure.workload.identity/use: "true"`; its workloads get egress to `tokenEndpointCidrs` on TCP 443.
   */
  public static azure(options: AzureWorkloadIdentityOptions): WorkloadIdentity {
    return new WorkloadIdentity(WorkloadIdentityProvider.AZURE, { ...options });
  }

  private constructor(
    /** The cloud provider. */
    public readonly provider: WorkloadIdentityProvider,
    private readonly options: IdentityOptions,
  ) {}

  /** @internal */
  public _render(scope: IConstruct): RenderedIdentity {
    const o = this.options;
    switch (this.provider) {
      case WorkloadIdentityProvider.AWS_IRSA: {
        const arn = roleArn(scope, 'AWS IRSA roleArn', o.roleArn);
        return {
          annotations: { 'eks.amazonaws.com/role-arn': arn },
          podLabels: {},
          ...tokenEgress(scope, 'awsIrsa stsEndpointCidrs', o.stsEndpointCidrs, 'AWS STS',
            'WorkloadIdentity.awsIrsa({ roleArn, stsEndpointCidrs: ["<addresses of your STS VPC endpoint>/32"] })'),
        };
      }
      case WorkloadIdentityProvider.AWS_EKS_POD_IDENTITY: {
        const arn = roleArn(scope, 'EKS Pod Identity roleArn', o.roleArn);
        if (o.ipv6 !== undefined && typeof o.ipv6 !== 'boolean') {
          fail(scope, `EKS Pod Identity ipv6 ${show(o.ipv6)} is not a boolean`, 'set ipv6: true on an IPv6 cluster, or leave it out');
        }
        const agent = o.ipv6 ? EKS_POD_IDENTITY_AGENT_V6 : EKS_POD_IDENTITY_AGENT_V4;
        return {
          annotations: { [EKS_POD_IDENTITY_ANNOTATION]: arn },
          podLabels: {},
          egress: { cidrs: [...agent.cidrs], port: agent.port, endpoint: 'the EKS Pod Identity Agent', nodeLocal: true },
        };
      }
      case WorkloadIdentityProvider.GKE: {
        const email = o.serviceAccountEmail;
        if (typeof email !== 'string' || !GKE_EMAIL.test(email)) {
          fail(scope, `GKE serviceAccountEmail ${show(email)} is not a Google service account e-mail`, 'write "<name>@<project-id>.iam.gserviceaccount.com" (name and project id: 6-30 lowercase letters, digits and \'-\', starting with a letter)');
        }
        const dataplane = o.dataplane ?? GkeDataplane.DATAPLANE_V2;
        if (!Object.values(GkeDataplane).includes(dataplane)) {
          fail(scope, `GKE dataplane ${show(dataplane)} is not a known dataplane`, 'use GkeDataplane.DATAPLANE_V2 or GkeDataplane.CALICO');
        }
        const server = dataplane === GkeDataplane.CALICO ? GKE_METADATA_SERVER_NODE_LOCAL : GKE_METADATA_SERVER;
        const endpoint = dataplane === GkeDataplane.CALICO ? 'the node-local GKE metadata server' : 'the GKE metadata server';
        return {
          annotations: { 'iam.gke.io/gcp-service-account': email },
          podLabels: {},
          egress: { cidrs: [...server.cidrs], port: server.port, endpoint, nodeLocal: true },
        };
      }
      default: {
        const annotations: Record<string, string> = {};
        if (typeof o.clientId !== 'string' || !GUID.test(o.clientId)) {
          fail(scope, `Azure workload identity clientId ${show(o.clientId)} is not a GUID`, 'write the client ID of the managed identity or Entra application, e.g. "00000000-0000-0000-0000-000000000000"');
        }
        annotations['azure.workload.identity/client-id'] = o.clientId.toLowerCase();
        if (o.tenantId !== undefined) {
          if (typeof o.tenantId !== 'string' || !GUID.test(o.tenantId)) {
            fail(scope, `Azure workload identity tenantId ${show(o.tenantId)} is not a GUID`, 'write the Entra tenant ID, e.g. "00000000-0000-0000-0000-000000000000", or omit it to use the webhook\'s default tenant');
          }
          annotations['azure.workload.identity/tenant-id'] = o.tenantId.toLowerCase();
        }
        return {
          annotations,
          podLabels: { 'azure.workload.identity/use': 'true' },
          ...tokenEgress(scope, 'azure tokenEndpointCidrs', o.tokenEndpointCidrs, 'the Microsoft Entra login host',
            'WorkloadIdentity.azure({ clientId, tokenEndpointCidrs: ["<addresses of login.microsoftonline.com>"] })'),
        };
      }
    }
  }
}

function roleArn(scope: IConstruct, what: string, arn: string | undefined): string {
  const m = typeof arn === 'string' ? AWS_ROLE_ARN.exec(arn) : null;
  if (!m || m[3].length > 510) {
    fail(scope, `${what} ${show(arn)} is not an IAM role ARN`, 'write "arn:<aws|aws-cn|aws-us-gov>:iam::<12-digit account id>:role/<optional/path/>name", e.g. "arn:aws:iam::123456789012:role/shop-api"');
  }
  return arn!;
}

/** Validates the addresses of a token exchange endpoint (TCP 443), or says they are missing. */
function tokenEgress(scope: IConstruct, what: string, cidrs: string[] | undefined, endpoint: string, example: string):
Pick<RenderedIdentity, 'egress' | 'missingEgress'> {
  if (cidrs === undefined) {
    return {
      missingEgress: {
        problem: `its pods exchange their token at ${endpoint} (TCP ${TOKEN_EXCHANGE_PORT}), but no addresses were given, so the namespace's default-deny blocks it`,
        fix: `give the endpoint's addresses: ${example}`,
      },
    };
  }
  if (!Array.isArray(cidrs) || cidrs.length === 0) {
    fail(scope, `${what} is empty`, `list the addresses of ${endpoint}, or leave the option out: ${example}`);
  }
  const out = new Set<string>();
  for (const c of cidrs) {
    const cidr = validateCidr(scope, what, c);
    const parsed = parseCidr(cidr)!;
    const set = IpRangeSet.fromCidr(cidr)!;
    const hit = NEVER.find((m) => set.overlapsCidr(m));
    if (hit !== undefined) {
      fail(scope, `${what} ${show(c)} contains the cloud metadata endpoint ${hit}`, `list only the addresses of ${endpoint}; node-local credential endpoints are opened by the identity itself, for its own pods`);
    }
    if ((parsed.bits === 32 && parsed.prefix < 16) || (parsed.bits === 128 && parsed.prefix < 32)) {
      fail(scope, `${what} ${show(c)} is wider than /${parsed.bits === 32 ? 16 : 32}: ${endpoint} is a few addresses, not a network`, `list the addresses of ${endpoint} (/32 or /128 each, or its published ranges), e.g. ${example}`);
    }
    out.add(cidr);
  }
  return { egress: { cidrs: [...out].sort(), port: TOKEN_EXCHANGE_PORT, endpoint, nodeLocal: false } };
}
