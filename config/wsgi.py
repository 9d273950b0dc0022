import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Load jieba's dictionary now rather than on the first leader's queue page (about 1.5 s).
from loudong.tickets.suggest.text import warm_up  # noqa: E402

warm_up()
