"""Policy rules over planned resources. Pure: no Pulumi resources, no I/O.

A rule sees the whole set of planned resources, because some controls are
about relations (every VPC has a flow log; a replica key's primary rotates).
The offline plan and the pulumi-policy pack both convert what they see into
:class:`PlannedResource` and call :func:`evaluate`, so the same rules decide.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from infra import iam
from infra.naming import DATA_CLASSIFICATION_TAG, REQUIRED_TAG_KEYS

Severity = Literal["mandatory", "advisory"]


@dataclass(frozen=True)
class PlannedResource:
    """What a rule may look at: one resource as it will be registered."""

    urn: str
    type: str
    name: str
    inputs: Mapping[str, Any]
    """Inputs with camelCase keys, as the engine receives them."""
    taggable: bool = False
    """Whether the resource type takes ``tags``."""
    default_tags: Mapping[str, str] = field(default_factory=dict)
    """Tags the resource's provider adds to every taggable resource."""
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Input name -> URNs the input's value came from."""
    protect: bool = False
    retain_on_delete: bool = False

    def depends_through(self, prop: str, urn: str) -> bool:
        """Whether input ``prop`` is built from the resource ``urn``."""
        return urn in self.property_dependencies.get(prop, ())


@dataclass(frozen=True)
class Violation:
    """A resource that breaks a rule, and why."""

    rule: str
    urn: str
    message: str
    severity: Severity


