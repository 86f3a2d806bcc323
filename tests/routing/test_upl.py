"""Tests for the UPL reader and the UPL -> team mapping (no Django)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from routing.upl import UplProduct, read_business_products

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "routing" / "data"
UPL_CSV = Path("/work/shared/data/upl/UPL-actueel.csv")
TEAMS = {
    "economie",
    "vergunningen",
    "omgeving",
    "belastingen",
    "duurzaamheid",
    "zelfstandigen",
    "werkgevers",
    "markt",
    "parkeren",
    "afval",
    "extern",
}

needs_upl = pytest.mark.skipif(not UPL_CSV.exists(), reason="UPL csv not available")


@needs_upl
def test_read_business_products_finds_unique_sorted_names():
    products = read_business_products(UPL_CSV)
    names = [p.name for p in products]
    assert 240 <= len(products) <= 280
    assert len(names) == len(set(names))
    assert names == sorted(names)
    assert "terrasvergunning" in names
    assert "precariobelasting" in names
    assert "paspoort" in names  # gemeente + bedrijf
    assert "aanleunwoning" not in names  # burger only
    assert all(p.uri.startswith("http") for p in products)


@needs_upl
def test_read_business_products_is_deterministic():
    assert read_business_products(UPL_CSV) == read_business_products(UPL_CSV)


def test_read_business_products_filters_and_keeps_first_uri(tmp_path):
    csv_path = tmp_path / "upl.csv"
    csv_path.write_text(
        "\ufeffUniformeProductnaam,URI,Gemeente,Bedrijf\n"
        "zeta,http://x/zeta1,X,X\n"
        "alfa,http://x/alfa,X,X\n"
        "zeta,http://x/zeta2,X,X\n"
        "burger,http://x/burger,X,\n"
        "rijk,http://x/rijk,,X\n",
        encoding="utf-8",
    )
    assert read_business_products(csv_path) == [
        UplProduct("alfa", "http://x/alfa"),
        UplProduct("zeta", "http://x/zeta1"),
    ]


def test_read_business_products_requires_columns(tmp_path):
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text("naam,URI\nx,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="UniformeProductnaam"):
        read_business_products(csv_path)


@needs_upl
def test_every_business_product_has_a_valid_team():
    mapping = json.loads((DATA / "upl_teams.json").read_text(encoding="utf-8"))
    catalogue = {t["slug"]: t for t in json.loads((DATA / "catalogue.json").read_text(encoding="utf-8"))}
    for product in read_business_products(UPL_CSV):
        assert product.name in mapping, product.name
        entry = mapping[product.name]
        assert entry["team"] in TEAMS, product.name
        topic = entry.get("topic")
        if topic is not None:
            assert topic in catalogue, (product.name, topic)
            assert product.name in catalogue[topic]["upl_names"]
            assert catalogue[topic]["team"] == entry["team"]


def test_catalogue_upl_names_are_mapped_to_their_topic():
    mapping = json.loads((DATA / "upl_teams.json").read_text(encoding="utf-8"))
    for topic in json.loads((DATA / "catalogue.json").read_text(encoding="utf-8")):
        for name in topic["upl_names"]:
            assert mapping[name]["topic"] == topic["slug"], name
