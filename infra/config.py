"""The platform's configuration: typed, frozen, validated before any resource exists.

Stack files (``Pulumi.<stack>.yaml``) hold the only differences between
environments. :func:`load_config` turns the raw key/value pairs of the
project's config namespace into a :class:`PlatformConfig`, or raises
:class:`ConfigError` listing every problem with the key, the value received
and what to change. Pure: no Pulumi resources, no I/O.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from infra import cidr, naming
from infra.regions import MAX_SHORT_CODE_LENGTH, REGIONS, RegionInfo

PROJECT_NAMESPACE = "banking-platform"
MAX_REGIONS = 5

# Retention values CloudWatch Logs accepts (PutRetentionPolicy).
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
    1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
AUDIT_RETENTION_DAYS = 2557
"""Seven years, the retention PCI-DSS programmes at the bank require for audit data."""


class ConfigError(Exception):
    """Raised when the stack configuration is invalid; ``problems`` holds one line per fault."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        listing = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(
            f"invalid stack configuration ({len(self.problems)} problem(s)):\n{listing}"
        )


def _setting(
    key: str,
    doc: str,
    *,
    default: Any = dataclasses.MISSING,
    minimum: int | None = None,
    maximum: int | None = None,
    choices: Sequence[Any] | None = None,
    section: type | None = None,
) -> Any:
    """Declare one config setting: its camelCase key, its meaning and its bounds.

    ``section`` names a nested settings class whose defaults apply when the key is absent.
    """
    metadata = {"key": key, "doc": doc, "min": minimum, "max": maximum, "choices": choices}
    if section is not None:
        return field(default_factory=section, metadata=metadata)
    if default is dataclasses.MISSING:
        return field(metadata=metadata)
    if isinstance(default, list | dict):
        raise TypeError("use a tuple for sequence defaults so the config stays frozen")
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class RegionConfig:
    """One region of the stack. The first region listed is the primary."""

    region: str = _setting("region", "AWS region name, e.g. us-east-1.")
    vpc_cidr: str = _setting("vpcCidr", "The region's VPC range, /16 to /20, unique in the stack.")

    @property
    def info(self) -> RegionInfo:
        """The catalogue entry of this region."""
        return REGIONS[self.region]


@dataclass(frozen=True)
class NetworkConfig:
    """Network sizing. Defaults are the production shape."""

    availability_zones: int = _setting(
        "availabilityZones",
        "Zones each VPC spans; 3 in prod, dev may use 2 (the minimum for Aurora and ALBs).",
        default=3,
        minimum=2,
        maximum=cidr.MAX_ZONES,
    )
    nat_gateways: str = _setting(
        "natGateways",
        "'perZone' keeps egress alive when a zone fails; 'single' saves cost in dev.",
        default="perZone",
        choices=("perZone", "single"),
    )
    flow_log_retention_days: int = _setting(
        "flowLogRetentionDays",
        "Retention of VPC flow logs in CloudWatch Logs (PCI-DSS 10.5.1 asks for 1 year).",
        default=365,
        choices=LOG_RETENTION_DAYS,
    )


@dataclass(frozen=True)
class SecurityConfig:
    """Keys, secrets and the roles that separate duties."""

    deploy_role_name: str = _setting(
        "deployRoleName",
        "Existing IAM role that runs `pulumi up`; it administers the keys, nothing else does.",
        default="platform-deploy",
    )
    key_deletion_window_days: int = _setting(
        "keyDeletionWindowDays",
        "Waiting period before a scheduled key deletion takes effect.",
        default=30,
        minimum=7,
        maximum=30,
    )
    key_rotation_period_days: int = _setting(
        "keyRotationPeriodDays",
        "Automatic rotation period of every customer-managed key.",
        default=365,
        minimum=90,
        maximum=2560,
    )
    secret_rotation_days: int = _setting(
        "secretRotationDays",
        "Days between automatic rotations of every secret.",
        default=30,
        minimum=1,
        maximum=365,
    )


@dataclass(frozen=True)
class ControlsConfig:
    """PCI-DSS controls. None may be turned off in a production environment."""

    encryption_at_rest: bool = _setting(
        "encryptionAtRest", "Customer-managed KMS encryption of every store.", default=True
    )
    flow_logs: bool = _setting("flowLogs", "VPC flow logs in every region.", default=True)
    deletion_protection: bool = _setting(
        "deletionProtection", "Deletion protection on stateful resources.", default=True
    )
    retain_on_delete: bool = _setting(
        "retainOnDelete", "Keep stateful resources when they leave the program.", default=True
    )


# Controls no environment may turn off: the platform has no code path without them.
_ALWAYS_ON_CONTROLS = ("encryption_at_rest", "flow_logs")


@dataclass(frozen=True)
class LoggingConfig:
    """Retention of the platform's own log groups."""

    retention_days: int = _setting(
        "retentionDays",
        "Retention of application and service log groups.",
        default=365,
        choices=LOG_RETENTION_DAYS,
    )
    audit_retention_days: int = _setting(
        "auditRetentionDays",
        "Retention of audit log groups (CloudTrail, security events): 7 years.",
        default=AUDIT_RETENTION_DAYS,
        choices=LOG_RETENTION_DAYS,
    )


