"""Static assets in production shape: collected by Django, hashed names, long cache lifetimes, no CDN."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import django
django.setup()
from django.templatetags.static import static
from django.test import Client
url = static("css/voordeur.css")
response = Client().get(url)
print(url)
print(response.status_code)
print(response.headers.get("Cache-Control", ""))
"""


def run(args, tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-secret-value-for-this-test",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_collectstatic_with_debug_off_gives_hashed_compressed_files_served_with_long_cache(tmp_path):
    run(["manage.py", "collectstatic", "--noinput", "-v0"], tmp_path)
    collected = tmp_path / "static"
    assert (collected / "staticfiles.json").exists()  # the manifest of hashed names
    hashed = list((collected / "css").glob("voordeur.*.css"))
    assert hashed and (collected / "css" / f"{hashed[0].name}.gz").exists()

    url, status, cache_control = run(["-c", CHECK], tmp_path).splitlines()
    assert re.fullmatch(r"/static/css/voordeur\.[0-9a-f]{12}\.css", url)
    assert status == "200"
    max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
    assert max_age >= 365 * 24 * 3600 and "immutable" in cache_control


def test_no_asset_comes_from_a_cdn():
    external = re.compile(r"<(script|link)[^>]+(src|href)=\"(https?:)?//", re.IGNORECASE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if external.search(path.read_text(encoding="utf-8"))
    ]
    css_imports = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "static").rglob("*.css")
        if re.search(r"(@import|url\()\s*[\"']?(https?:)?//", path.read_text(encoding="utf-8"))
    ]
    assert offenders == [] and css_imports == []
