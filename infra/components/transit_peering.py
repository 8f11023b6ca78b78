"""Transit Gateway peering between the primary region and one replica (REQUIREMENTS 3.2).

The primary requests, the replica accepts, and each side's Transit Gateway
route table sends the other side's VPC range over the peering. The routes are
built from the accepter's output, so they are created only once the peering
is accepted: the data edge gives the order AWS needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.naming import Namer


@dataclass(frozen=True)
class TransitPeeringArgs:
    """The two sides of one peering."""

    namer: Namer
    primary_region: str
    replica_region: str
    replica_region_code: str
    primary_provider: pulumi.ProviderResource
    replica_provider: pulumi.ProviderResource
    account_id: pulumi.Input[str]
    primary_transit_gateway_id: pulumi.Input[str]
    replica_transit_gateway_id: pulumi.Input[str]
    primary_route_table_id: pulumi.Input[str]
    replica_route_table_id: pulumi.Input[str]
    primary_cidr: str
    replica_cidr: str


class TransitPeering(pulumi.ComponentResource):
    """Peering attachment, its acceptance and the routes both ways."""

    attachment_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: TransitPeeringArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:network:TransitPeering", name, None, opts)
        on_primary = pulumi.ResourceOptions(parent=self, provider=args.primary_provider)
        on_replica = pulumi.ResourceOptions(parent=self, provider=args.replica_provider)
        label = args.namer.global_name(f"tgw-peering-{args.replica_region_code}")

        request = aws.ec2transitgateway.PeeringAttachment(
            f"{name}-request",
            transit_gateway_id=args.primary_transit_gateway_id,
            peer_transit_gateway_id=args.replica_transit_gateway_id,
            peer_region=args.replica_region,
            peer_account_id=args.account_id,
            tags={"Name": label, "Side": "requester"},
            opts=on_primary,
        )
        accepted = aws.ec2transitgateway.PeeringAttachmentAccepter(
            f"{name}-accept",
            transit_gateway_attachment_id=request.id,
            tags={"Name": label, "Side": "accepter"},
            opts=on_replica,
        )
        aws.ec2transitgateway.Route(
            f"{name}-to-replica",
            destination_cidr_block=args.replica_cidr,
            transit_gateway_attachment_id=accepted.transit_gateway_attachment_id,
            transit_gateway_route_table_id=args.primary_route_table_id,
            opts=on_primary,
        )
        aws.ec2transitgateway.Route(
            f"{name}-to-primary",
            destination_cidr_block=args.primary_cidr,
            transit_gateway_attachment_id=accepted.transit_gateway_attachment_id,
            transit_gateway_route_table_id=args.replica_route_table_id,
            opts=on_replica,
        )
        self.attachment_id = accepted.transit_gateway_attachment_id
        self.register_outputs({"attachmentId": self.attachment_id})