@dataclass(frozen=True)
class FunctionsConfig:
    """Lambda runtime shared by every function the platform ships."""

    runtime: str = _setting(
        "runtime",
        "Lambda Python runtime of every function.",
        default="python3.13",
        choices=("python3.12", "python3.13"),
    )
    powertools_layer_version: int = _setting(
        "powertoolsLayerVersion",
        "Version of the public Powertools for AWS Lambda (Python) v3 layer.",
        default=27,
        minimum=1,
    )


# --------------------------------------------------------------------------------------------
# Data tier (REQUIREMENTS 3.5 to 3.9, 3.33)

AURORA_GLOBAL_INSTANCE_FAMILIES = (
    "db.r5", "db.r6g", "db.r6gd", "db.r6i", "db.r6id", "db.r7g", "db.r7i", "db.r8g", "db.r8gd",
    "db.x2g",
)  # fmt: skip
"""Memory-optimised classes: the only provisioned classes an Aurora global database accepts
(Aurora User Guide, 'Configuration requirements of an Amazon Aurora global database')."""

AURORA_WRITE_FORWARDING_MINIMUM = {14: 9, 15: 4, 16: 0, 17: 0}
"""Lowest minor version per major with global write forwarding for Aurora PostgreSQL
(Aurora User Guide, 'Using write forwarding in an Aurora PostgreSQL global database')."""

MAX_AURORA_SECONDARY_REGIONS = 10

GLOBAL_DATASTORE_NODE_FAMILIES = (
    "cache.m5", "cache.m6g", "cache.m7g", "cache.r5", "cache.r6g", "cache.r6gd", "cache.r7g",
    "cache.c7gn",
)  # fmt: skip
"""Node families Global Datastore supports, size large and above (ElastiCache User Guide,
'Global datastores: prerequisites and limitations')."""

_SMALL_NODE_SIZES = ("nano", "micro", "small", "medium")
MAX_GLOBAL_DATASTORE_SECONDARY_REGIONS = 2
CACHE_ENGINE_VERSIONS = {"redis": ("6.2", "7.0", "7.1"), "valkey": ("7.2", "8.0", "8.1")}


@dataclass(frozen=True)
class DatabaseConfig:
    """The Aurora PostgreSQL global database. Defaults are the production shape."""

    engine_version: str = _setting(
        "engineVersion",
        "Aurora PostgreSQL version (major.minor); must support global write forwarding.",
        default="17.7",
    )
    instance_class: str = _setting(
        "instanceClass",
        "Instance class of every cluster member; global databases need a memory-optimised class.",
        default="db.r8g.large",
    )
    instances_per_cluster: int = _setting(
        "instancesPerCluster",
        "Instances in each regional cluster; at least 2 in production (writer or reader + one).",
        default=2,
        minimum=1,
        maximum=16,
    )
    backup_retention_days: int = _setting(
        "backupRetentionDays",
        "Automated backup and point-in-time-recovery window; 35 (the maximum) in production.",
        default=35,
        minimum=1,
        maximum=35,
    )
    read_consistency: str = _setting(
        "readConsistency",
        "Read consistency of write forwarding on the secondary clusters: SESSION (read your own "
        "writes) or GLOBAL (read every committed write, slowest).",
        default="SESSION",
        choices=("SESSION", "GLOBAL"),
    )
    secondary_regions: tuple[str, ...] = _setting(
        "secondaryRegions",
        "Replica regions that get a secondary cluster; empty means every replica region.",
        default=(),
    )
    database_name: str = _setting(
        "databaseName", "Name of the ledger database created in the cluster.", default="ledger"
    )

    @property
    def engine_major(self) -> int:
        """The major version, e.g. 17."""
        return int(self.engine_version.split(".", 1)[0])


@dataclass(frozen=True)
class CacheConfig:
    """The ElastiCache Global Datastore for sessions and hot reads."""

    engine: str = _setting(
        "engine", "Cache engine.", default="redis", choices=tuple(CACHE_ENGINE_VERSIONS)
    )
    engine_version: str = _setting(
        "engineVersion", "Engine version (major.minor) of every member.", default="7.1"
    )
    node_type: str = _setting(
        "nodeType",
        "Node type of every member; Global Datastore needs a supported family, large or above.",
        default="cache.r7g.large",
    )
    nodes_per_region: int = _setting(
        "nodesPerRegion",
        "Nodes (primary + replicas) in each regional group; 2 or more for multi-AZ failover.",
        default=2,
        minimum=2,
        maximum=6,
    )
    snapshot_retention_days: int = _setting(
        "snapshotRetentionDays",
        "Days of automatic snapshots kept for the primary group.",
        default=7,
        minimum=1,
        maximum=35,
    )
    secondary_regions: tuple[str, ...] = _setting(
        "secondaryRegions",
        "Replica regions that get a secondary group (at most 2); empty means every replica region.",
        default=(),
    )


