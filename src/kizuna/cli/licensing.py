"""``kizuna licence assess`` (does this shipment need a licence, under which rule, and why) and
``kizuna bench licence``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kizuna.cli.output import actor, console, print_json


def assess(
    to: Annotated[str, typer.Option("--to", help="Destination country (ISO alpha-2).")],
    item: Annotated[str | None, typer.Option(help="ECCN with paragraph (3A090.a), EAR99/none, a Japanese item "
                                             "number, or chip (with --tpp and --die-area or --pd).")] = None,
    exporter: Annotated[str, typer.Option("--from", help="Exporter's jurisdiction: US or JP.")] = "US",
    description: Annotated[str | None, typer.Option(help="The item in words, when its entry is not known.")] = None,
    end_user: Annotated[str | None, typer.Option(help="End user's name, in any script.")] = None,
    end_user_country: Annotated[str | None, typer.Option(help="End user's country (alpha-2).")] = None,
    end_user_hq: Annotated[str | None, typer.Option(help="Country of the end user's headquarters or ultimate "
                                                    "parent (alpha-2).")] = None,
    consignee: Annotated[str | None, typer.Option(help="Ultimate consignee's name.")] = None,
    consignee_country: Annotated[str | None, typer.Option(help="Ultimate consignee's country.")] = None,
    intermediate: Annotated[list[str] | None, typer.Option(help="Intermediate consignee as NAME or NAME@CC; "
                                                           "repeatable.")] = None,
    end_use: Annotated[str, typer.Option(help="The stated end use, free text in any script.")] = "",
    regulated: Annotated[list[str] | None, typer.Option(
        "--end-use-is", help="A regulated end use the item is for (none, supercomputer, advanced-node-ic, "
        "ic-production, sme, military, military-intelligence, nuclear, missile, cbw, us-person-support); "
        "repeatable; 'none' states that none applies.")] = None,
    tpp: Annotated[float | None, typer.Option(help="Chip: total processing performance.")] = None,
    die_area: Annotated[float | None, typer.Option(help="Chip: applicable die area in mm².")] = None,
    pd: Annotated[float | None, typer.Option(help="Chip: performance density (instead of the die area).")] = None,
    datacenter: Annotated[bool | None, typer.Option("--datacenter/--not-datacenter",
                                                    help="Chip: designed or marketed for datacenters.")] = None,
    fact: Annotated[list[str] | None, typer.Option(
        help="A stated fact as NAME=VALUE for the red flags (cash_payment=yes, end_use_withheld=yes, …); "
        "repeatable.")] = None,
    ownership: Annotated[str | None, typer.Option(help="A stored ownership graph (name) for the affiliates "
                                                  "rule.")] = None,
    node: Annotated[bool, typer.Option("--node", help="Check the allies' denials held by this machine's exchange "
                                       "node (kizuna exchange init).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Also list the rules that did not apply.")] = False,
    record: Annotated[Path | None, typer.Option(help="Write the determination record: .html, .pdf, .json, .csv "
                                                "or .xlsx.")] = None,
    apply: Annotated[bool, typer.Option("--apply", help="Also record the shipment as a licence application on this "
                                        "machine's exchange node (with --node): checked against every active "
                                        "denial, a no-undercut consultation opened with each ally it would "
                                        "undercut.")] = False,
) -> None:
    """Assess a shipment: licence required, not required, or what must be asked — each rule with its paragraph."""
    from kizuna.licensing.assess import assess as run
    from kizuna.licensing.service import build_shipment

    parties = [("end_user", end_user or "", end_user_country, end_user_hq),
               ("consignee", consignee or "", consignee_country, None),
               *(("intermediate", *_name_at(text), None) for text in intermediate or [])]
    facts = dict(_fact(text) for text in fact or [])
    if datacenter is not None:
        facts["datacenter"] = "yes" if datacenter else "no"
    shipment = build_shipment(exporter, to, item=item, description=description, parties=parties, end_use=end_use,
                              end_uses=regulated, tpp=tpp, die_area_mm2=die_area, pd=pd, facts=facts)
    graph = None
    if ownership:
        from kizuna.ownership.service import open_stored

        graph = open_stored(ownership)
    denials = exchange_node = None
    if apply and not node:
        from kizuna.core.errors import InputError

        raise InputError("an application is recorded on the exchange node: give --node as well", field="--apply")
    if node:
        from kizuna.exchange.licensing import NodeDenials
        from kizuna.exchange.node import Node

        exchange_node = Node.open()
        denials = NodeDenials(exchange_node)
    result = run(shipment, graph=graph, denials=denials)
    application = None
    if apply and exchange_node is not None:
        from kizuna.licensing.service import record_application

        application, _ = record_application(result, exchange_node, actor())
    if record is not None:
        from kizuna.licensing.record import write_record

        write_record(result, record)
    if as_json:
        print_json({**result.to_dict(), **({"application": {"id": application.id, "status": application.status,
                                                             "consultations": application.consultations}}
                                            if application else {})})
        return
    _print(result, show_all)
    if record is not None:
        console.print(f"determination record written to {record}")
    if application is not None:
        console.print(f"recorded as application {application.id} on the exchange node: {application.status}"
                      + (f", consultations {', '.join(application.consultations)}" if application.consultations
                         else ""))


def _fact(text: str) -> tuple[str, str]:
    from kizuna.core.errors import InputError

    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise InputError(f"{text!r} is not NAME=VALUE", field="--fact")
    return name.strip(), value.strip()


def _name_at(text: str) -> tuple[str, str | None]:
    name, at, country = text.rpartition("@")
    return (name, country) if at and len(country.strip()) == 2 else (text, None)


def _print(result: object, show_all: bool) -> None:
    from kizuna.licensing.assess import LicenceAssessment, is_exception

    assert isinstance(result, LicenceAssessment)
    table = Table("licence", "rule", "citation", "why", show_lines=False, header_style="bold")
    for d in result.determinations:
        if d.applies or show_all:
            answer = ("exception" if is_exception(d) else "unknown" if d.licence_required == "unknown"
                      else "required" if d.licence_required else "no")
            table.add_row(answer if d.applies else f"({answer})", d.rule, d.citation.label(), d.reason)
    console.print(table)
    for party in result.to_dict()["parties"]:
        hits = ", ".join(f"{h['list']} {h['name']} {h['score']:.2f}" for h in party["hits"][:3]) or "no hits"
        console.print(f"screened {party['role']} {party['name']}: {hits}")
    for flag in result.red_flags:
        console.print(f"red flag ({flag.rule}): {flag.text}")
    for match in result.to_dict()["allied_denials"]:
        console.print(f"allied denial: {match}")
    recommendation = result.recommendation()
    console.print(f"[bold]{recommendation['answer']}[/]: {recommendation['text']}")
    for question in recommendation["questions"]:
        console.print(f"  ask: {question}")
    for note in result.not_checked:
        console.print(f"  not checked: {note}")


def bench_licence(
    count: Annotated[int, typer.Option(help="Assessments to time.")] = 10_000,
    baseline_count: Annotated[int, typer.Option(help="Assessments for the naive baseline (re-reads every rule "
                                                "file per assessment).")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 15,
) -> None:
    """Licence assessments of realistic shipments per minute, screening included, beside a naive baseline."""
    from kizuna.licensing.bench import run_benchmark

    run_benchmark(count, baseline_count, seed, lambda line: console.print(line, markup=False))
