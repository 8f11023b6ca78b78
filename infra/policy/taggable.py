"""Which resource types take ``tags``, read from the provider SDKs' own registries.

The rules stay pure by receiving this answer as data; this module does the
lookup once per type for the plan and the policy pack.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
from pathlib import Path

_REGISTRY = re.compile(r'resource_modules="""(.*?)"""', re.DOTALL)
_SDK_PACKAGES = {"aws": "pulumi_aws", "aws-native": "pulumi_aws_native"}


@functools.cache
def sdk_classes(package: str) -> dict[str, tuple[str, str]]:
    """Type token -> (module, class name) for one provider SDK."""
    module = importlib.import_module(_SDK_PACKAGES[package])
    source = Path(str(module.__file__)).read_text()
    match = _REGISTRY.search(source)
    if match is None:
        return {}
    return {
        token: (entry["fqn"], class_name)
        for entry in json.loads(match.group(1))
        for token, class_name in entry["classes"].items()
    }


@functools.cache
def is_taggable(type_token: str) -> bool:
    """Whether resources of ``type_token`` accept a ``tags`` input."""
    package = type_token.split(":", 1)[0]
    if package not in _SDK_PACKAGES:
        return False
    entry = sdk_classes(package).get(type_token)
    if entry is None:
        return False
    cls = getattr(importlib.import_module(entry[0]), entry[1], None)
    return isinstance(getattr(cls, "tags", None), property)
