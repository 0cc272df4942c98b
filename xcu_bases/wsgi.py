"""WSGI entry point for gunicorn: ``gunicorn xcu_bases.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xcu_bases.settings")

application = get_wsgi_application()
