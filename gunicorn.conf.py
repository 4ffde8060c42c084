"""gunicorn's settings for desk: `gunicorn -c gunicorn.conf.py wsgi:app` (the README's deployment lines).

The access log keeps the path and never the query string or the referrer: staff searches
(`/staff/cases?q=<name or phone>`) and the sign-in page's `next=` would otherwise write
personal data to it. Everything else may be overridden on the command line.
"""

import os

bind = os.environ.get("DESK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("DESK_WORKERS", "3"))
# Threaded workers: a slow client holds one thread, not a whole worker, and desk.bodies
# answers 408 to a body that takes longer than DESK_BODY_TIMEOUT; /healthz stays answered
# (8 threads: gunicorn may queue several connections on one worker, so even six slow
# clients on one worker leave it threads to spare).
worker_class = "gthread"
threads = int(os.environ.get("DESK_THREADS", "8"))
accesslog = "-"
errorlog = "-"
# %(U)s is the path without the query; no %(r)s (the request line), %(f)s (referrer) or %(q)s.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'
