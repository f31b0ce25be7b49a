"""Continuous monitoring: counterparty registers re-screened on every new list snapshot, alerts, cases with
four-eyes review, the audit log, the alert feed and the reports (``service`` is the entry the CLI and web call)."""
