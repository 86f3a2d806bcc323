"""Every text is translated: Dutch is the source language, English is complete and up to date.

The .po files are read with a small reader (no extra dependency). The up-to-date check runs makemessages on
a copy of the project and compares the message ids; it needs the gettext tools (CI installs them).
"""

import gettext
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, msgid_plural, msgstr (list), fuzzy; obsolete entries are left out."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        entry = {"msgid": None, "msgid_plural": None, "msgstr": [], "fuzzy": False}
        field = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["msgid"] = None
                break
            if line.startswith("#,"):
                entry["fuzzy"] = "fuzzy" in line
            elif match := re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$", line):
                field = match.group(1)
                value = json.loads(match.group(2))
                if field.startswith("msgstr"):
                    entry["msgstr"].append(value)
                else:
                    entry[field] = value
            elif line.startswith('"') and field:
                value = json.loads(line)
                if field.startswith("msgstr"):
                    entry["msgstr"][-1] += value
                else:
                    entry[field] += value
        if entry["msgid"] is not None:
            entries.append(entry)
    return entries


def messages(path: Path) -> list[dict]:
    return [e for e in read_po(path) if e["msgid"]]  # without the header


def test_english_is_complete_and_nothing_is_fuzzy():
    entries = messages(LOCALE / "en" / "LC_MESSAGES" / "django.po")
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if e["fuzzy"]]
    header = read_po(LOCALE / "en" / "LC_MESSAGES" / "django.po")[0]
    assert len(entries) > 500
    assert untranslated == [], f"{len(untranslated)} untranslated: {untranslated[:10]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy: {fuzzy[:10]}"
    assert not header["fuzzy"]


def test_dutch_is_the_source_language_with_the_same_messages():
    english = {e["msgid"] for e in messages(LOCALE / "en" / "LC_MESSAGES" / "django.po")}
    dutch = messages(LOCALE / "nl" / "LC_MESSAGES" / "django.po")
    assert {e["msgid"] for e in dutch} == english
    assert not any(e["fuzzy"] for e in dutch)


def test_compiled_english_catalogue_matches_the_po_file():
    """The committed .mo (used by `make demo` without gettext tools) holds every English translation."""
    with (LOCALE / "en" / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for entry in messages(LOCALE / "en" / "LC_MESSAGES" / "django.po"):
        if entry["msgid_plural"]:
            assert catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr"][0]
        else:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]


def test_po_files_are_up_to_date_with_the_code_and_templates(tmp_path):
    if shutil.which("xgettext") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("gettext tools are missing: apt-get install gettext")
        pytest.skip("gettext tools are missing (make browsers installs them)")
    copy = tmp_path / "voordeur"
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "var", "media", "staticfiles", "test-artifacts", "__pycache__", "*.sqlite3", "tests"
    )
    shutil.copytree(ROOT, copy, ignore=ignore)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "--ignore=.venv", "-v0"],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    fresh = {e["msgid"] for e in messages(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")}
    committed = {e["msgid"] for e in messages(LOCALE / "en" / "LC_MESSAGES" / "django.po")}
    assert fresh - committed == set(), "new texts: run `make messages` and translate them in locale/en"
    assert committed - fresh == set(), "texts no longer used: run `make messages`"


def test_dates_times_and_numbers_are_dutch_in_the_amsterdam_time_zone(settings):
    assert settings.TIME_ZONE == "Europe/Amsterdam" and settings.USE_TZ
    template = Template(
        '{{ day|date:"l j F Y" }} | {{ moment|date:"j F Y, H:i" }} | {{ size|filesizeformat }} | {{ number|floatformat:1 }}'
    )
    context = Context(
        {
            "day": date(2026, 12, 11),
            "moment": datetime(2026, 7, 1, 10, 0, tzinfo=UTC),
            "size": 1_572_864,
            "number": 2.5,
        }
    )
    with translation.override("nl"):
        assert template.render(context) == "vrijdag 11 december 2026 | 1 juli 2026, 12:00 | 1,5\xa0MB | 2,5"
