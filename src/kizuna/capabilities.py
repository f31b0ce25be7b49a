"""The capability registry: what each capability adds to the ``kizuna`` command, the API and the console.

Each capability declares its commands, its FastAPI routers and its console navigation entries here, as
``"module:attribute"`` strings, so that listing them (``kizuna --help``, the console's navigation) imports no
capability, and running one command imports only that command's module. The CLI (``kizuna.cli.main``) and the web
app (``kizuna.web.app``) are built from :data:`REGISTRY`, in its order; adding a capability is one new package and
one line below (see docs/architecture.md, "Adding a capability").

This module imports nothing of Kizuna's, so anything may import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any


@dataclass(frozen=True)
class Command:
    """A command under ``kizuna``: ``target`` is a Typer app (a group of subcommands) or a function (one command).

    ``help`` is the line ``kizuna --help`` shows without importing ``target``; it must be the first line of the
    target's own help (tests/web/test_registry.py checks that they agree). A command with a ``parent`` is added
    to that group when the group is loaded (``kizuna bench cables``) and needs no ``help`` line of its own."""

    name: str
    target: str
    help: str = ""
    parent: str | None = None


@dataclass(frozen=True)
class NavEntry:
    """A console section in the top navigation; ``key`` is what the section's pages pass as ``active``."""

    key: str
    label: str
    path: str


@dataclass(frozen=True)
class Capability:
    """One capability: its commands, its routers (``"module:attribute"`` of a FastAPI ``APIRouter``), its
    console navigation entries, and the functions called with the ``SnapshotStore`` each time a new list snapshot
    becomes current (``on_snapshot``)."""

    name: str
    commands: tuple[Command, ...] = ()
    routers: tuple[str, ...] = ()
    nav: tuple[NavEntry, ...] = ()
    on_snapshot: tuple[str, ...] = ()


@dataclass(frozen=True)
class Registry:
    """Capabilities in the order their commands are listed and their sections appear in the navigation."""

    capabilities: tuple[Capability, ...]

    def __post_init__(self) -> None:
        commands = [c for capability in self.capabilities for c in capability.commands]
        for kind, names in (("capability", [c.name for c in self.capabilities]),
                            ("command", [f"{c.parent or 'kizuna'} {c.name}" for c in commands]),
                            ("navigation key", [n.key for n in self.nav()])):
            repeated = sorted({name for name in names if names.count(name) > 1})
            if repeated:
                raise ValueError(f"{kind} registered twice: {', '.join(repeated)}")
        unexplained = [c.name for c in commands if c.parent is None and not c.help]
        if unexplained:
            raise ValueError(f"command without a help line: {', '.join(unexplained)}")

    def commands(self, parent: str | None = None) -> list[Command]:
        """The commands directly under ``kizuna`` (or under the group ``parent``), in registry order."""
        return [command for capability in self.capabilities for command in capability.commands
                if command.parent == parent]

    def routers(self) -> list[str]:
        """Every router's ``"module:attribute"``, in registry order."""
        return [router for capability in self.capabilities for router in capability.routers]

    def nav(self) -> list[NavEntry]:
        """Every navigation entry, in registry order."""
        return [entry for capability in self.capabilities for entry in capability.nav]

    def snapshot_hooks(self) -> list[str]:
        """Every ``on_snapshot`` function's ``"module:attribute"``, in registry order."""
        return [hook for capability in self.capabilities for hook in capability.on_snapshot]

    def nav_of_module(self, module: str) -> list[NavEntry]:
        """The navigation entries of the capability whose router is defined in ``module`` (none if no such one)."""
        for capability in self.capabilities:
            if any(router.partition(":")[0] == module for router in capability.routers):
                return list(capability.nav)
        return []


def load(target: str) -> Any:
    """The object a ``"module:attribute"`` string names, importing its module."""
    module, _, attribute = target.partition(":")
    if not module or not attribute:
        raise ValueError(f"not a 'module:attribute' target: {target!r}")
    return getattr(import_module(module), attribute)


