"""Fraud scoring, one per region (REQUIREMENTS 3.19).

The scorer function serves one of two backends, chosen by ``fraud.backend``:

``model`` (default)
    the logistic model shipped in ``app/fraud`` (trained offline by
    ``app/fraud/train.py``, parameters in ``app/fraud/model-v1.json``),
    packaged with the function; works in any account and needs no network.
``frauddetector``
    Amazon Fraud Detector resources created here with the aws-native provider
    (entity type, variables, labels, outcomes, event type and a detector with
    rules), and the scorer calls ``GetEventPrediction``. Fraud Detector closed
    to new customers on 2025-11-07, which is why it is not the default.

The scorer sits on the latency-critical path of the approval workflow, so in
production a ``live`` alias carries provisioned concurrency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
from pulumi_aws_native import frauddetector as fd

from infra import iam
from infra.components.function import FunctionArgs, PlatformFunction
from infra.naming import Namer

# Variables the scorer sends to Fraud Detector: (name, data type, default, variable type).
DETECTOR_VARIABLES: tuple[tuple[str, str, str, str], ...] = (
    ("amount", "FLOAT", "0.0", "PRICE"),
    ("currency", "STRING", "USD", "CURRENCY_CODE"),
    ("merchant_category", "STRING", "0000", "CATEGORICAL"),
    ("foreign_merchant", "STRING", "false", "CATEGORICAL"),
    ("card_not_present", "STRING", "false", "CATEGORICAL"),
)
DETECTOR_OUTCOMES = ("approve", "review", "block")
DETECTOR_LABELS = ("fraud", "legit")
# Evaluated in order, first match wins; the last rule catches everything.
DETECTOR_RULES: tuple[tuple[str, str, str], ...] = (
    (
        "block_high_risk",
        '$amount > 5000 and ($merchant_category == "7995" or $merchant_category == "6051")',
        "block",
    ),
    ("review_unusual", '$amount > 1000 or $foreign_merchant == "true"', "review"),
    ("approve_rest", "$amount >= 0", "approve"),
)


@dataclass(frozen=True)
class FraudArgs:
    """Inputs of one region's fraud scoring."""

    namer: Namer
    region: str
    region_code: str
    account_id: pulumi.Input[str]
    partition: pulumi.Input[str]
    backend: str
    """``model`` or ``frauddetector``."""
    messaging_key_arn: pulumi.Input[str]
    """Key of the scorer's dead-letter queue and environment."""
    logs_key_arn: pulumi.Input[str]
    log_retention_days: int
    runtime: str
    powertools_layer_version: int
    provisioned_concurrency: int
    """Warm environments on the ``live`` alias; 0 invokes the function unqualified."""
    reserved_concurrency: int = 100
    native_provider: pulumi.ProviderResource | None = None
    """The region's aws-native provider; required by the ``frauddetector`` backend."""


