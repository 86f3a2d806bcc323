"""A minimal Django project around django-helpdesk: the load test's baseline for a public ticket POST.

`make loadtest` (demo/management/commands/loadtest.py) installs scripts/loadtest/helpdesk-requirements.txt into a
virtualenv of its own, runs `python -m helpdesk_site.prepare` (migrations and one public queue) and serves
`helpdesk_site.wsgi` with gunicorn (2 sync workers, like Voordeur) on its own port. It is configured only
through the environment that the load test sets (see settings.py) and is not part of Voordeur.
"""
