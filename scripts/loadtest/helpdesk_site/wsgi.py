"""WSGI entry point of the django-helpdesk baseline: `gunicorn helpdesk_site.wsgi` from scripts/loadtest/."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk_site.settings")

application = get_wsgi_application()