REGISTRY = Registry((
    Capability("screening", commands=(
        Command("screen", "kizuna.cli.screening:screen", "Screen one party against every loaded list."),
        Command("screen-file", "kizuna.cli.screening:screen_file_command",
                "Screen every row of a CSV or xlsx file, in input order, into a CSV, xlsx or JSON Lines report."),
    ), routers=("kizuna.web.screening:router",), nav=(NavEntry("screen", "Screen", "/"),)),
    Capability("serve", commands=(
        Command("serve", "kizuna.cli.serve:serve",
                "Serve the API (/v1, documented at /docs) and the console (/) with the current lists."),
    )),
    Capability("lists", commands=(
        Command("lists", "kizuna.cli.lists:app", "List sources: status, loading, updates and diffs."),
    ), routers=("kizuna.web.lists:router",), nav=(NavEntry("lists", "Lists", "/lists"),)),
    Capability("bench", commands=(
        Command("bench", "kizuna.cli.bench:app", "Benchmarks: figures beside a baseline measured in the same run."),
    )),
    Capability("ownership", commands=(
        Command("ownership", "kizuna.cli.ownership:app",
                "Ownership graphs: load, chains, beneficial owners, attributed shares, checks."),
        Command("invest", "kizuna.cli.ownership:invest_app", "Investment screening: FEFTA / CFIUS filing triggers."),
        Command("ownership", "kizuna.cli.ownership:bench_ownership", parent="bench"),
    ), routers=("kizuna.web.ownership:router",), nav=(NavEntry("ownership", "Ownership", "/ownership"),)),
    Capability("cyber", commands=(
        Command("cyber", "kizuna.cli.cyber:app", "Defence-supplier cyber maturity: NIST SP 800-171 / CMMC Level 2 "
                "assessments and the trusted-capital registry."),
        Command("cyber", "kizuna.cli.cyber:bench_cyber", parent="bench"),
    ), routers=("kizuna.web.cyber:router",), nav=(NavEntry("cyber", "Cyber", "/cyber"),
                                                   NavEntry("registry", "Registry", "/cyber/registry"))),
    Capability("exchange", commands=(
        Command("exchange", "kizuna.cli.exchange:app",
                "Run an allied exchange node: identity, peers, sync, audit, users."),
        Command("denial", "kizuna.cli.exchange:denial_app", "Licence denials this agency notifies to allies."),
        Command("licence", "kizuna.cli.exchange:licence_app", "Licence applications and the no-undercut check."),
        Command("consultation", "kizuna.cli.exchange:consultation_app", "No-undercut consultations."),
        Command("exchange", "kizuna.cli.exchange:bench_exchange", parent="bench"),
    ), routers=("kizuna.web.exchange:router",), nav=(NavEntry("exchange", "Exchange", "/exchange/"),)),
    Capability("licensing", commands=(
        Command("assess", "kizuna.cli.licensing:assess", parent="licence"),
        Command("licence", "kizuna.cli.licensing:bench_licence", parent="bench"),
    ), routers=("kizuna.web.licensing:router",), nav=(NavEntry("licensing", "Licensing", "/licensing"),)),
    Capability("cables", commands=(
        Command("cables", "kizuna.cli.cables:app", "Submarine-cable resilience: exact cable min-cuts, transit and "
                "trust policies, corridors, criticality, what to build next, maps."),
        Command("cables", "kizuna.cli.cables:bench_cables", parent="bench"),
    ), routers=("kizuna.web.cables:router",), nav=(NavEntry("cables", "Cables", "/cables"),)),
    Capability("controls", commands=(
        Command("controls", "kizuna.cli.controls:app",
                "Allied control lists as data: CCL entries and search, the gap matrix, what changed."),
    ), routers=("kizuna.web.controls:router",), nav=(NavEntry("controls", "Controls", "/controls"),)),
    Capability("controls-impact", commands=(
        Command("impact", "kizuna.cli.controls_impact:impact", parent="controls"),  # kizuna controls impact
    ), routers=("kizuna.web.controls_impact:router",),
        nav=(NavEntry("controls-impact", "Control impact", "/controls/impact"),)),
    Capability("supplychain", commands=(
        Command("supplychain", "kizuna.cli.supplychain:app", "Supply-chain vendor risk: SBOMs, hardware BOMs and "
                "device inventories checked for covered vendors, with the rule each finding falls under."),
        Command("supplychain", "kizuna.cli.supplychain:bench_supplychain", parent="bench"),
    ), routers=("kizuna.web.supplychain:router",), nav=(NavEntry("supplychain", "Supply chain", "/supplychain"),)),
    Capability("research", commands=(
        Command("research", "kizuna.cli.research:app", "Research security: screen partners and funders."),
        Command("research", "kizuna.cli.research:bench_research", parent="bench"),
    ), routers=("kizuna.web.research:router",), nav=(NavEntry("research", "Research", "/research"),)),
    Capability("monitoring", commands=(
        Command("registers", "kizuna.cli.monitoring:registers_app",
                "Counterparty registers, re-screened on every new list snapshot."),
        Command("alerts", "kizuna.cli.monitoring:alerts_app",
                "Alerts and their cases: review, four-eyes decisions, feed, webhooks, reports, audit."),
        Command("analysts", "kizuna.cli.monitoring:analysts_app",
                "The analysts who act on registers and cases: passwords, API tokens."),
        Command("monitoring", "kizuna.cli.monitoring:bench_monitoring", parent="bench"),
    ), routers=("kizuna.web.monitoring:router",),
       nav=(NavEntry("registers", "Registers", "/monitoring/registers"),
            NavEntry("alerts", "Alerts", "/monitoring/alerts")),
       on_snapshot=("kizuna.monitoring.service:on_snapshot",)),
))
