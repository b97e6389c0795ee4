"""Gunicorn settings for production. Run from the project folder, with the environment the README describes:

    PORTAL_ENV=production DATABASE_URL=postgresql+psycopg://… REDIS_URL=redis://… SECRET_KEY=… ENCRYPTION_KEY=… \
    AUDIT_HMAC_KEY=… TRUSTED_PROXIES=1 .venv/bin/gunicorn -c gunicorn.conf.py wsgi:app

and one or more workers for background jobs beside it: `.venv/bin/flask --app wsgi jobs work`.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Processes use the cores; one thread each. Our pages spend their time in Python (rendering), so under the GIL more
# threads added no throughput (the finance list: 17 req/s with 4 threads, 37 with 1, on 2 cores), and with 4
# threads a worker crashed (SIGSEGV while collecting garbage) under load on that page: benchmarks/RESULTS.md.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Nothing a request does should take long (slow work is a background job), so a stuck request is ended.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, so a slow leak in any library never grows without bound.
# Not too often: a new worker takes a second or more to start, and requests wait behind it.
max_requests = 50_000
max_requests_jitter = 5_000
# The app is imported in each worker, after the fork: no database or Redis connection is ever shared.
preload_app = False
# The access log names the path without its query string (no personal data is ever in a URL, but be sure).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log (the benchmarks)
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
