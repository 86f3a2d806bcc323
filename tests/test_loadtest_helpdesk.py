"""The load test's django-helpdesk baseline (demo/management/commands/loadtest.py): options and the ratio line.

The load test itself needs wrk, PostgreSQL, Redis and a virtualenv from PyPI and is not part of CI; these check
only the parts that need none of that.
"""

from demo.management.commands.loadtest import Command


def parse(*args):
    return vars(Command().create_parser("manage.py", "loadtest").parse_args(list(args)))


def test_helpdesk_is_on_by_default_and_can_be_switched_off():
    assert parse()["helpdesk"] is True
    assert parse("--no-helpdesk")["helpdesk"] is False


def command(info=None, skipped=""):
    cmd = Command()
    cmd.helpdesk_info = info or {}
    cmd.helpdesk_skipped = skipped
    return cmd


def test_the_line_under_the_table_gives_the_ratio_to_django_helpdesk():
    line = command({"helpdesk": "2.6.1", "django": "5.2"}).helpdesk_line({"post": 90.0, "helpdesk": 30.0})
    assert "3.00×" in line
    assert "meets the target" in line
    line = command({"helpdesk": "2.6.1", "django": "5.2"}).helpdesk_line({"post": 45.0, "helpdesk": 30.0})
    assert "1.50×" in line
    assert "misses the target" in line


def test_a_skipped_baseline_says_why():
    line = command(skipped="set-up failed: no network").helpdesk_line({"post": 90.0})
    assert "no baseline (set-up failed: no network)" in line
