"""A throw-away Dovecot IMAP server in a temporary folder, on 127.0.0.1 and a free port.

For the tests (tests/mail/conftest.py) and `manage.py mail_benchmark`: Debian's dovecot-imapd with a minimal
configuration, one passwd-file user and Maildir storage in the folder. Needs /usr/sbin/dovecot.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = Path(os.environ.get("DOVECOT_PATH", "/usr/sbin/dovecot"))
USER, PASSWORD = "loket", "geheim-test-wachtwoord"

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
# A throw-away server: no fsync (the tests and the benchmark measure Voordeur, not the disk).
mail_fsync = never
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = {uid}
last_valid_uid = {uid}
mail_location = maildir:{root}/home/%u/Maildir
mail_privileged_group =
protocol imap {{
  mail_max_userip_connections = 50
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def available() -> bool:
    return DOVECOT.exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Dovecot:
    root: Path
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/INBOX"

    def client(self):
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        """Put messages in the mailbox with IMAP APPEND, as a mail server's delivery would."""
        client = self.client()
        try:
            for raw in messages:
                client.append(folder, raw)
        finally:
            client.logout()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def start(root: Path | None = None) -> Dovecot:
    """Start Dovecot in `root` (a new temporary folder by default); raises RuntimeError if it does not answer."""
    root = Path(root or tempfile.mkdtemp(prefix="voordeur-dovecot-"))
    port = free_port()
    if os.getuid() == 0:  # Dovecot refuses mail access as root: the package's own unprivileged users
        mail_user = pwd.getpwnam("dovecot")
        login_user, internal_user = "dovenull", "dovecot"
    else:
        mail_user = pwd.getpwuid(os.getuid())
        login_user = internal_user = mail_user.pw_name
    for sub in ("run", "state", f"home/{USER}"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            root=root,
            port=port,
            uid=mail_user.pw_uid,
            gid=mail_user.pw_gid,
            login_user=login_user,
            internal_user=internal_user,
        )
    )
    if os.getuid() == 0:
        os.chmod(root, 0o755)
        shutil.chown(root / "home", mail_user.pw_uid, mail_user.pw_gid)
        shutil.chown(root / "home" / USER, mail_user.pw_uid, mail_user.pw_gid)
        os.chmod(root / "passwd", 0o644)
    process = subprocess.Popen(
        [str(DOVECOT), "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            raise RuntimeError(f"Dovecot stopped: {process.stderr.read().decode()} {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return Dovecot(root=root, port=port, process=process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("Dovecot did not answer within 20 seconds")
