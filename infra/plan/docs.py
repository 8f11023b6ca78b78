"""``make docs``: refresh the generated parts of ``docs/`` from the code and the prod plan.

``docs/configuration.md`` is written whole from the settings' declarations;
in ``docs/architecture.md`` the text between the ``generated`` markers is the
prod plan's diagram and its cross-region links. Tests compare the committed
files with this output, so a change that alters them fails until refreshed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from infra.config_reference import reference
from infra.plan import diagram

DOCS = Path(__file__).resolve().parents[2] / "docs"
START, END = "<!-- generated: make docs -->", "<!-- end generated -->"


def architecture_block(prod_document: dict[str, Any]) -> str:
    """The generated part of the architecture page."""
    return (
        f"{START}\n```mermaid\n{diagram.mermaid(prod_document)}```\n\n"
        f"Cross-region links in the prod plan:\n\n{diagram.flows_table(prod_document)}{END}"
    )


def refreshed_architecture(text: str, prod_document: dict[str, Any]) -> str:
    """``text`` with its generated block replaced by the current one."""
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"docs/architecture.md has no '{START}' ... '{END}' block")
    return pattern.sub(lambda _: architecture_block(prod_document), text)


def main() -> int:
    from infra.plan import runner  # noqa: PLC0415 - only this command needs the runtime

    project, config = runner.read_stack_config("prod")
    document = runner.run_plan("prod", config, project).document
    (DOCS / "configuration.md").write_text(reference())
    page = DOCS / "architecture.md"
    page.write_text(refreshed_architecture(page.read_text(), document))
    print("refreshed docs/configuration.md and docs/architecture.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
