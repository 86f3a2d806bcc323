"""One sweep cycle through the real Celery beat (a subprocess) and a real worker, over Redis."""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from config.celery import app
from followup.models import FollowupAction
from intake.models import Case
from tests.factories import submit_case

pytestmark = pytest.mark.worker

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def real_broker():
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run this test against Redis: set REDIS_URL")
        pytest.skip("REDIS_URL not set: no real broker to test against")
    app.conf.task_always_eager = False
    app.control.purge()
    yield app
    app.control.purge()


@pytest.mark.django_db(transaction=True)
def test_beat_schedules_the_sweep_and_a_worker_runs_it(real_broker, teams, tmp_path):
    case = submit_case().case
    Case.objects.filter(pk=case.pk).update(deadline=dt.date.today() - dt.timedelta(days=10))
    env = {**os.environ, "FOLLOWUP_SWEEP_SECONDS": "1", "REDIS_URL": settings.REDIS_URL}
    beat = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--loglevel=WARNING",
            "-s",
            str(tmp_path / "beat-schedule"),
            "--pidfile",
            str(tmp_path / "beat.pid"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        with start_worker(
            real_broker, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING"
        ):
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if FollowupAction.objects.filter(case=case, kind="case_overdue").exists():
                    break
                if beat.poll() is not None:
                    break
                time.sleep(0.25)
    finally:
        beat.terminate()
        try:
            output = beat.communicate(timeout=10)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            beat.kill()
            output = beat.communicate()[0].decode(errors="replace")
    assert FollowupAction.objects.filter(case=case, kind="case_overdue").count() == 1, output
    assert case.notifications.filter(template="followup_case_overdue").count() == 1
