"""gunicorn's settings for kaa_web in production (`gunicorn -c kaa_web/deploy/gunicorn.conf.py
wsgi:app`); a command-line option overrides the value here (the tests pick their own port)."""

import os

# nginx on the same machine is the only client (kaa_web/deploy/nginx-kaa.conf).
bind = os.environ.get("KAA_BIND", "127.0.0.1:8000")
# Sync workers: a request holds one worker, and no request waits on another in its process.
# About two per core; the load bench (bench/load.py) measures four on two cores.
workers = int(os.environ.get("KAA_WORKERS", "4"))
worker_class = "sync"
# A request past this is killed and its transaction rolled back by PostgreSQL; the longest
# in-request work is a single Word document (seconds), the mail-out runs on the job worker.
timeout = 60
graceful_timeout = 30
# Replace each worker now and then, so a slow leak cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
# gunicornc's control socket: one per instance. gunicorn's default is one path per user
# ($XDG_RUNTIME_DIR/gunicorn.ctl), so a second instance on the machine took the first one's
# over. systemd's RuntimeDirectory= (kaa_web/deploy/kaa-web.service) gives the unit its own
# directory; the port keeps two instances in one directory apart.
_runtime = os.environ.get("RUNTIME_DIRECTORY") or "/run/kaa-web"
control_socket = os.environ.get("KAA_CONTROL_SOCKET") or (
    f"{_runtime}/gunicorn-{bind.rsplit(':', 1)[-1]}.ctl"
)
# Requests and errors to stdout/stderr: journald keeps them (kaa_web/deploy/kaa-web.service).
accesslog = "-"
errorlog = "-"
# The address and path only: a query string may hold filters, never search words (POST).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
