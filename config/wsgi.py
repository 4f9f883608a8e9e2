import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Import every view now rather than in the first requests: Django imports the
# URLconf lazily, which takes seconds of CPU (more on a busy host), and every
# request that reaches a fresh worker meanwhile waits for it. gunicorn accepts
# connections only once this module is loaded (with --preload its master loads
# it once, before forking), so a worker that answers is a warm one.
get_resolver().url_patterns  # noqa: B018