@dataclass(frozen=True)
class StorageConfig:
    """S3 archive, audit and data-lake buckets, and the shared file systems."""

    object_lock_mode: str = _setting(
        "objectLockMode",
        "Default Object Lock mode of the archive and audit buckets; COMPLIANCE in production.",
        default="COMPLIANCE",
        choices=("GOVERNANCE", "COMPLIANCE"),
    )
    object_lock_retention_days: int = _setting(
        "objectLockRetentionDays",
        "Default Object Lock retention; at least 7 years (2557 days) in production.",
        default=AUDIT_RETENTION_DAYS,
        minimum=1,
        maximum=36500,
    )
    archive_expiration_days: int = _setting(
        "archiveExpirationDays",
        "Age at which archive and audit objects expire; not before their lock ends.",
        default=AUDIT_RETENTION_DAYS,
        minimum=1,
        maximum=36500,
    )
    cold_transition_days: int = _setting(
        "coldTransitionDays",
        "Age at which archive objects move to Glacier Instant Retrieval.",
        default=90,
        minimum=30,
    )
    deep_archive_transition_days: int = _setting(
        "deepArchiveTransitionDays",
        "Age at which archive objects move to Glacier Deep Archive.",
        default=365,
        minimum=120,
    )
    replication_time_control: bool = _setting(
        "replicationTimeControl",
        "S3 Replication Time Control (15-minute SLA, with metrics) on cross-region rules.",
        default=True,
    )
    file_system_ia_transition: str = _setting(
        "fileSystemIaTransition",
        "When EFS files move to Infrequent Access.",
        default="AFTER_30_DAYS",
        choices=(
            "AFTER_7_DAYS",
            "AFTER_14_DAYS",
            "AFTER_30_DAYS",
            "AFTER_60_DAYS",
            "AFTER_90_DAYS",
        ),
    )


@dataclass(frozen=True)
class BackupConfig:
    """AWS Backup plans and vaults."""

    daily_retention_days: int = _setting(
        "dailyRetentionDays", "Days a daily recovery point is kept.", default=35, minimum=1
    )
    monthly_retention_days: int = _setting(
        "monthlyRetentionDays",
        "Days a monthly recovery point is kept; at least the 7-year audit retention in production.",
        default=AUDIT_RETENTION_DAYS,
        minimum=1,
        maximum=36500,
    )
    daily_schedule: str = _setting(
        "dailySchedule", "Cron expression (UTC) of the daily rule.", default="cron(0 3 * * ? *)"
    )
    monthly_schedule: str = _setting(
        "monthlySchedule",
        "Cron expression (UTC) of the monthly rule.",
        default="cron(0 4 1 * ? *)",
    )
    vault_lock_mode: str = _setting(
        "vaultLockMode",
        "'compliance' makes the vault lock immutable after the grace days; production needs it.",
        default="compliance",
        choices=("governance", "compliance"),
    )
    vault_lock_grace_days: int = _setting(
        "vaultLockGraceDays",
        "Days a compliance-mode vault lock may still be removed after it is set.",
        default=3,
        minimum=3,
        maximum=36500,
    )


# Regions where Amazon Fraud Detector is offered (AWS regional services list).
FRAUD_DETECTOR_REGIONS = (
    "us-east-1", "us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2",
)  # fmt: skip
TRANSACTION_PROCESSOR_TIMEOUT_SECONDS = 30
"""Timeout of the transaction processor; the queue's visibility timeout must cover six of it."""
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class SubscriptionConfig:
    """One subscription to a platform topic, in every region."""

    topic: str = _setting(
        "topic",
        "Topic to subscribe to.",
        choices=("alerts", "customer-notifications"),
    )
    protocol: str = _setting(
        "protocol", "How SNS delivers: email, sms or lambda.", choices=("email", "sms", "lambda")
    )
    endpoint: str = _setting(
        "endpoint",
        "E-mail address, E.164 phone number (+14155550100) or the ARN of a Lambda function.",
    )


@dataclass(frozen=True)
class MessagingConfig:
    """Queues, the transaction stream, the data-lake delivery, buses and topics."""

    stream_mode: str = _setting(
        "streamMode",
        "Capacity mode of the transaction stream: ON_DEMAND scales by itself, PROVISIONED "
        "uses streamShards.",
        default="ON_DEMAND",
        choices=("ON_DEMAND", "PROVISIONED"),
    )
    stream_shards: int = _setting(
        "streamShards",
        "Shards of the transaction stream in PROVISIONED mode (1 MB/s or 1000 records/s each).",
        default=4,
        minimum=1,
        maximum=500,
    )
    stream_retention_hours: int = _setting(
        "streamRetentionHours",
        "How long the stream keeps records for replay (24 hours to 365 days).",
        default=168,
        minimum=24,
        maximum=8760,
    )
    queue_max_receive_count: int = _setting(
        "queueMaxReceiveCount",
        "Deliveries of a message before SQS moves it to the dead-letter queue.",
        default=5,
        minimum=1,
        maximum=100,
    )
    queue_visibility_timeout_seconds: int = _setting(
        "queueVisibilityTimeoutSeconds",
        "Visibility timeout of the transaction queue; at least six times the processor timeout.",
        default=6 * TRANSACTION_PROCESSOR_TIMEOUT_SECONDS,
        minimum=30,
        maximum=43200,
    )
    event_archive_retention_days: int = _setting(
        "eventArchiveRetentionDays",
        "Days each region's event archive keeps transaction events for replay.",
        default=365,
        minimum=1,
        maximum=3653,
    )
    delivery_buffer_seconds: int = _setting(
        "deliveryBufferSeconds",
        "Seconds Firehose buffers before writing an object to the data lake.",
        default=300,
        minimum=60,
        maximum=900,
    )
    delivery_buffer_mb: int = _setting(
        "deliveryBufferMb",
        "Megabytes Firehose buffers before writing an object to the data lake.",
        default=64,
        minimum=1,
        maximum=128,
    )
    subscriptions: tuple[SubscriptionConfig, ...] = _setting(
        "subscriptions",
        "E-mail, SMS and Lambda subscriptions to the alerts and customer-notifications topics.",
        default=(),
    )


