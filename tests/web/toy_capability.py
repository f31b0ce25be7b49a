"""A toy capability for the registry tests: a command group, a router with one ``/v1`` route, a console section.

Only tests/web/test_registry.py imports it, through a test registry (never directly), so whether it has been
imported shows whether a registry entry was loaded."""

from __future__ import annotations

import typer
from fastapi import APIRouter
from pydantic import BaseModel

app = typer.Typer(help="Toy capability: greets.", no_args_is_help=True)
router = APIRouter()


@app.command("hello")
def hello(name: str) -> None:
    """Greet NAME."""
    print(f"hello {name}")


def bench_toy() -> None:
    """Time nothing at all."""
    print("toy benchmark")


class Greeting(BaseModel):
    text: str


@router.get("/v1/toy/hello", response_model=Greeting, tags=["toy"])
def api_hello(name: str) -> Greeting:
    """A greeting."""
    return Greeting(text=f"hello {name}")
