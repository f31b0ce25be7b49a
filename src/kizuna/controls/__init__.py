"""Control lists: control-entry codes in US ECCN, EU Annex I, Wassenaar and Japanese (別表第一) numbering, brought
to one comparison key (``kizuna.controls.codes``). The allied control lists themselves grow here."""

from kizuna.controls.codes import SCHEMES, ControlEntry, ControlMatch, compare, from_dict, parse, unknown_wassenaar

__all__ = ["SCHEMES", "ControlEntry", "ControlMatch", "compare", "from_dict", "parse", "unknown_wassenaar"]
