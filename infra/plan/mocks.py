"""Mocks that answer like AWS: ARNs in the resource's region, one account, real zone names.

Resource outputs echo the inputs and add what AWS computes (``arn``, ``id``,
names, the identifiers other resources refer to). Data-source calls are
answered per region from :mod:`infra.regions`; a call these mocks do not know
raises, so a new data source cannot slip into the plan unanswered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks

from infra.regions import REGIONS

ACCOUNT_ID = "123456789012"
PARTITION = "aws"
PROVIDER_TYPE_PREFIX = "pulumi:providers:"


class UnknownCallError(Exception):
    """A data source the mocks cannot answer; add it to ``PlanMocks.calls``."""


def _short_hash(*parts: str, length: int = 8) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _service_and_kind(token: str) -> tuple[str, str]:
    """``aws:ec2/vpc:Vpc`` -> (``ec2``, ``vpc``)."""
    module = token.split(":")[1]
    service, _, kind = module.partition("/")
    return service, kind or service


class PlanMocks(Mocks):
    """Answers resource registrations and data-source calls for the offline plan."""

    def __init__(self) -> None:
        self.provider_regions: dict[str, str] = {}
        """Provider id -> region, learnt as providers register."""
        self.calls: dict[str, Callable[[dict[str, Any], str | None], dict[str, Any]]] = {
            "aws:index/getCallerIdentity:getCallerIdentity": self._caller_identity,
            "aws:index/getPartition:getPartition": self._partition,
            "aws:index/getAvailabilityZones:getAvailabilityZones": self._zones,
            "aws:index/getRegion:getRegion": self._region,
        }

    # -- regions ---------------------------------------------------------------------------

    def region_of(self, provider_ref: str | None) -> str | None:
        """Region of the provider a reference (``urn::id``) points at, if known."""
        if not provider_ref:
            return None
        return self.provider_regions.get(provider_ref.rsplit("::", 1)[-1])

    # -- calls -----------------------------------------------------------------------------

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        handler = self.calls.get(args.token)
        if handler is None:
            raise UnknownCallError(
                f"the offline plan has no answer for data source {args.token!r}; "
                f"add one to infra.plan.mocks.PlanMocks.calls"
            )
        return handler(args.args, self.region_of(args.provider)), []

    def _caller_identity(self, _args: dict[str, Any], _region: str | None) -> dict[str, Any]:
        arn = f"arn:{PARTITION}:sts::{ACCOUNT_ID}:assumed-role/platform-deploy/plan"
        return {"accountId": ACCOUNT_ID, "arn": arn, "userId": "AROAPLAN:plan", "id": ACCOUNT_ID}

    def _partition(self, _args: dict[str, Any], _region: str | None) -> dict[str, Any]:
        return {"partition": PARTITION, "dnsSuffix": "amazonaws.com", "id": PARTITION}

    def _zones(self, _args: dict[str, Any], region: str | None) -> dict[str, Any]:
        info = REGIONS[self._require_region(region, "getAvailabilityZones")]
        names = list(info.availability_zones)
        ids = [f"{info.short_code}-az{index + 1}" for index in range(len(names))]
        return {"names": names, "zoneIds": ids, "id": info.name, "groupNames": [info.name]}

    def _region(self, _args: dict[str, Any], region: str | None) -> dict[str, Any]:
        name = self._require_region(region, "getRegion")
        return {"name": name, "region": name, "id": name, "endpoint": f"ec2.{name}.amazonaws.com"}

    @staticmethod
    def _require_region(region: str | None, call: str) -> str:
        if region is None:
            raise UnknownCallError(f"{call} was called without an explicit regional provider")
        return region

    # -- resources -------------------------------------------------------------------------

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        if args.typ.startswith(PROVIDER_TYPE_PREFIX):
            provider_id = f"provider-{_short_hash(args.typ, args.name)}"
            region = args.inputs.get("region")
            if isinstance(region, str):
                self.provider_regions[provider_id] = region
            return provider_id, dict(args.inputs)
        region = self.region_of(args.provider) or "us-east-1"
        resource_id = self._resource_id(args)
        state = dict(args.inputs)
        state.setdefault("name", args.inputs.get("name") or f"{args.name}-{_short_hash(args.name)}")
        state["arn"] = self._arn(args.typ, region, resource_id, state)
        state.update(self._computed(args.typ, resource_id, state, region))
        return resource_id, state

    @staticmethod
    def _resource_id(args: MockResourceArgs) -> str:
        service, kind = _service_and_kind(args.typ)
        if f"{service}/{kind}" == "s3/bucket" and isinstance(args.inputs.get("bucket"), str):
            return args.inputs["bucket"]  # a bucket's id is its name
        prefixes = {
            "ec2/vpc": "vpc",
            "ec2/subnet": "subnet",
            "ec2/routeTable": "rtb",
            "ec2/securityGroup": "sg",
            "ec2/internetGateway": "igw",
            "ec2/natGateway": "nat",
            "ec2/eip": "eipalloc",
            "ec2/networkAcl": "acl",
            "ec2/vpcEndpoint": "vpce",
            "ec2/flowLog": "fl",
            "ec2transitgateway/transitGateway": "tgw",
            "ec2transitgateway/vpcAttachment": "tgw-attach",
            "ec2transitgateway/peeringAttachment": "tgw-attach",
            "efs/fileSystem": "fs",
            "efs/accessPoint": "fsap",
            "efs/mountTarget": "fsmt",
        }
        prefix = prefixes.get(f"{service}/{kind}")
        digest = _short_hash(args.typ, args.name, length=17)
        return f"{prefix}-{digest}" if prefix else f"{args.name}-{digest[:8]}"

    @staticmethod
    def _arn(token: str, region: str, resource_id: str, state: dict[str, Any]) -> str:
        service, kind = _service_and_kind(token)
        data_tier = DATA_TIER_ARNS.get(f"{service}/{kind}")
        if data_tier is not None:
            return data_tier(region, resource_id, state)
        name = str(state["name"])
        account = ACCOUNT_ID
        match service:
            case "iam":
                return f"arn:{PARTITION}:iam::{account}:{kind.lower()}/{name}"
            case "s3":
                return f"arn:{PARTITION}:s3:::{state.get('bucket', name)}"
            case "sqs":
                return f"arn:{PARTITION}:sqs:{region}:{account}:{name}"
            case "lambda":
                return f"arn:{PARTITION}:lambda:{region}:{account}:function:{name}"
            case "cloudwatch" if kind == "logGroup":
                return f"arn:{PARTITION}:logs:{region}:{account}:log-group:{name}"
            case "secretsmanager":
                suffix = resource_id[-6:]
                return f"arn:{PARTITION}:secretsmanager:{region}:{account}:secret:{name}-{suffix}"
            case "kms" if kind == "replicaKey":
                # A replica shares the key id of its primary; only the region differs.
                key_id = str(state.get("primaryKeyArn", "")).rsplit("/", 1)[-1]
                return f"arn:{PARTITION}:kms:{region}:{account}:key/{key_id}"
            case "kms":
                key_id = f"mrk-{_short_hash(resource_id, length=32)}"
                return f"arn:{PARTITION}:kms:{region}:{account}:key/{key_id}"
            case _:
                return f"arn:{PARTITION}:{service}:{region}:{account}:{kind.lower()}/{resource_id}"

    @staticmethod
    def _computed(
        token: str, resource_id: str, state: dict[str, Any], region: str
    ) -> dict[str, Any]:
        if token == "random:index/randomPassword:RandomPassword":
            return {"result": f"plan-only-{_short_hash(resource_id, length=24)}"}
        service, kind = _service_and_kind(token)
        data_tier = DATA_TIER_COMPUTED.get(f"{service}/{kind}")
        if data_tier is not None:
            return data_tier(region, resource_id, state)
        match f"{service}/{kind}":
            case "ec2/vpc":
                return {
                    "defaultNetworkAclId": f"acl-{resource_id[4:]}",
                    "defaultSecurityGroupId": f"sg-{resource_id[4:]}",
                    "mainRouteTableId": f"rtb-{resource_id[4:]}",
                }
            case "ec2transitgateway/transitGateway":
                return {
                    "associationDefaultRouteTableId": f"tgw-rtb-{resource_id[4:]}",
                    "propagationDefaultRouteTableId": f"tgw-rtb-{resource_id[4:]}",
                }
            case "ec2transitgateway/peeringAttachmentAccepter":
                return {"transitGatewayAttachmentId": state.get("transitGatewayAttachmentId")}
            case "kms/key" | "kms/replicaKey":
                key_id = str(state["arn"]).rsplit("/", 1)[-1]
                return {"keyId": key_id}
            case "lambda/function":
                return {
                    "invokeArn": f"arn:{PARTITION}:apigateway:{region}:lambda:path"
                    f"/2015-03-31/functions/{state['arn']}/invocations",
                    # A published function reports its new version number.
                    "version": "1" if state.get("publish") else "$LATEST",
                }
            case _:
                return _named_outputs(f"{service}/{kind}", state, region)


# -- data tier --------------------------------------------------------------------------------
# ARNs and computed outputs as AWS forms them for the data-tier resources, keyed by
# ``service/kind``. Each takes (region, resource id, state so far).

_Answer = Callable[[str, str, dict[str, Any]], Any]


def _rds_endpoints(region: str, resource_id: str, state: dict[str, Any]) -> dict[str, Any]:
    identifier = str(state.get("clusterIdentifier", resource_id))
    host = f"{_short_hash(identifier, length=12)}.{region}.rds.amazonaws.com"
    return {
        "endpoint": f"{identifier}.cluster-{host}",
        "readerEndpoint": f"{identifier}.cluster-ro-{host}",
        "clusterResourceId": f"cluster-{_short_hash(resource_id, length=26).upper()}",
    }


def _cache_endpoints(region: str, resource_id: str, state: dict[str, Any]) -> dict[str, Any]:
    group = str(state.get("replicationGroupId", resource_id))
    host = f"{group}.{_short_hash(group, length=6)}.{region}.cache.amazonaws.com"
    return {"primaryEndpointAddress": f"master.{host}", "readerEndpointAddress": f"replica.{host}"}


def _in(region: str, service: str, path: str) -> str:
    return f"arn:{PARTITION}:{service}:{region}:{ACCOUNT_ID}:{path}"


DATA_TIER_ARNS: dict[str, _Answer] = {
    "rds/cluster": lambda region, rid, state: _in(
        region, "rds", f"cluster:{state.get('clusterIdentifier', rid)}"
    ),
    "rds/clusterInstance": lambda region, rid, state: _in(
        region, "rds", f"db:{state.get('identifier', rid)}"
    ),
    "rds/globalCluster": lambda _region, rid, state: (
        f"arn:{PARTITION}:rds::{ACCOUNT_ID}:global-cluster:"
        f"{state.get('globalClusterIdentifier', rid)}"
    ),
    "dynamodb/table": lambda region, rid, state: _in(
        region, "dynamodb", f"table/{state.get('name', rid)}"
    ),
    "elasticache/replicationGroup": lambda region, rid, state: _in(
        region, "elasticache", f"replicationgroup:{state.get('replicationGroupId', rid)}"
    ),
    "efs/fileSystem": lambda region, rid, _state: _in(
        region, "elasticfilesystem", f"file-system/{rid}"
    ),
    "efs/accessPoint": lambda region, rid, _state: _in(
        region, "elasticfilesystem", f"access-point/{rid}"
    ),
    "backup/vault": lambda region, rid, state: _in(
        region, "backup", f"backup-vault:{state.get('name', rid)}"
    ),
    "backup/plan": lambda region, rid, _state: _in(region, "backup", f"backup-plan:{rid}"),
}

DATA_TIER_COMPUTED: dict[str, _Answer] = {
    "rds/cluster": _rds_endpoints,
    "rds/globalCluster": lambda _region, rid, _state: {
        "globalClusterResourceId": f"cluster-{_short_hash(rid, length=26)}"
    },
    "dynamodb/table": lambda _region, _rid, state: {
        "streamArn": f"{state['arn']}/stream/2026-01-01T00:00:00.000"
    },
    # AWS puts a code of its own in front of the suffix.
    "elasticache/globalReplicationGroup": lambda _region, rid, state: {
        "globalReplicationGroupId": f"ldgnf-{state.get('globalReplicationGroupIdSuffix', rid)}"
    },
    "elasticache/replicationGroup": _cache_endpoints,
    "backup/plan": lambda _region, rid, _state: {"version": _short_hash(rid, length=32)},
}


# ARNs and URLs AWS derives from a resource's name, so policies built from names match.
_NAMED_ARNS: dict[str, str] = {
    "kinesis/stream": "arn:{p}:kinesis:{r}:{a}:stream/{name}",
    "kinesis/firehoseDeliveryStream": "arn:{p}:firehose:{r}:{a}:deliverystream/{name}",
    "cloudwatch/eventBus": "arn:{p}:events:{r}:{a}:event-bus/{name}",
    "cloudwatch/eventRule": "arn:{p}:events:{r}:{a}:rule/{bus}/{name}",
    "sns/topic": "arn:{p}:sns:{r}:{a}:{name}",
    "sfn/stateMachine": "arn:{p}:states:{r}:{a}:stateMachine:{name}",
    "lambda/alias": "arn:{p}:lambda:{r}:{a}:function:{function}:{name}",
}


def _named_outputs(kind: str, state: dict[str, Any], region: str) -> dict[str, Any]:
    fields = {
        "p": PARTITION,
        "r": region,
        "a": ACCOUNT_ID,
        "name": state["name"],
        "bus": state.get("eventBusName", "default"),
        "function": state.get("functionName", ""),
    }
    if kind == "sqs/queue":
        return {"url": f"https://sqs.{region}.amazonaws.com/{ACCOUNT_ID}/{state['name']}"}
    template = _NAMED_ARNS.get(kind)
    return {"arn": template.format(**fields)} if template else {}