class FraudScoring(pulumi.ComponentResource):
    """The scorer function and, with the optional backend, its Fraud Detector resources."""

    scorer_function_arn: pulumi.Output[str]
    scorer_target_arn: pulumi.Output[str]
    """What the workflow invokes: the ``live`` alias when provisioned, else the function."""
    detector_id: str | None

    def __init__(
        self, name: str, args: FraudArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("bank:fraud:FraudScoring", name, None, opts)
        self._name = name
        self._args = args

        environment: dict[str, pulumi.Input[str]] = {"SCORER_BACKEND": args.backend}
        statements: pulumi.Input[Sequence[iam.Statement]] = []
        self.detector_id = None
        if args.backend == "frauddetector":
            environment, statements = self._create_fraud_detector()

        scorer = PlatformFunction(
            f"{name}-scorer",
            FunctionArgs(
                namer=args.namer,
                region=args.region,
                region_code=args.region_code,
                role="fraud-scorer",
                package="fraud_scorer",
                extra_packages=("fraud",),
                description=f"Scores payments for fraud risk ({args.backend} backend)",
                account_id=args.account_id,
                logs_key_arn=args.logs_key_arn,
                queue_key_arn=args.messaging_key_arn,
                log_retention_days=args.log_retention_days,
                runtime=args.runtime,
                powertools_layer_version=args.powertools_layer_version,
                statements=statements,
                environment=environment,
                # No VPC: the model backend reads nothing but its input, and Fraud Detector
                # has no interface endpoint to reach privately.
                reserved_concurrency=max(args.reserved_concurrency, args.provisioned_concurrency),
                memory_mb=512,
                timeout_seconds=5,
                provisioned_concurrency=args.provisioned_concurrency,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.scorer_function_arn = scorer.function_arn
        self.scorer_target_arn = scorer.target_arn
        self.register_outputs(
            {"scorerFunctionArn": scorer.function_arn, "scorerTargetArn": scorer.target_arn}
        )

    def _fd_name(self, role: str) -> str:
        # Fraud Detector names allow lowercase letters, digits and underscores only.
        return self._args.namer.regional_name(self._args.region_code, role).replace("-", "_")

    def _create_fraud_detector(
        self,
    ) -> tuple[dict[str, pulumi.Input[str]], pulumi.Output[list[iam.Statement]]]:
        a = self._args
        if a.native_provider is None:
            raise ValueError(
                f"{self._name}: the frauddetector backend needs the region's aws-native provider; "
                f"pass native_provider=... from the platform"
            )
        opts = pulumi.ResourceOptions(parent=self, provider=a.native_provider)
        entity = fd.EntityType(
            f"{self._name}-customer",
            name=self._fd_name("customer"),
            description="Account holder",
            opts=opts,
        )
        variables = [
            fd.Variable(
                f"{self._name}-var-{var}",
                name=f"{self._fd_name('v')}_{var}",
                data_source=fd.VariableDataSource.EVENT,
                data_type=fd.VariableDataType(data_type),
                default_value=default,
                variable_type=fd.VariableType(variable_type),
                description=f"Payment {var.replace('_', ' ')}",
                opts=opts,
            )
            for var, data_type, default, variable_type in DETECTOR_VARIABLES
        ]
        labels = [
            fd.Label(f"{self._name}-label-{label}", name=self._fd_name(label), opts=opts)
            for label in DETECTOR_LABELS
        ]
        outcomes = {
            outcome: fd.Outcome(
                f"{self._name}-outcome-{outcome}", name=self._fd_name(outcome), opts=opts
            )
            for outcome in DETECTOR_OUTCOMES
        }
        event_type = fd.EventType(
            f"{self._name}-payment-event",
            name=self._fd_name("payment"),
            description="A card payment on its way through the approval workflow",
            entity_types=[fd.EventTypeEntityTypeArgs(inline=False, arn=entity.arn)],
            event_variables=[
                fd.EventTypeEventVariableArgs(inline=False, arn=v.arn) for v in variables
            ],
            labels=[fd.EventTypeLabelArgs(inline=False, arn=label.arn) for label in labels],
            opts=opts,
        )
        detector_id = self._fd_name("payments")
        self.detector_id = detector_id
        detector = fd.Detector(
            f"{self._name}-detector",
            detector_id=detector_id,
            description="Rules that decide approve, review or block for a payment",
            event_type=fd.DetectorEventTypeArgs(
                inline=False, arn=event_type.arn, name=event_type.name
            ),
            rule_execution_mode=fd.DetectorRuleExecutionMode.FIRST_MATCHED,
            detector_version_status=fd.DetectorVersionStatus.ACTIVE,
            rules=[
                fd.DetectorRuleArgs(
                    rule_id=rule_id,
                    detector_id=detector_id,
                    expression=expression,
                    language=fd.DetectorRuleLanguage.DETECTORPL,
                    outcomes=[
                        fd.DetectorOutcomeArgs(
                            inline=False, arn=outcomes[outcome].arn, name=outcomes[outcome].name
                        )
                    ],
                )
                for rule_id, expression, outcome in DETECTOR_RULES
            ],
            opts=opts,
        )
        environment: dict[str, pulumi.Input[str]] = {
            "SCORER_BACKEND": "frauddetector",
            "FRAUD_DETECTOR_ID": detector_id,
            "FRAUD_DETECTOR_EVENT_TYPE": event_type.name.apply(lambda n: n or ""),
            "FRAUD_DETECTOR_ENTITY_TYPE": entity.name.apply(lambda n: n or ""),
        }
        prefix = pulumi.Output.concat(
            "arn:", a.partition, ":frauddetector:", a.region, ":", a.account_id, ":"
        )
        statements = pulumi.Output.all(prefix, detector.arn, event_type.arn).apply(
            lambda v: [
                iam.statement(
                    "PredictWithDetector",
                    ["frauddetector:GetEventPrediction"],
                    [
                        v[1],
                        f"{v[0]}detector-version/{detector_id}/*",
                        v[2],
                    ],
                )
            ]
        )
        return environment, statements