@dataclass(frozen=True)
class FraudConfig:
    """The pluggable fraud scorer (REQUIREMENTS 3.19)."""

    backend: str = _setting(
        "backend",
        "'model' serves the model shipped in app/fraud from the scorer function (works in any "
        "account); 'frauddetector' calls Amazon Fraud Detector, closed to new customers since "
        "2025-11-07, for accounts that still have it.",
        default="model",
        choices=("model", "frauddetector"),
    )
    approve_below: int = _setting(
        "approveBelow",
        "Risk scores below this are approved without review.",
        default=30,
        minimum=1,
        maximum=99,
    )
    reject_from: int = _setting(
        "rejectFrom",
        "Risk scores at or above this are rejected; between the two goes to manual review.",
        default=80,
        minimum=2,
        maximum=100,
    )
    scorer_timeout_seconds: int = _setting(
        "scorerTimeoutSeconds",
        "How long the approval workflow waits for one scoring call before retrying.",
        default=2,
        minimum=1,
        maximum=10,
    )
    provisioned_concurrency: int = _setting(
        "provisionedConcurrency",
        "Warm scorer environments on the 'live' alias in production; other environments keep "
        "none, to save cost.",
        default=10,
        minimum=0,
        maximum=1000,
    )


@dataclass(frozen=True)
class WorkflowConfig:
    """The transaction-approval state machine (REQUIREMENTS 3.18)."""

    review_timeout_seconds: int = _setting(
        "reviewTimeoutSeconds",
        "How long a payment waits for a reviewer before it is declined.",
        default=4 * 3600,
        minimum=300,
        maximum=7 * 24 * 3600,
    )
    review_heartbeat_seconds: int = _setting(
        "reviewHeartbeatSeconds",
        "The review tool must send a heartbeat this often while a reviewer holds a payment.",
        default=900,
        minimum=60,
        maximum=24 * 3600,
    )


@dataclass(frozen=True)
class PlatformConfig:
    """Everything one stack needs; built by :func:`load_config` only."""

    environment: str = _setting(
        "environment", "Environment name; goes into every physical name (e.g. dev, prod)."
    )
    cost_center: str = _setting("costCenter", "Cost centre billed for the stack (CostCenter tag).")
    regions: tuple[RegionConfig, ...] = _setting(
        "regions", f"1 to {MAX_REGIONS} regions, primary first, each with its own VPC range."
    )
    name_prefix: str = _setting("namePrefix", "First part of every physical name.", default="bank")
    data_classification: str = _setting(
        "dataClassification",
        "DataClassification tag of stores holding customer data.",
        default="Confidential-PCI",
    )
    network: NetworkConfig = _setting("network", "Network sizing.", section=NetworkConfig)
    security: SecurityConfig = _setting(
        "security", "Keys, secrets and roles.", section=SecurityConfig
    )
    controls: ControlsConfig = _setting(
        "controls", "PCI-DSS control switches.", section=ControlsConfig
    )
    logging: LoggingConfig = _setting("logging", "Log retention.", section=LoggingConfig)
    functions: FunctionsConfig = _setting(
        "functions", "Lambda runtime settings.", section=FunctionsConfig
    )
    database: DatabaseConfig = _setting(
        "database", "Aurora global database.", section=DatabaseConfig
    )
    cache: CacheConfig = _setting("cache", "ElastiCache Global Datastore.", section=CacheConfig)
    storage: StorageConfig = _setting(
        "storage", "S3 buckets and file systems.", section=StorageConfig
    )
    backup: BackupConfig = _setting("backup", "AWS Backup plans and vaults.", section=BackupConfig)
    messaging: MessagingConfig = _setting(
        "messaging", "Queues, stream, delivery, buses and topics.", section=MessagingConfig
    )
    fraud: FraudConfig = _setting("fraud", "Fraud scoring.", section=FraudConfig)
    workflow: WorkflowConfig = _setting(
        "workflow", "Transaction-approval workflow.", section=WorkflowConfig
    )
    allowed_account_ids: tuple[str, ...] = _setting(
        "allowedAccountIds",
        "Accounts the stack may deploy to; the providers refuse any other. Empty: no guard.",
        default=(),
    )

    @property
    def is_production(self) -> bool:
        """``prod`` and ``prod-<suffix>`` environments are production."""
        return self.environment == "prod" or self.environment.startswith("prod-")

    @property
    def primary(self) -> RegionConfig:
        """The primary region: writes, global database primary, the aggregation point."""
        return self.regions[0]

    @property
    def replicas(self) -> tuple[RegionConfig, ...]:
        """Every region after the primary."""
        return self.regions[1:]

    @property
    def region_names(self) -> tuple[str, ...]:
        """Region names, primary first."""
        return tuple(region.region for region in self.regions)

    @property
    def database_secondary_regions(self) -> tuple[str, ...]:
        """Replica regions with an Aurora secondary cluster, in stack order."""
        return _chosen_replicas(self, self.database.secondary_regions)

    @property
    def cache_secondary_regions(self) -> tuple[str, ...]:
        """Replica regions with a Global Datastore secondary group, in stack order."""
        return _chosen_replicas(self, self.cache.secondary_regions)

    @property
    def namer(self) -> naming.Namer:
        """The physical-name builder for this environment."""
        return naming.Namer(prefix=self.name_prefix, environment=self.environment)


