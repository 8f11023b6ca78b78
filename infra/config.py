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
