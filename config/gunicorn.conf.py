"""gunicorn settings for production: `gunicorn -c config/gunicorn.conf.py config.wsgi` (see README.md).

The access log never shows a tracking token or an e-mail address or phone number from a URL: every field is
masked by config.logmask (for instance `/volgen/<token>/` is logged as `/volgen/[verborgen]/`).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project, for `config.logmask`

from config.logmask import MaskingGunicornLogger

wsgi_app = "config.wsgi"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
logger_class = MaskingGunicornLogger
accesslog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