def _chosen_replicas(config: PlatformConfig, chosen: tuple[str, ...]) -> tuple[str, ...]:
    replicas = tuple(region.region for region in config.replicas)
    return replicas if not chosen else tuple(r for r in replicas if r in chosen)


# --------------------------------------------------------------------------------------------
# Loading


def load_config(raw: Mapping[str, Any]) -> PlatformConfig:
    """Build and validate the configuration from the project's config namespace.

    ``raw`` maps keys without the ``banking-platform:`` prefix to their values,
    either already parsed or as the JSON strings Pulumi hands to programs.
    """
    problems: list[str] = []
    loaded = _load_dataclass(PlatformConfig, raw, "", problems)
    if problems or loaded is None:
        raise ConfigError(problems)
    config = typing.cast(PlatformConfig, loaded)
    _check_cross_field_rules(config, problems)
    if problems:
        raise ConfigError(problems)
    return config


def _full_key(path: str, key: str) -> str:
    return f"{PROJECT_NAMESPACE}:{path}{key}"


def _load_dataclass(cls: type, raw: Any, path: str, problems: list[str]) -> Any:
    where = f"{PROJECT_NAMESPACE}:{path.rstrip('.')}" if path else f"{PROJECT_NAMESPACE}"
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: expected an object of settings, got {raw!r}")
        return None
    fields = {f.metadata["key"]: f for f in dataclasses.fields(cls)}
    for key in raw:
        if key not in fields:
            hint = difflib.get_close_matches(str(key), list(fields), n=1)
            fix = f"did you mean '{hint[0]}'?" if hint else f"known keys: {', '.join(fields)}"
            problems.append(f"{_full_key(path, str(key))}: unknown setting; {fix}")
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    before = len(problems)
    for key, fld in fields.items():
        full = _full_key(path, key)
        if key not in raw:
            if fld.default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING:
                problems.append(f"{full}: required setting is missing ({fld.metadata['doc']})")
            continue
        value = _load_value(hints[fld.name], raw[key], f"{path}{key}", fld, problems)
        if value is not None:
            values[fld.name] = value
    if len(problems) > before:
        return None
    return cls(**values)


def _load_value(
    hint: Any, value: Any, path: str, fld: dataclasses.Field[Any], problems: list[str]
) -> Any:
    full = f"{PROJECT_NAMESPACE}:{path}"
    nested_path = f"{path}."
    if isinstance(value, str) and hint is not str:
        value = _parse_json(value)
    if dataclasses.is_dataclass(hint):
        return _load_dataclass(typing.cast(type, hint), value, nested_path, problems)
    origin = typing.get_origin(hint)
    if origin is tuple:
        (item_type,) = {arg for arg in typing.get_args(hint) if arg is not Ellipsis}
        if not isinstance(value, list | tuple):
            problems.append(f"{full}: expected a list, got {value!r}")
            return None
        items = [
            _load_dataclass(
                typing.cast(type, item_type), item, f"{nested_path[:-1]}[{index}].", problems
            )
            if dataclasses.is_dataclass(item_type)
            else item
            for index, item in enumerate(value)
        ]
        return None if any(item is None for item in items) else tuple(items)
    return _check_scalar(hint, value, full, fld, problems)


def _check_scalar(
    hint: Any, value: Any, full: str, fld: dataclasses.Field[Any], problems: list[str]
) -> Any:
    expected = hint if not isinstance(hint, types.UnionType) else typing.get_args(hint)
    if hint is int and (isinstance(value, bool) or not isinstance(value, int)):
        problems.append(f"{full}: expected a whole number, got {value!r}")
        return None
    if not isinstance(value, expected):
        problems.append(f"{full}: expected {getattr(hint, '__name__', hint)}, got {value!r}")
        return None
    meta = fld.metadata
    if meta["choices"] is not None and value not in meta["choices"]:
        allowed = ", ".join(str(choice) for choice in meta["choices"])
        problems.append(f"{full}: {value!r} is not allowed; use one of: {allowed}")
        return None
    if meta["min"] is not None and value < meta["min"]:
        problems.append(
            f"{full}: {value!r} is below the minimum {meta['min']}; set at least {meta['min']}"
        )
        return None
    if meta["max"] is not None and value > meta["max"]:
        problems.append(
            f"{full}: {value!r} is above the maximum {meta['max']}; set at most {meta['max']}"
        )
        return None
    return value


