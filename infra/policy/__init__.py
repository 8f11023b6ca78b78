"""PCI-DSS controls as policy rules, run offline by the plan and at `pulumi preview` by the pack."""
