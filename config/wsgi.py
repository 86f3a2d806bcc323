import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What start-up loaded (Django, the apps, the router's libraries) lives as long as the worker: move it out of the
# garbage collector's generations, so a full collection during a request walks only that request's objects. The
# full collections were the staff pages' p95 at a million cases (docs/scaling.md).
gc.freeze()
