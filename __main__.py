"""Entry point of `pulumi up` / `pulumi preview`: everything lives in ``infra``."""

from infra.program import main

main()
