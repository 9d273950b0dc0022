"""Gunicorn settings for Loudong: `gunicorn -c config/gunicorn.py config.wsgi`.

The application is loaded once in the master (preload) with its URLconf, so every view module is
imported before the workers fork, and its URL patterns and templates are compiled there too
(loudong.ops.warmup), so a worker's first page costs what its later ones do. gc.freeze() then moves
those objects out of the collector's sight, so a collection in a worker does not touch (and copy) the
pages it shares with the master. Heavy libraries (WeasyPrint, openpyxl, jieba, scipy) load only in a
worker that needs them; after LOUDONG_WEB_MAX_REQUESTS requests (plus jitter) a worker is replaced by
a fresh fork, which returns what a PDF or a spreadsheet made it load.

LOUDONG_BIND          address to listen on (default 127.0.0.1:8000)
LOUDONG_WEB_WORKERS   web worker processes (default 2; about 1 per CPU core is right for sync workers)
LOUDONG_WEB_MAX_REQUESTS  requests before a worker is replaced (default 500; 0 never)
"""

import gc
import os

bind = os.environ.get("LOUDONG_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("LOUDONG_WEB_WORKERS") or 2)
preload_app = True
max_requests = int(os.environ.get("LOUDONG_WEB_MAX_REQUESTS") or 500)
max_requests_jitter = max_requests // 10
timeout = 60
accesslog = "-"
loglevel = "warning"
# No control socket (gunicornc): systemd or the shell manages the server, and two servers on one host
# (deploy/smoke) would share its default path in $HOME.
control_socket_disable = True


def pre_fork(server: object, worker: object) -> None:
    """Before each fork: load the views, URL patterns and templates in the master (once), close its
    database connections (a child must not share the master's socket), and freeze the heap so the
    workers keep sharing it."""
    from django.db import connections

    from loudong.ops.warmup import warm_up

    warm_up()
    connections.close_all()
    gc.freeze()