Check = Callable[[Sequence[PlannedResource]], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Rule:
    """One control: what it checks, how bad a breach is and which PCI-DSS requirement it serves."""

    id: str
    severity: Severity
    description: str
    pci_dss: str
    """PCI-DSS v4.0 requirement numbers."""
    check: Check
    """Yields ``(urn, message)`` for every resource that breaks the rule."""


def provider_default_tags(provider_props: Mapping[str, Any]) -> dict[str, str]:
    """The default tags an AWS provider's inputs declare (they may arrive as a JSON string)."""
    raw = provider_props.get("defaultTags")
    if isinstance(raw, str):
        raw = json.loads(raw)
    return dict((raw or {}).get("tags") or {})


def of_type(resources: Iterable[PlannedResource], *types: str) -> Iterator[PlannedResource]:
    """The resources whose type token is one of ``types``."""
    return (resource for resource in resources if resource.type in types)


# -- types ------------------------------------------------------------------------------------

VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SECRET = "aws:secretsmanager/secret:Secret"
KMS_KEY = "aws:kms/key:Key"
KMS_REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"

DATA_STORE_TYPES: frozenset[str] = frozenset(
    {
        SECRET,
        "aws:s3/bucket:Bucket",
        "aws:dynamodb/table:Table",
        "aws:rds/cluster:Cluster",
        "aws:rds/globalCluster:GlobalCluster",
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "aws:efs/fileSystem:FileSystem",
        "aws:backup/vault:Vault",
    }
)
"""Types that hold data and so carry a DataClassification tag."""

POLICY_INPUTS: Mapping[str, tuple[str, ...]] = {
    "aws:iam/rolePolicy:RolePolicy": ("policy",),
    "aws:iam/policy:Policy": ("policy",),
    "aws:iam/userPolicy:UserPolicy": ("policy",),
    "aws:iam/groupPolicy:GroupPolicy": ("policy",),
    "aws:kms/key:Key": ("policy",),
    "aws:kms/replicaKey:ReplicaKey": ("policy",),
    "aws:s3/bucketPolicy:BucketPolicy": ("policy",),
    "aws:sqs/queuePolicy:QueuePolicy": ("policy",),
    "aws:sns/topicPolicy:TopicPolicy": ("policy",),
    "aws:secretsmanager/secretPolicy:SecretPolicy": ("policy",),
}
"""Where each type keeps an IAM policy document among its inputs."""

ADMIN_MANAGED_POLICIES = ("AdministratorAccess", "PowerUserAccess", "IAMFullAccess")


# -- checks -----------------------------------------------------------------------------------


def _required_tags(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    for resource in resources:
        if not resource.taggable:
            continue
        tags = {**resource.default_tags, **(resource.inputs.get("tags") or {})}
        required = list(REQUIRED_TAG_KEYS)
        if resource.type in DATA_STORE_TYPES:
            required.append(DATA_CLASSIFICATION_TAG)
        missing = [key for key in required if not tags.get(key)]
        if missing:
            yield (
                resource.urn,
                f"missing tags {missing}; set them on the provider's default tags or the resource",
            )


def _log_groups_encrypted(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    for group in of_type(resources, LOG_GROUP):
        if not group.inputs.get("kmsKeyId"):
            yield group.urn, "log group has no kmsKeyId; encrypt it with the region's logs key"


def _secrets_encrypted(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    for secret in of_type(resources, SECRET):
        if not secret.inputs.get("kmsKeyId"):
            yield secret.urn, "secret has no kmsKeyId; encrypt it with the secrets key"
        for replica in secret.inputs.get("replicas") or []:
            if not replica.get("kmsKeyId"):
                yield (
                    secret.urn,
                    f"replica in {replica.get('region')} has no kmsKeyId; "
                    f"use that region's replica key",
                )


def _parse_document(value: Any) -> Mapping[str, Any] | None:
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            return None
        return parsed if isinstance(parsed, Mapping) else None
    return None


def _no_wildcard_grants(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    for resource in resources:
        documents = [resource.inputs.get(key) for key in POLICY_INPUTS.get(resource.type, ())]
        if resource.type == "aws:iam/role:Role":
            documents += [
                inline.get("policy") for inline in resource.inputs.get("inlinePolicies") or []
            ]
        for raw in documents:
            document = _parse_document(raw)
            if document is None:
                continue
            for sid in iam.wildcard_grants(document):
                yield (
                    resource.urn,
                    f"statement {sid} allows every action on every resource; "
                    f"name the actions and the ARNs",
                )
        if resource.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            arn = str(resource.inputs.get("policyArn", ""))
            if arn.rsplit("/", 1)[-1] in ADMIN_MANAGED_POLICIES:
                yield (
                    resource.urn,
                    f"attaches {arn}, which grants administrator access; attach a scoped policy",
                )


def _vpc_flow_logs(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    flow_logs = list(of_type(resources, FLOW_LOG))
    for vpc in of_type(resources, VPC):
        if not any(log.depends_through("vpcId", vpc.urn) for log in flow_logs):
            yield vpc.urn, "VPC has no flow log; add an aws.ec2.FlowLog with vpc_id=vpc.id"


def _key_rotation(resources: Sequence[PlannedResource]) -> Iterator[tuple[str, str]]:
    keys = list(of_type(resources, KMS_KEY))
    for key in keys:
        symmetric = (
            key.inputs.get("customerMasterKeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
        )
        if symmetric and not key.inputs.get("enableKeyRotation"):
            yield key.urn, "symmetric key without automatic rotation; set enable_key_rotation=True"
    for replica in of_type(resources, KMS_REPLICA_KEY):
        primaries = [key for key in keys if replica.depends_through("primaryKeyArn", key.urn)]
        if not primaries:
            yield (
                replica.urn,
                "replica key whose primary key is not in the plan; rotation cannot be verified",
            )
        elif not all(primary.inputs.get("enableKeyRotation") for primary in primaries):
            yield (
                replica.urn,
                "replica of a primary key without rotation; enable rotation on the primary",
            )


def _default_security_group_closed(
    resources: Sequence[PlannedResource],
) -> Iterator[tuple[str, str]]:
    defaults = list(of_type(resources, DEFAULT_SECURITY_GROUP))
    for group in defaults:
        if group.inputs.get("ingress") or group.inputs.get("egress"):
            yield (
                group.urn,
                "default security group has rules; remove every ingress and egress rule",
            )
    for vpc in of_type(resources, VPC):
        if not any(group.depends_through("vpcId", vpc.urn) for group in defaults):
            yield vpc.urn, "the VPC's default security group is not managed; adopt it with no rules"


RULES: tuple[Rule, ...] = (
    Rule(
        id="required-tags",
        severity="mandatory",
        description="Every taggable resource carries the platform's tags; stores carry their "
        "data classification",
        pci_dss="12.5.1",
        check=_required_tags,
    ),
    Rule(
        id="log-group-cmk",
        severity="mandatory",
        description="Every CloudWatch log group is encrypted with a customer-managed key",
        pci_dss="3.5.1, 10.3.2",
        check=_log_groups_encrypted,
    ),
    Rule(
        id="secret-cmk",
        severity="mandatory",
        description="Every secret and each of its replicas is encrypted with a "
        "customer-managed key",
        pci_dss="3.5.1, 8.3.2",
        check=_secrets_encrypted,
    ),
    Rule(
        id="no-wildcard-admin",
        severity="mandatory",
        description="No IAM statement allows every action on every resource; no administrator "
        "policy is attached",
        pci_dss="7.2.1, 7.2.2",
        check=_no_wildcard_grants,
    ),
    Rule(
        id="vpc-flow-logs",
        severity="mandatory",
        description="Every VPC has flow logs",
        pci_dss="10.2.1",
        check=_vpc_flow_logs,
    ),
    Rule(
        id="kms-key-rotation",
        severity="mandatory",
        description="Every symmetric customer-managed key rotates automatically, replicas through "
        "their primary",
        pci_dss="3.7.4",
        check=_key_rotation,
    ),
    Rule(
        id="default-security-group-closed",
        severity="mandatory",
        description="Every VPC's default security group is managed and has no rules",
        pci_dss="1.2.1, 1.3.1",
        check=_default_security_group_closed,
    ),
)


def evaluate(
    resources: Sequence[PlannedResource], rules: Sequence[Rule] = RULES
) -> list[Violation]:
    """Every violation of ``rules`` among ``resources``, in rule order."""
    return [
        Violation(rule=rule.id, urn=urn, message=message, severity=rule.severity)
        for rule in rules
        for urn, message in rule.check(resources)
    ]