def _parse_json(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


# --------------------------------------------------------------------------------------------
# Rules that span several settings


def _check_cross_field_rules(config: PlatformConfig, problems: list[str]) -> None:
    _check_names(config, problems)
    _check_regions(config, problems)
    _check_controls(config, problems)
    _check_database(config, problems)
    _check_cache(config, problems)
    _check_storage(config, problems)
    _check_backup(config, problems)
    _check_transaction_flow(config, problems)
    for index, account in enumerate(config.allowed_account_ids):
        if not (isinstance(account, str) and len(account) == 12 and account.isdigit()):
            problems.append(
                f"{PROJECT_NAMESPACE}:allowedAccountIds[{index}]: {account!r} is not an AWS "
                f"account id; write the 12 digits as a quoted string, e.g. '123456789012'"
            )
    zones = config.network.availability_zones
    for index, region in enumerate(config.regions):
        info = REGIONS.get(region.region)
        if info is not None and zones > len(info.zone_suffixes):
            problems.append(
                f"{PROJECT_NAMESPACE}:network.availabilityZones: {zones} zones requested but "
                f"regions[{index}] ({region.region}) offers {len(info.zone_suffixes)}; "
                f"lower availabilityZones or choose another region"
            )


def _check_names(config: PlatformConfig, problems: list[str]) -> None:
    for key, value in (("namePrefix", config.name_prefix), ("environment", config.environment)):
        if not naming.ENVIRONMENT_PATTERN.match(value):
            problems.append(
                f"{PROJECT_NAMESPACE}:{key}: {value!r} is not usable in AWS names; use lowercase "
                f"letters, digits and single inner hyphens, starting with a letter (e.g. 'dev')"
            )
            return
    overflow = naming.longest_name_overflow(
        config.name_prefix, config.environment, MAX_SHORT_CODE_LENGTH
    )
    if overflow:
        longest = naming.max_environment_length(config.name_prefix, MAX_SHORT_CODE_LENGTH)
        problems.append(
            f"{PROJECT_NAMESPACE}:environment: {config.environment!r} makes physical names too "
            f"long: {overflow[0]}; use at most {longest} characters with namePrefix "
            f"{config.name_prefix!r}"
        )


def _check_regions(config: PlatformConfig, problems: list[str]) -> None:
    key = f"{PROJECT_NAMESPACE}:regions"
    if not 1 <= len(config.regions) <= MAX_REGIONS:
        problems.append(
            f"{key}: {len(config.regions)} regions given ({', '.join(config.region_names)}); "
            f"list 1 to {MAX_REGIONS}, primary first"
        )
    seen: dict[str, int] = {}
    cidrs: dict[str, str] = {}
    for index, region in enumerate(config.regions):
        where = f"{key}[{index}]"
        if region.region not in REGIONS:
            hint = difflib.get_close_matches(region.region, list(REGIONS), n=1)
            fix = (
                f"did you mean '{hint[0]}'?" if hint else "use an AWS region name such as us-east-1"
            )
            problems.append(f"{where}.region: {region.region!r} is not a known AWS region; {fix}")
        if region.region in seen:
            first = seen[region.region]
            role = "the primary" if first == 0 else f"regions[{first}]"
            problems.append(
                f"{where}.region: {region.region!r} is listed again (already {role}); "
                f"each region appears once, the primary first and only first"
            )
        seen.setdefault(region.region, index)
        try:
            cidr.validate_vpc_cidr(region.vpc_cidr)
        except ValueError as error:
            problems.append(f"{where}.vpcCidr: {error}; use a range such as 10.29.0.0/16")
        else:
            cidrs[f"regions[{index}] ({region.region})"] = region.vpc_cidr
    for first, second in cidr.overlapping_pairs(cidrs):
        problems.append(
            f"{key}: vpcCidr of {first} overlaps {second} "
            f"({cidrs[first]} and {cidrs[second]}); Transit Gateway routing needs "
            f"disjoint ranges, give each region its own, e.g. 10.29.0.0/16, 10.30.0.0/16"
        )


def _check_controls(config: PlatformConfig, problems: list[str]) -> None:
    for fld in dataclasses.fields(ControlsConfig):
        if getattr(config.controls, fld.name):
            continue
        key = f"{PROJECT_NAMESPACE}:controls.{fld.metadata['key']}"
        if fld.name in _ALWAYS_ON_CONTROLS:
            problems.append(
                f"{key}: false is not allowed; PCI-DSS requires it in every environment and the "
                f"platform has no code path without it. Remove the setting or set it to true"
            )
        elif config.is_production:
            problems.append(
                f"{key}: false is not allowed in the production environment "
                f"{config.environment!r}; PCI-DSS requires it there. Remove the setting or set true"
            )


def _check_secondary_regions(
    config: PlatformConfig, key: str, chosen: tuple[str, ...], problems: list[str]
) -> None:
    replicas = [region.region for region in config.replicas]
    for index, region in enumerate(chosen):
        if region in replicas:
            continue
        if region == config.primary.region:
            why = "is the primary region, which holds the primary cluster"
        else:
            why = "is not one of the stack's regions"
        allowed = ", ".join(replicas) or "none: the stack has no replica region"
        problems.append(
            f"{PROJECT_NAMESPACE}:{key}[{index}]: {region!r} {why}; list replica regions only "
            f"({allowed}), or leave the list empty for every replica region"
        )


def _check_database(config: PlatformConfig, problems: list[str]) -> None:
    db = config.database
    key = f"{PROJECT_NAMESPACE}:database"
    _check_secondary_regions(config, "database.secondaryRegions", db.secondary_regions, problems)
    if len(config.database_secondary_regions) > MAX_AURORA_SECONDARY_REGIONS:
        problems.append(
            f"{key}.secondaryRegions: {len(config.database_secondary_regions)} secondary regions; "
            f"an Aurora global database takes at most {MAX_AURORA_SECONDARY_REGIONS}"
        )
    family = db.instance_class.rsplit(".", 1)[0]
    if db.instance_class.count(".") != 2 or family not in AURORA_GLOBAL_INSTANCE_FAMILIES:
        problems.append(
            f"{key}.instanceClass: {db.instance_class!r} is not a class Aurora global databases "
            f"support; they need a memory-optimised class from "
            f"{', '.join(AURORA_GLOBAL_INSTANCE_FAMILIES)}, e.g. 'db.r8g.large'"
        )
    version = db.engine_version.split(".")
    if len(version) != 2 or not all(part.isdigit() for part in version):
        problems.append(
            f"{key}.engineVersion: {db.engine_version!r} is not a major.minor version; "
            f"write it as e.g. '17.7'"
        )
    else:
        major, minor = int(version[0]), int(version[1])
        lowest = AURORA_WRITE_FORWARDING_MINIMUM.get(major)
        if lowest is None or minor < lowest:
            supported = ", ".join(
                f"{m}.{n}+" for m, n in sorted(AURORA_WRITE_FORWARDING_MINIMUM.items())
            )
            problems.append(
                f"{key}.engineVersion: {db.engine_version!r} has no global write forwarding, "
                f"which the secondary clusters need; use {supported}"
            )
    if config.is_production and db.instances_per_cluster < 2:
        problems.append(
            f"{key}.instancesPerCluster: {db.instances_per_cluster} in the production "
            f"environment {config.environment!r}; each cluster needs at least 2 instances so a "
            f"zone failure leaves one. Set 2 or more"
        )
    if config.is_production and db.backup_retention_days < 35:
        problems.append(
            f"{key}.backupRetentionDays: {db.backup_retention_days} in the production "
            f"environment {config.environment!r}; the point-in-time-recovery window must be 35 "
            f"days there. Set 35"
        )


def _check_cache(config: PlatformConfig, problems: list[str]) -> None:
    cache = config.cache
    key = f"{PROJECT_NAMESPACE}:cache"
    _check_secondary_regions(config, "cache.secondaryRegions", cache.secondary_regions, problems)
    if len(config.cache_secondary_regions) > MAX_GLOBAL_DATASTORE_SECONDARY_REGIONS:
        problems.append(
            f"{key}.secondaryRegions: {len(config.cache_secondary_regions)} secondary regions "
            f"({', '.join(config.cache_secondary_regions)}); a Global Datastore replicates to at "
            f"most {MAX_GLOBAL_DATASTORE_SECONDARY_REGIONS}. List the replica regions to use"
        )
    family, _, size = cache.node_type.rpartition(".")
    if family not in GLOBAL_DATASTORE_NODE_FAMILIES or size in _SMALL_NODE_SIZES or not size:
        problems.append(
            f"{key}.nodeType: {cache.node_type!r} is not a node type Global Datastore supports; "
            f"use a size large or above from {', '.join(GLOBAL_DATASTORE_NODE_FAMILIES)}, "
            f"e.g. 'cache.r7g.large'"
        )
    versions = CACHE_ENGINE_VERSIONS.get(cache.engine, ())
    if cache.engine_version not in versions:
        problems.append(
            f"{key}.engineVersion: {cache.engine_version!r} is not a {cache.engine} version the "
            f"platform supports; use one of: {', '.join(versions)}"
        )


def _check_storage(config: PlatformConfig, problems: list[str]) -> None:
    storage = config.storage
    key = f"{PROJECT_NAMESPACE}:storage"
    env = config.environment
    if config.is_production and storage.object_lock_mode != "COMPLIANCE":
        problems.append(
            f"{key}.objectLockMode: {storage.object_lock_mode!r} in the production environment "
            f"{env!r}; audit evidence needs COMPLIANCE mode, which nobody can shorten. "
            f"Set COMPLIANCE"
        )
    if config.is_production and storage.object_lock_retention_days < AUDIT_RETENTION_DAYS:
        problems.append(
            f"{key}.objectLockRetentionDays: {storage.object_lock_retention_days} in the "
            f"production environment {env!r} is below the 7-year audit retention; set at least "
            f"{AUDIT_RETENTION_DAYS}"
        )
    if storage.archive_expiration_days < storage.object_lock_retention_days:
        problems.append(
            f"{key}.archiveExpirationDays: {storage.archive_expiration_days} ends before the "
            f"Object Lock retention ({storage.object_lock_retention_days}); set it to at least "
            f"{storage.object_lock_retention_days}"
        )
    # Glacier Instant Retrieval bills 90 days at least; S3 lifecycle refuses a later
    # transition or an expiration that does not come after the earlier steps.
    if storage.deep_archive_transition_days < storage.cold_transition_days + 90:
        problems.append(
            f"{key}.deepArchiveTransitionDays: {storage.deep_archive_transition_days} is less "
            f"than 90 days after coldTransitionDays ({storage.cold_transition_days}); set at "
            f"least {storage.cold_transition_days + 90}"
        )
    if storage.archive_expiration_days <= storage.deep_archive_transition_days:
        problems.append(
            f"{key}.archiveExpirationDays: {storage.archive_expiration_days} is not after "
            f"deepArchiveTransitionDays ({storage.deep_archive_transition_days}); S3 lifecycle "
            f"refuses it. Raise archiveExpirationDays or lower the transition"
        )


def _check_backup(config: PlatformConfig, problems: list[str]) -> None:
    backup = config.backup
    key = f"{PROJECT_NAMESPACE}:backup"
    env = config.environment
    if config.is_production and backup.monthly_retention_days < AUDIT_RETENTION_DAYS:
        problems.append(
            f"{key}.monthlyRetentionDays: {backup.monthly_retention_days} in the production "
            f"environment {env!r} is shorter than the 7-year audit retention; set at least "
            f"{AUDIT_RETENTION_DAYS}"
        )
    if backup.daily_retention_days > backup.monthly_retention_days:
        problems.append(
            f"{key}.dailyRetentionDays: {backup.daily_retention_days} outlives the monthly "
            f"points ({backup.monthly_retention_days}); keep daily points for less time"
        )
    if config.is_production and backup.vault_lock_mode != "compliance":
        problems.append(
            f"{key}.vaultLockMode: {backup.vault_lock_mode!r} in the production environment "
            f"{env!r}; recovery points must be immutable there. Set 'compliance'"
        )
    for field_key, expression in (
        ("dailySchedule", backup.daily_schedule),
        ("monthlySchedule", backup.monthly_schedule),
    ):
        if not (expression.startswith("cron(") and expression.endswith(")")):
            problems.append(
                f"{key}.{field_key}: {expression!r} is not an AWS cron expression; write it as "
                f"e.g. 'cron(0 3 * * ? *)'"
            )


def _check_transaction_flow(config: PlatformConfig, problems: list[str]) -> None:
    ns = PROJECT_NAMESPACE
    fraud, workflow, messaging = config.fraud, config.workflow, config.messaging
    if fraud.approve_below >= fraud.reject_from:
        problems.append(
            f"{ns}:fraud.approveBelow: {fraud.approve_below} is not below fraud.rejectFrom "
            f"({fraud.reject_from}); the manual-review band between them would be empty or "
            f"inverted. Lower approveBelow or raise rejectFrom, e.g. 30 and 80"
        )
    if workflow.review_heartbeat_seconds >= workflow.review_timeout_seconds:
        problems.append(
            f"{ns}:workflow.reviewHeartbeatSeconds: {workflow.review_heartbeat_seconds} is not "
            f"below workflow.reviewTimeoutSeconds ({workflow.review_timeout_seconds}); a "
            f"heartbeat must come more often than the timeout, e.g. 900 and 14400"
        )
    needed = 6 * TRANSACTION_PROCESSOR_TIMEOUT_SECONDS
    if messaging.queue_visibility_timeout_seconds < needed:
        problems.append(
            f"{ns}:messaging.queueVisibilityTimeoutSeconds: "
            f"{messaging.queue_visibility_timeout_seconds} is below {needed}, six times the "
            f"processor timeout ({TRANSACTION_PROCESSOR_TIMEOUT_SECONDS} s); a message could be "
            f"delivered twice while its first delivery still runs. Set at least {needed}"
        )
    if fraud.backend == "frauddetector":
        for index, region in enumerate(config.regions):
            if region.region not in FRAUD_DETECTOR_REGIONS:
                problems.append(
                    f"{ns}:fraud.backend: 'frauddetector' is not offered in regions[{index}] "
                    f"({region.region}); use backend 'model' or only regions in "
                    f"{', '.join(FRAUD_DETECTOR_REGIONS)}"
                )
    for index, sub in enumerate(messaging.subscriptions):
        pattern = {"email": _EMAIL, "sms": _E164, "lambda": _LAMBDA_ARN}[sub.protocol]
        if not pattern.match(sub.endpoint):
            example = {
                "email": "payments-oncall@bank.example",
                "sms": "+14155550100",
                "lambda": "arn:aws:lambda:us-east-1:123456789012:function:pager",
            }[sub.protocol]
            problems.append(
                f"{ns}:messaging.subscriptions[{index}].endpoint: {sub.endpoint!r} is not a "
                f"valid {sub.protocol} endpoint; write it like {example!r}"
            )
