"""Uploads scanned by a real clamd (Debian's clamav-daemon), started here on a temporary unix socket with a
database that holds only the EICAR test signature: no download, starts in a second or two.

Without /usr/sbin/clamd these tests skip on a developer machine (`make browsers` installs it) and fail in CI
(CI=true), like the browser tests.
"""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from intake import virusscan
from intake.models import Attachment, Case
from tests.intake.test_public_form import PDF, form_data

pytestmark = pytest.mark.clamav

CLAMD = Path(os.environ.get("CLAMD_PATH", "/usr/sbin/clamd"))
# The EICAR anti-virus test file, split so this source file is not itself flagged by a scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory):
    if not CLAMD.exists():
        message = f"{CLAMD} is missing: install it with `make browsers` (apt-get install clamav-daemon)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    base = tmp_path_factory.mktemp("clamd")
    (base / "db").mkdir()
    (base / "db" / "eicar.ndb").write_text(f"Voordeur-Test-EICAR:0:*:{EICAR.hex()}\n")
    sock = base / "clamd.sock"
    config = base / "clamd.conf"
    config.write_text(
        f"LocalSocket {sock}\nDatabaseDirectory {base / 'db'}\nForeground yes\nLogFile {base / 'clamd.log'}\n"
        f"PidFile {base / 'clamd.pid'}\nTemporaryDirectory {base}\nLogTime yes\n"
    )
    process = subprocess.Popen(
        [str(CLAMD), f"--config-file={config}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with socket.socket(socket.AF_UNIX) as probe:
                    probe.connect(str(sock))
                    break
            except OSError:
                time.sleep(0.2)
        else:
            log = (base / "clamd.log").read_text() if (base / "clamd.log").exists() else ""
            pytest.fail(f"clamd did not start:\n{log}")
        yield str(sock)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def scanning(settings, clamd_socket):
    settings.CLAMD_SOCKET = clamd_socket


def test_the_client_speaks_instream(scanning):
    assert virusscan.scan(SimpleUploadedFile("a.pdf", PDF)) is None
    assert virusscan.scan(SimpleUploadedFile("b.pdf", PDF + EICAR)) == "Voordeur-Test-EICAR.UNOFFICIAL"


def test_a_clean_upload_is_attached(client, teams, topics, scanning):
    response = client.post(
        reverse("intake:ask"), form_data(attachments=[SimpleUploadedFile("plan.pdf", PDF)])
    )
    assert response.status_code == 302
    assert Attachment.objects.get().original_name == "plan.pdf"


def test_an_infected_upload_is_refused_with_a_dutch_message(client, teams, topics, scanning):
    infected = SimpleUploadedFile("factuur.pdf", PDF + EICAR)
    response = client.post(reverse("intake:ask"), form_data(attachments=[infected]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "virus of ander schadelijk bestand" in html
    assert form_data()["question"] in html
    assert Case.objects.count() == 0
