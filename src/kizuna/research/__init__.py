"""Research security and joint innovation: shared technology priorities, partner institutions resolved to ROR in
any script, co-authorship strength, and due diligence of institutions, researchers and proposal teams against the
restricted lists and cited defence-linked institution data. The CLI and the web call ``kizuna.research.service``."""
