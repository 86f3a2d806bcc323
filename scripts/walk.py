"""Walk a running Voordeur as its users do: every role opens its pages in Chromium, with screenshots.

Usage (against the demo, or a production-shaped server with DEBUG off):

    .venv/bin/python scripts/walk.py http://127.0.0.1:8000 [--out test-artifacts/walk]

It logs in as each demo user (password voordeur-demo), opens the pages of that role at 1280 and 1024 px (and the
public pages at phone size), and prints one line per page: status, time and the page title. Every 5xx, or a page
slower than 1 s, is marked. Look at the screenshots yourself: judge what a person sees.
"""

import argparse
import re
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "voordeur-demo"
PHONE = {"width": 390, "height": 844}
WIDTHS = [{"width": 1280, "height": 800}, {"width": 1024, "height": 768}]

PUBLIC = ["/", "/vraag/", "/veelgestelde-vragen/", "/veelgestelde-vragen/?q=terras", "/inloggen/"]
ROLES = {
    "anouk": [
        "/zaken/",
        "/zaken/?status=new&sort=deadline",
        "/zaken/?q=terras",
        "/zaken/?overdue=true",
        "/bewaking/termijnen/",
        "/bewaking/terugbellen/",
        "/kennisbank/",
        "/kennisbank/?q=terras",
        "/kennisbank/hiaten/",
        "/bedrijven/",
        "/bezoeken/",
        "/kcc/rapport/",
        "/zaken/1/",
        "/zaken/3/",
        "/zaken/berichten/",
        "/cijfers/",
        "/cijfers/?periode=kwartaal",
        "/resultaten/",
        "/overleg/",
        "/doorsturen/",
    ],
    "fatima": ["/kcc/", "/kcc/?zoek=12345678", "/kcc/nieuwe-vraag/", "/zaken/", "/kennisbank/?q=afval"],
    "pieter": [
        "/uitzettingen/",
        "/uitzettingen/?show=all",
        "/kennisbank/",
        "/bedrijven/",
        "/doorsturen/",
        "/resultaten/",
    ],
    "beheer": ["/beheer/", "/beheer/teams/team/", "/beheer/intake/outboxmessage/"],
}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "home"


def visit(page, base: str, path: str, out: Path, label: str) -> bool:
    started = time.monotonic()
    response = page.goto(base + path)
    elapsed = time.monotonic() - started
    status = response.status if response else 0
    title = page.title()
    flag = "  <-- 5xx" if status >= 500 else ("  <-- slow" if elapsed > 1 else "")
    print(f"{label:<22} {status:>3} {elapsed * 1000:>6.0f} ms  {path:<45} {title}{flag}")
    page.screenshot(path=str(out / f"{slug(label)}-{slug(path)}.png"), full_page=True)
    return status < 500


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--out", default="test-artifacts/walk")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ok = True
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport=PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
        page = context.new_page()
        for path in PUBLIC:
            ok &= visit(page, args.base, path, out, "public (phone)")
        context.close()
        for user, paths in ROLES.items():
            for viewport in WIDTHS:
                context = browser.new_context(viewport=viewport, locale="nl-NL")
                page = context.new_page()
                page.goto(args.base + "/inloggen/")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit], input[type=submit]")
                for path in paths:
                    ok &= visit(page, args.base, path, out, f"{user} ({viewport['width']})")
                context.close()
        browser.close()
    print("walk:", "no 5xx" if ok else "5xx found", f"(screenshots in {out})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
