"""Supplier and country concentration of a bill of materials per component class (Herfindahl-Hirschman index on
shares of quantity), its single points of failure, and what-if scenarios: a country or a supplier unavailable."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kizuna.supplychain import rules
from kizuna.supplychain.model import Item
from kizuna.supplychain.sbom import component_class

_SUPPLIER_FIELDS = ("supplier", "manufacturer", "vendor", "metadata.manufacture", "metadata.supplier")


def supplier(item: Item) -> str:
    """The organisation that supplies ``item``: supplier, else manufacturer, else the inventory's vendor."""
    return next((p.name for f in _SUPPLIER_FIELDS for p in item.parties if p.source == f), "")


def quantity(item: Item) -> float:
    """How many of ``item`` the BOM uses (``cdx:device:quantity`` or an inventory ``quantity``; 1 when not stated)."""
    text = item.properties.get("cdx:device:quantity") or item.properties.get("quantity") or "1"
    try:
        return max(float(text), 0.0)
    except ValueError:
        return 1.0


def hhi(shares: Iterable[float]) -> float:
    """Sum of squared percentage shares (0-10,000) of ``shares`` (any non-negative weights)."""
    values = list(shares)
    total = sum(values)
    return 0.0 if total <= 0 else sum((100 * v / total) ** 2 for v in values)


@dataclass(slots=True)
class ClassConcentration:
    component_class: str
    components: int
    suppliers: dict[str, float]
    countries: dict[str, float]
    supplier_hhi: float
    country_hhi: float
    highly_concentrated: bool
    single_points: list[str] = field(default_factory=list)  # "one supplier: X", "one country: CN"

    def to_dict(self) -> dict[str, Any]:
        """The class as JSON."""
        return {"class": self.component_class, "components": self.components, "suppliers": self.suppliers,
                "countries": self.countries, "supplier_hhi": round(self.supplier_hhi),
                "country_hhi": round(self.country_hhi), "highly_concentrated": self.highly_concentrated,
                "single_points_of_failure": self.single_points}


def concentration(items: Iterable[Item]) -> list[ClassConcentration]:
    """Per component class with at least one named supplier or country, most concentrated first."""
    limit = rules.signals().concentration.highly_concentrated_hhi
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        if supplier(item) or item.country:
            groups[component_class(item) or "unclassified"].append(item)
    result = []
    for name, members in groups.items():
        suppliers: dict[str, float] = defaultdict(float)
        countries: dict[str, float] = defaultdict(float)
        for item in members:
            suppliers[supplier(item) or "(not stated)"] += quantity(item)
            countries[item.country or "(not stated)"] += quantity(item)
        points = [f"one supplier: {s}" for s in suppliers if len(suppliers) == 1 and s != "(not stated)"]
        points += [f"one country: {c}" for c in countries if len(countries) == 1 and c != "(not stated)"]
        # shares of what the BOM states: an unstated supplier or country is not one more supplier
        supplier_hhi = hhi(v for k, v in suppliers.items() if k != "(not stated)")
        country_hhi = hhi(v for k, v in countries.items() if k != "(not stated)")
        result.append(ClassConcentration(name, len(members), dict(suppliers), dict(countries), supplier_hhi,
                                         country_hhi, max(supplier_hhi, country_hhi) > limit, points))
    return sorted(result, key=lambda c: (-c.supplier_hhi, c.component_class))


@dataclass(slots=True)
class SupplyScenario:
    """What is lost when ``what`` (a country code or a supplier name) is unavailable."""

    what: str
    components: list[str]
    products: list[str]
    classes_without_supply: list[str]

    def to_dict(self) -> dict[str, Any]:
        """The scenario as JSON."""
        return {"unavailable": self.what, "components": self.components, "products": self.products,
                "classes_without_supply": self.classes_without_supply}


def scenario(items: list[Item], *, country: str | None = None, supplier_name: str | None = None) -> SupplyScenario:
    """The components supplied from ``country`` (or by ``supplier_name``), the top-level products that pull them
    in, and the classes left with no other supplier."""
    def lost(item: Item) -> bool:
        if country is not None:
            return item.country.upper() == country.upper()
        return supplier(item).casefold() == (supplier_name or "").casefold()

    affected = [item for item in items if lost(item)]
    remaining = {component_class(i) for i in items if not lost(i) and (supplier(i) or i.country)}
    classes = sorted({component_class(i) for i in affected} - remaining)
    products = sorted({i.path[0] for i in affected if i.path})
    return SupplyScenario(country.upper() if country else (supplier_name or ""), [i.label() for i in affected],
                    products, classes)
