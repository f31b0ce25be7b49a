"""The capability registry drives the CLI and the web app: commands, routes and navigation come from it, in its
order, and listing them imports no capability."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kizuna.capabilities import REGISTRY, Capability, Command, NavEntry, Registry
from kizuna.cli.main import _build, build_app
from kizuna.web.app import create_app
from tests.conftest import kizuna

TOY_MODULE = "tests.web.toy_capability"
TOY = Capability("toy", commands=(
    Command("toy", f"{TOY_MODULE}:app", "Toy capability: greets."),
    Command("toy", f"{TOY_MODULE}:bench_toy", parent="bench"),
), routers=(f"{TOY_MODULE}:router",), nav=(NavEntry("toy", "Toy", "/toy"),))
LISTS = next(capability for capability in REGISTRY.capabilities if capability.name == "lists")
BENCH = next(capability for capability in REGISTRY.capabilities if capability.name == "bench")
CAPABILITY_PACKAGES = ("screening", "lists", "ownership", "cyber", "exchange", "cables", "web")


def nav_links(html: str) -> list[str]:
    """The paths of the console's top navigation, in order (the API link excluded)."""
    match = re.search(r"<nav>(.*?)</nav>", html, re.S)
    assert match, html[:500]
    return [path for path in re.findall(r'<a href="([^"]+)"', match.group(1)) if path != "/docs"]


def test_a_registered_capability_gets_its_command_lazily() -> None:
    sys.modules.pop(TOY_MODULE, None)
    app = build_app(Registry((TOY,)))
    runner = CliRunner()

    listed = runner.invoke(app, ["--help"])
    assert listed.exit_code == 0 and "toy" in listed.output and "Toy capability: greets." in listed.output
    assert TOY_MODULE not in sys.modules  # listing the commands imported nothing of the capability

    ran = runner.invoke(app, ["toy", "hello", "Kizuna"])
    assert ran.exit_code == 0, ran.output
    assert ran.output == "hello Kizuna\n" and TOY_MODULE in sys.modules


def test_a_registered_subcommand_joins_its_group() -> None:
    ran = CliRunner().invoke(build_app(Registry((BENCH, TOY))), ["bench", "toy"])
    assert ran.exit_code == 0, ran.output
    assert ran.output == "toy benchmark\n"


def test_a_registered_capability_gets_its_route_and_nav_entry(kizuna_home: Path) -> None:
    client = TestClient(create_app(Registry((LISTS, TOY))))
    assert client.get("/v1/toy/hello", params={"name": "Kizuna"}).json() == {"text": "hello Kizuna"}
    assert "/v1/toy/hello" in client.get("/openapi.json").json()["paths"]
    assert nav_links(client.get("/lists").text) == ["/lists", "/toy"]


def test_nav_order_follows_the_registry(kizuna_home: Path) -> None:
    client = TestClient(create_app(Registry((TOY, LISTS))))
    assert nav_links(client.get("/lists").text) == ["/toy", "/lists"]
    assert nav_links(TestClient(create_app()).get("/lists").text) == [entry.path for entry in REGISTRY.nav()]


def test_a_command_or_section_registered_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="command registered twice: kizuna toy"):
        Registry((TOY, Capability("other", commands=(Command("toy", f"{TOY_MODULE}:app", "Again."),))))
    with pytest.raises(ValueError, match="navigation key registered twice: toy"):
        Registry((TOY, Capability("other", nav=(NavEntry("toy", "Toy", "/other"),))))
    with pytest.raises(ValueError, match="command without a help line: toy"):
        Registry((Capability("toy", commands=(Command("toy", f"{TOY_MODULE}:app"),)),))


@pytest.mark.parametrize("command", REGISTRY.commands(), ids=lambda command: command.name)
def test_each_registry_help_line_is_its_commands_own(command: Command) -> None:
    """``kizuna --help`` shows the registry's line; running the command shows the command's own: they agree."""
    assert _build(command, REGISTRY).get_short_help_str(limit=1000) == " ".join(command.help.split())


def test_kizuna_help_lists_every_registry_command(tmp_path: Path) -> None:
    shown = kizuna("--help", home=tmp_path).stdout
    for command in REGISTRY.commands():
        assert re.search(rf"│ {re.escape(command.name)} +{re.escape(command.help)}", shown), command.name


def imported_by(*args: str) -> set[str]:
    """The ``kizuna`` modules a whole ``kizuna ARGS`` process imports."""
    script = ("import json, sys\nfrom kizuna.cli.main import main\nsys.argv = ['kizuna', *sys.argv[1:]]\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\n"
              "sys.stderr.write(json.dumps(sorted(m for m in sys.modules if m.startswith('kizuna'))))\n")
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120)
    return set(json.loads(result.stderr.splitlines()[-1]))


def test_kizuna_help_imports_no_capability() -> None:
    modules = imported_by("--help")
    assert not {m for m in modules if m.split(".")[1:2] and m.split(".")[1] in CAPABILITY_PACKAGES}, modules
    assert {m for m in modules if m.startswith("kizuna.cli.")} == {"kizuna.cli.main", "kizuna.cli.output"}


def test_a_commands_help_imports_only_its_own_cli_module() -> None:
    cli_modules = {m for m in imported_by("cables", "--help") if m.startswith("kizuna.cli.")}
    assert "kizuna.cli.cables" in cli_modules
    assert not cli_modules & {f"kizuna.cli.{name}" for name in ("screening", "serve", "lists", "ownership",
                                                                 "cyber", "exchange", "bench")}


def _schema(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _typed(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    """Whether a response schema says what it holds: an object with named properties, or a list of such
    (``{}`` and an object of any keys say nothing)."""
    schema = _schema(spec, schema)
    if schema.get("type") == "array":
        return _typed(spec, schema.get("items", {}))
    if "anyOf" in schema or "oneOf" in schema:
        return all(_typed(spec, s) for s in schema.get("anyOf", schema.get("oneOf", [])))
    return bool(schema.get("properties"))


def test_every_v1_route_has_a_response_model() -> None:
    spec = TestClient(create_app()).get("/openapi.json").json()
    untyped = []
    for path, operations in spec["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in operations.items():
            schemas = [content["schema"] for status, response in operation["responses"].items()
                       if status.startswith("2") for content in response.get("content", {}).values()
                       if "schema" in content]
            if not schemas or not all(_typed(spec, schema) for schema in schemas):
                untyped.append(f"{method.upper()} {path}")
    assert not untyped, f"{len(untyped)} /v1 operations without a response model: {untyped}"


def test_the_exchange_node_shows_its_own_section_only() -> None:
    """The node's app is not built from the registry: its pages show their capability's sections."""
    from kizuna.web.exchange import create_node_app

    page = TestClient(create_node_app()).get("/exchange/login")
    assert page.status_code == 200
    assert nav_links(page.text) == ["/exchange/"]
