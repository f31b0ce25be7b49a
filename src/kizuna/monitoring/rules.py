"""The monitoring policy, read from ``data/monitoring/rules.yaml`` (typed; errors name file, line and field)."""

from __future__ import annotations

from pydantic import Field, field_validator

from kizuna.core.rules import RuleModel, bundled_rules

DECISIONS = ("cleared", "confirmed", "escalated")


class ScreeningRules(RuleModel):
    hits_per_party: int = Field(ge=1, le=1000)


class FourEyes(RuleModel):
    decisions: tuple[str, ...]

    @field_validator("decisions")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("name at least one decision: the four-eyes rule cannot be switched off by a blank list")
        unknown = [v for v in value if v not in DECISIONS]
        if unknown:
            raise ValueError(f"unknown decision(s) {', '.join(unknown)} (one of {', '.join(DECISIONS)})")
        return value


class Whitelist(RuleModel):
    expires_after_days: int = Field(ge=1, le=3650)


class Webhook(RuleModel):
    attempts: int = Field(ge=1, le=20)
    first_retry_seconds: float = Field(ge=0, le=600)
    timeout_seconds: float = Field(gt=0, le=120)


class Reports(RuleModel):
    age_buckets_days: tuple[int, ...] = Field(min_length=1)


class SignIn(RuleModel):
    session_hours: int = Field(ge=1, le=24)
    api_token_days: int = Field(ge=1, le=366)
    max_failures: int = Field(ge=1, le=100)
    window_seconds: int = Field(ge=60, le=86400)


class MonitoringRules(RuleModel):
    screening: ScreeningRules
    four_eyes: FourEyes
    whitelist: Whitelist
    webhook: Webhook
    reports: Reports
    sign_in: SignIn


def rules() -> MonitoringRules:
    """The bundled policy (read once per process)."""
    return bundled_rules("monitoring/rules.yaml", MonitoringRules)
