"""Supply-chain and ICT-vendor risk: SBOMs, hardware BOMs and device inventories checked for covered vendors, with
the rule each finding falls under (FCC Covered List, NDAA §889, Entity List, §1260H, the Kaspersky determination),
and supplier concentration with what-if scenarios. ``service`` is the entry the CLI and the web call."""
