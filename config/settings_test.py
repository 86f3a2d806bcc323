"""Settings for the tests (pyproject.toml: DJANGO_SETTINGS_MODULE): the project's settings with DEBUG on, said
explicitly, because DEBUG is off unless set and production refuses the development SECRET_KEY. Set in the
environment, so the subprocesses the tests start (makemessages, Celery beat) get it too.
"""

import os

os.environ.setdefault("DEBUG", "true")

from config.settings import *  # noqa: F403
