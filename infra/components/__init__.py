"""One ComponentResource per domain; :mod:`infra.components.platform` wires them."""
