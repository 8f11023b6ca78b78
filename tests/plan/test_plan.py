"""The offline plan: its document, its exit codes and how it treats bad input."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from pulumi.runtime import MockCallArgs

from infra.plan import runner
from infra.plan.mocks import PlanMocks, UnknownCallError
from infra.plan.runner import PlanError, PlanResult
from tests.conftest import MONITOR
from tests.support import Plan

REPO = Path(__file__).resolve().parents[2]
RESOURCE_KEYS = {"urn", "type", "name", "parent", "region", "component", "inputs", "dependencies"}


def test_document_has_stack_regions_outputs_resources_and_policy(prod_plan: Plan):
    doc = prod_plan.document
    assert doc["regions"] == {
        "primary": "us-east-1",
        "replicas": ["eu-west-1", "ap-southeast-1"],
        "all": ["us-east-1", "eu-west-1", "ap-southeast-1"],
    }
    assert {"vpcIds", "keyArns", "databaseSecretArn"} <= set(doc["outputs"])
    assert all(set(r) >= RESOURCE_KEYS for r in doc["resources"])
    assert {rule["id"] for rule in doc["policy"]["rules"]} >= {"required-tags", "vpc-flow-logs"}
    json.dumps(doc)  # the document is plain JSON


def test_every_resource_belongs_to_a_domain_and_a_region(prod_plan: Plan):
    domains = {r["component"] for r in prod_plan.resources}
    assert {"network", "security", "secrets", "platform"} <= domains
    regions = {r["region"] for r in prod_plan.resources}
    assert regions <= {"us-east-1", "eu-west-1", "ap-southeast-1", "global"}


def test_resources_land_in_the_region_of_their_provider(prod_plan: Plan):
    for vpc in prod_plan.of_type("aws:ec2/vpc:Vpc"):
        provider_urn = next(r for r in prod_plan.registrations if r.urn == vpc["urn"]).provider
        assert provider_urn and f"aws-{vpc['region']}::" in provider_urn


def test_dependencies_carry_both_property_and_explicit_edges(prod_plan: Plan):
    rotation = prod_plan.of_type("aws:secretsmanager/secretRotation:SecretRotation")[0]
    types = {prod_plan.by_urn(u)["type"] for u in rotation["dependencies"]}
    assert "aws:secretsmanager/secret:Secret" in types  # property edge (secret_id)
    assert "aws:secretsmanager/secretVersion:SecretVersion" in types  # explicit depends_on


def test_arns_carry_the_region_and_the_one_mock_account(prod_plan: Plan):
    keys = prod_plan.document["outputs"]["keyArns"]["data"]
    for region, arn in keys.items():
        assert arn.startswith(f"arn:aws:kms:{region}:123456789012:key/mrk-")
    assert len({arn.rsplit("/", 1)[1] for arn in keys.values()}) == 1, "replicas share the key id"


def test_the_prod_plan_has_no_mandatory_violation(prod_plan: Plan, dev_plan: Plan):
    assert prod_plan.violations == []
    assert dev_plan.violations == []


def test_an_unknown_data_source_fails_loudly():
    with pytest.raises(UnknownCallError, match="aws:ec2/getAmi:getAmi"):
        PlanMocks().call(MockCallArgs("aws:ec2/getAmi:getAmi", {}, ""))


def test_zones_are_answered_for_the_region_of_the_calling_provider():
    mocks = PlanMocks()
    mocks.provider_regions["p1"] = "ap-southeast-1"
    answer, _ = mocks.call(
        MockCallArgs("aws:index/getAvailabilityZones:getAvailabilityZones", {}, "urn::p1")
    )
    assert answer["names"] == ["ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"]


def test_an_aws_resource_on_the_default_provider_is_refused(run_in_runtime: Callable[..., Any]):
    with pytest.raises(Exception, match="has no explicit provider"):
        run_in_runtime(lambda: aws.ec2.Vpc("stray", cidr_block="10.9.0.0/16"))
    # The failed registration leaves futures holding the error; collect them here, where
    # pytest captures what asyncio logs about them, not at interpreter exit.
    gc.collect()


def test_an_aws_resource_with_an_explicit_provider_is_recorded(run_in_runtime: Callable[..., Any]):
    def program() -> None:
        provider = aws.Provider("p", region="eu-west-1")
        aws.ec2.Vpc("ok", cidr_block="10.9.0.0/16", opts=pulumi.ResourceOptions(provider=provider))

    records = run_in_runtime(program)
    assert [r.type for r in records] == ["pulumi:providers:aws", "aws:ec2/vpc:Vpc"]


@pytest.mark.parametrize(
    "config",
    [
        {"banking-platform:environment": "Dev!"},
        {"banking-platform:regions": [{"region": "mars-1", "vpcCidr": "10.0.0.0/16"}]},
    ],
)
def test_bad_config_registers_no_resource(
    run_plan: Callable[[dict[str, Any]], Plan], stack_configs: dict[str, Any], config: dict
):
    with pytest.raises(PlanError, match="invalid stack configuration"):
        run_plan({**stack_configs["dev"], **config})
    assert MONITOR.registrations == []


def test_bad_stack_file_exits_2_with_the_message_and_no_traceback(tmp_path: Path):
    (tmp_path / "Pulumi.yaml").write_text("name: banking-platform\nruntime: python\n")
    (tmp_path / "Pulumi.broken.yaml").write_text(
        "config:\n"
        "  banking-platform:environment: prod\n"
        "  banking-platform:costCenter: CC-1\n"
        "  banking-platform:regions:\n"
        "    - {region: us-east-1, vpcCidr: 10.29.0.0/16}\n"
        "    - {region: eu-west-1, vpcCidr: 10.29.0.0/17}\n"
    )
    out = tmp_path / "out"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "infra.plan",
            "--stack",
            "broken",
            "--project-dir",
            str(tmp_path),
            "--out",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    assert (
        "banking-platform:regions: vpcCidr of regions[0] (us-east-1) overlaps" in completed.stderr
    )
    assert "Traceback" not in completed.stderr + completed.stdout
    assert not out.exists(), "nothing is written for a plan that did not run"


def test_unknown_stack_names_the_known_ones():
    with pytest.raises(PlanError, match="known stacks: dev, prod"):
        runner.read_stack_config("qa", REPO)


def test_mandatory_violations_make_the_plan_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    violation = {
        "rule": "vpc-flow-logs",
        "urn": "urn:x",
        "message": "no flow log",
        "severity": "mandatory",
    }
    document = {
        "stack": "t",
        "regions": {"primary": "us-east-1", "replicas": [], "all": ["us-east-1"]},
        "resources": [],
        "policy": {
            "rules": [{"id": "vpc-flow-logs", "severity": "mandatory"}],
            "violations": [violation],
        },
    }
    result = PlanResult(stack="t", document=document, mandatory_violations=1, warnings=[])
    assert runner.write_and_report(result, tmp_path) == 1
    printed = capsys.readouterr().out
    assert "FAILED: 1 mandatory violation" in printed and "no flow log" in printed
    assert json.loads((tmp_path / "t.json").read_text())["policy"]["violations"] == [violation]


def test_summary_counts_resources_per_component_and_region(prod_plan: Plan):
    result = PlanResult(
        stack="prod", document=prod_plan.document, mandatory_violations=0, warnings=[]
    )
    text = runner.summarise(result)
    network_row = next(line for line in text.splitlines() if line.strip().startswith("network"))
    counts = [int(n) for n in network_row.split()[1:]]
    expected = [
        sum(
            1
            for r in prod_plan.resources
            if r["custom"] and r["component"] == "network" and r["region"] == region
        )
        for region in ("us-east-1", "eu-west-1", "ap-southeast-1")
    ]
    assert counts == [*expected, sum(expected)]
    assert "OK: no mandatory violation" in text


def test_make_plan_command_writes_the_plan_the_diagram_and_the_links(tmp_path: Path):
    completed = subprocess.run(
        [sys.executable, "-m", "infra.plan", "--stack", "dev", "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "OK: no mandatory violation" in completed.stdout
    document = json.loads((tmp_path / "dev.json").read_text())
    assert document["stack"] == "dev" and document["regions"]["primary"] == "us-east-1"
    assert (tmp_path / "dev.mmd").read_text().startswith("flowchart LR")
    assert (tmp_path / "dev-flows.md").read_text().startswith("| between | and |")
