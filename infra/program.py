"""The Pulumi program: read the stack's config, validate it, build the platform, export.

``__main__.py`` calls :func:`main` under ``pulumi up``; the offline plan calls
it under the mock runtime. There is no second description of the resources.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from infra.components.platform import Platform, PlatformArgs
from infra.config import PROJECT_NAMESPACE, ConfigError, PlatformConfig, load_config


def raw_project_config() -> dict[str, Any]:
    """Every key of the project's namespace, without the ``banking-platform:`` prefix."""
    prefix = f"{PROJECT_NAMESPACE}:"
    merged = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    return {key[len(prefix) :]: value for key, value in merged.items() if key.startswith(prefix)}


def load_stack_config() -> PlatformConfig:
    """The validated configuration, or a ``RunError`` that Pulumi prints without a traceback."""
    try:
        return load_config(raw_project_config())
    except ConfigError as error:
        raise pulumi.RunError(str(error)) from None


def main() -> Platform:
    """Build the platform for the current stack and export what operators need."""
    config = load_stack_config()
    platform = Platform("platform", PlatformArgs(config=config))
    for key, value in platform.exports().items():
        pulumi.export(key, value)
    return platform
