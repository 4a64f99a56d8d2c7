/**
 * Internal: the StorageClass parameters that make each supported CSI driver encrypt with a
 * customer-managed key, and the validation of keys, key ARNs, resource IDs and Secret references.
 */
import { IConstruct } from 'constructs';
import { fail, show, validateDnsLabel, validateDnsSubdomain } from './validation';
import {
  AzureDiskEncryptionType, AzureDiskSku, CephEncryptionType, CsiSecretReference, EbsVolumeType, GcePdDiskType,
} from '../volume-encryption-options';

export type Driver = 'awsEbs' | 'gcePd' | 'azureDisk' | 'cephRbd' | 'longhorn';

/** Supported drivers: provisioner and short name. */
export const DRIVERS: Record<Driver, { provisioner: string; short: string }> = {
  awsEbs: { provisioner: 'ebs.csi.aws.com', short: 'ebs' },
  gcePd: { provisioner: 'pd.csi.storage.gke.io', short: 'gcepd' },
  azureDisk: { provisioner: 'disk.csi.azure.com', short: 'azuredisk' },
  cephRbd: { provisioner: 'rbd.csi.ceph.com', short: 'cephrbd' },
  longhorn: { provisioner: 'driver.longhorn.io', short: 'longhorn' },
};

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const AWS_KMS_ARN = new RegExp(
  `^arn:(aws|aws-cn|aws-us-gov):kms:([a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}):([0-9]{12}):(key/(?:${UUID}|mrk-[0-9a-f]{32})|alias/[A-Za-z0-9/_-]{1,250})$`,
);
const GCP_KMS_KEY = /^projects\/([a-z][-a-z0-9]{4,28}[a-z0-9]|[a-z0-9][-a-z0-9.]*[a-z0-9]:[a-z][-a-z0-9]{4,28}[a-z0-9])\/locations\/[a-z0-9-]+\/keyRings\/[A-Za-z0-9_-]{1,63}\/cryptoKeys\/[A-Za-z0-9_-]{1,63}$/;
const AZURE_DES_ID = new RegExp(
  `^/subscriptions/${UUID}/resourceGroups/[-\\w.()]{0,89}[-\\w()]/providers/Microsoft\\.Compute/diskEncryptionSets/[A-Za-z0-9_-]{1,80}$`,
  'i',
);
const CSI_TEMPLATE = /\$\{(pvc\.name|pvc\.namespace|pv\.name)\}/g;

/** The encryption parameters of driver `kind` from its options `o`, validated. */
export function driverParameters(scope: IConstruct, kind: Driver, o: any, what: string): Record<string, string> {
  const params: Record<string, string> = {};
  switch (kind) {
    case 'awsEbs':
      params.encrypted = 'true';
      params.kmsKeyId = awsKmsKey(scope, `${what} kmsKeyId`, o.kmsKeyId);
      if (o.type !== undefined) params.type = oneOf(scope, `${what} type`, o.type, EbsVolumeType);
      break;
    case 'gcePd':
      params['disk-encryption-kms-key'] = gcpKmsKey(scope, `${what} kmsKey`, o.kmsKey);
      if (o.type !== undefined) params.type = oneOf(scope, `${what} type`, o.type, GcePdDiskType);
      break;
    case 'azureDisk':
      params.diskEncryptionSetID = azureDesId(scope, `${what} diskEncryptionSetId`, o.diskEncryptionSetId);
      if (o.encryptionType === 'EncryptionAtRestWithPlatformKey') {
        fail(scope, `${what} encryptionType ${show(o.encryptionType)} is not customer-managed`, 'use AzureDiskEncryptionType.CUSTOMER_KEY or PLATFORM_AND_CUSTOMER_KEYS');
      }
      params.diskEncryptionType = oneOf(scope, `${what} encryptionType`, o.encryptionType, AzureDiskEncryptionType);
      if (o.skuName !== undefined) params.skuName = oneOf(scope, `${what} skuName`, o.skuName, AzureDiskSku);
      break;
    case 'cephRbd': {
      params.clusterID = cephToken(scope, `${what} clusterId`, o.clusterId, 36);
      params.pool = cephToken(scope, `${what} pool`, o.pool, 253);
      params.encrypted = 'true';
      params.encryptionType = oneOf(scope, `${what} encryptionType`, o.encryptionType ?? CephEncryptionType.BLOCK, CephEncryptionType);
      if (typeof o.kmsId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(o.kmsId)) {
        fail(scope, `${what} kmsId ${show(o.kmsId)} is not a KMS ID`, 'give the ID of the KMS entry in the ceph-csi KMS config map (letters, digits, ".", "_" and "-"); without it the passphrase would be stored next to the image instead of in your KMS');
      }
      params.encryptionKMSID = o.kmsId;
      const s = secretRef(scope, `${what} secret`, o.secret);
      for (const use of ['provisioner', 'controller-expand', 'node-stage']) {
        params[`csi.storage.k8s.io/${use}-secret-name`] = s.name;
        params[`csi.storage.k8s.io/${use}-secret-namespace`] = s.namespace;
      }
      break;
    }
    case 'longhorn': {
      params.encrypted = 'true';
      const s = secretRef(scope, `${what} secret`, o.secret);
      for (const use of ['provisioner', 'node-publish', 'node-stage', 'node-expand']) {
        params[`csi.storage.k8s.io/${use}-secret-name`] = s.name;
        params[`csi.storage.k8s.io/${use}-secret-namespace`] = s.namespace;
      }
      break;
    }
  }
  return params;
}

