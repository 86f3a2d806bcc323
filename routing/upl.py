"""Reading the Uniforme Productnamenlijst (UPL) for municipal business products.

Pure Python, no Django imports.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from os import PathLike
from pathlib import Path


@dataclass(frozen=True)
class UplProduct:
    name: str
    uri: str


REQUIRED_COLUMNS = ("UniformeProductnaam", "URI", "Gemeente", "Bedrijf")


def read_business_products(path: str | PathLike[str]) -> list[UplProduct]:
    """Return the UPL products a municipality offers to businesses.

    Keeps rows with ``Gemeente == "X"`` and ``Bedrijf == "X"``, one product per unique
    name (the first URI seen wins), sorted by name.
    """
    products: dict[str, str] = {}
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"UPL file {path} lacks column(s): {', '.join(missing)}")
        for row in reader:
            if (row.get("Gemeente") or "").strip() != "X":
                continue
            if (row.get("Bedrijf") or "").strip() != "X":
                continue
            name = (row.get("UniformeProductnaam") or "").strip()
            if not name or name in products:
                continue
            products[name] = (row.get("URI") or "").strip()
    return [UplProduct(name=name, uri=products[name]) for name in sorted(products)]
