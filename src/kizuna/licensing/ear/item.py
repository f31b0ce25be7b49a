"""The item as the US rules see it: an ECCN with its paragraph, EAR99 (on no list), or not known."""

from __future__ import annotations

from dataclasses import dataclass

from kizuna.controls.requirements import eccn_of
from kizuna.core.errors import InputError
from kizuna.licensing.ear.rules import rules


@dataclass(frozen=True, slots=True)
class EarItem:
    """``eccn`` and ``paragraph`` (``3A090`` / ``3A090.a``) for a listed item; ``ear99`` for one on no list;
    neither when the item is not known (a description, a chip whose figures do not decide)."""

    label: str
    eccn: str | None = None
    paragraph: str | None = None
    ear99: bool = False

    @property
    def known(self) -> bool:
        return self.ear99 or self.eccn is not None

    def within(self, codes: list[str]) -> bool:
        """Whether the item is one of ``codes`` (``3A090`` covers every paragraph of it; ``3A001.z`` only .z)."""
        if self.eccn is None:
            return False
        target = self.paragraph or self.eccn
        return any(target == c or target.startswith(c + ".") for c in codes)

    def category_group(self) -> str:
        """``3B`` for 3B001: the CCL category and product group."""
        return (self.eccn or "")[:2]


def item_of(code: str | None) -> EarItem:
    """The item a shipment states: an ECCN (``3a090.A`` → 3A090.a), ``none``/``EAR99``/``非該当``, or None."""
    if code is None or not code.strip():
        return EarItem("not stated")
    text = code.strip()
    if text.casefold() in rules().no_list_items:
        return EarItem("EAR99", ear99=True)
    eccn = eccn_of(text)
    rest = text.strip()[5:].lower()
    if rest and not rest.startswith("."):
        raise InputError(f"{code!r}: an ECCN is followed by .paragraphs", field="item")
    paragraph = eccn + rest if rest else None
    return EarItem(paragraph or eccn, eccn, paragraph)