/** Adds `additionalParameters` to `params`; keys the construct sets for encryption are refused. */
export function addAdditionalParameters(scope: IConstruct, kind: Driver, o: any, what: string, params: Record<string, string>): void {
  const reserved = new Set([...Object.keys(params), 'encrypted'].map((k) => k.toLowerCase()));
  for (const [key, value] of Object.entries(o.additionalParameters ?? {})) {
    if (reserved.has(key.toLowerCase())) {
      fail(
        scope,
        `${what} additionalParameters key ${show(key)} is set by the construct for encryption`,
        `remove ${show(key)} from additionalParameters; encryption settings come from the ${kind}() options`,
      );
    }
    if (typeof value !== 'string') {
      fail(scope, `${what} additionalParameters ${show(key)} value ${show(value)} is not a string`, 'StorageClass parameters are strings: quote the value, e.g. "3"');
    }
    if (!/^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/.test(key)) {
      fail(scope, `${what} additionalParameters key ${show(key)} is not a valid parameter name`, 'use the parameter name documented by the CSI driver');
    }
    params[key] = value;
  }
}

function oneOf(scope: IConstruct, what: string, value: unknown, choices: Record<string, string>): string {
  const values = Object.values(choices);
  if (typeof value !== 'string' || !values.includes(value)) {
    fail(scope, `${what} ${show(value)} is not supported`, `use one of ${values.map((v) => show(v)).join(', ')}`);
  }
  return value;
}

function awsKmsKey(scope: IConstruct, what: string, value: unknown): string {
  const m = typeof value === 'string' ? AWS_KMS_ARN.exec(value) : null;
  if (!m) {
    fail(
      scope,
      `${what} ${show(value)} is not a KMS key ARN or alias ARN`,
      'write the full ARN, "arn:aws:kms:<region>:<12-digit account>:key/<key id>" or "arn:aws:kms:<region>:<12-digit account>:alias/<name>"; bare key IDs and aliases are refused because they resolve in whatever account and region the CSI controller runs in',
    );
  }
  const [, partition, region, , resource] = m;
  const regionOk = partition === 'aws-cn' ? region.startsWith('cn-')
    : partition === 'aws-us-gov' ? region.startsWith('us-gov-')
      : !region.startsWith('cn-') && !region.startsWith('us-gov-');
  if (!regionOk) {
    fail(scope, `${what} ${show(value)} puts region ${show(region)} in partition ${show(partition)}`, 'use "aws-cn" for cn-* regions, "aws-us-gov" for us-gov-* regions and "aws" for the others');
  }
  if (resource.startsWith('alias/aws/')) {
    fail(scope, `${what} ${show(value)} is an AWS managed key, not a customer-managed key`, 'create a customer-managed KMS key (with automatic rotation) and use its key or alias ARN');
  }
  return value as string;
}

function gcpKmsKey(scope: IConstruct, what: string, value: unknown): string {
  if (typeof value !== 'string' || !GCP_KMS_KEY.test(value)) {
    fail(
      scope,
      `${what} ${show(value)} is not a Cloud KMS key name`,
      'write "projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>" (the key, not a key version)',
    );
  }
  return value;
}

function azureDesId(scope: IConstruct, what: string, value: unknown): string {
  if (typeof value !== 'string' || !AZURE_DES_ID.test(value)) {
    fail(
      scope,
      `${what} ${show(value)} is not a disk encryption set resource ID`,
      'write "/subscriptions/<subscription id>/resourceGroups/<resource group>/providers/Microsoft.Compute/diskEncryptionSets/<name>"',
    );
  }
  return value;
}

function cephToken(scope: IConstruct, what: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || Buffer.byteLength(value) > max || !/^[A-Za-z0-9._-]+$/.test(value)) {
    fail(scope, `${what} ${show(value)} is not valid`, `use 1 to ${max} letters, digits, ".", "_" or "-"`);
  }
  return value;
}

function secretRef(scope: IConstruct, what: string, ref: CsiSecretReference | undefined): CsiSecretReference {
  if (!ref || typeof ref !== 'object') {
    fail(scope, `${what} is missing`, 'name the Secret that holds the credentials or key, e.g. { name: "csi-secret", namespace: "kube-system" }');
  }
  validateDnsSubdomain(scope, `${what} name`, typeof ref.name === 'string' ? ref.name.replace(CSI_TEMPLATE, 'x') : ref.name);
  validateDnsLabel(scope, `${what} namespace`, typeof ref.namespace === 'string' ? ref.namespace.replace(CSI_TEMPLATE, 'x') : ref.namespace);
  return { name: ref.name, namespace: ref.namespace };
}
