"""gunicorn settings for border-trade (`gunicorn -c gunicorn.conf.py wsgi:app`); each can be overridden by env."""

import multiprocessing
import os
import shutil
import tempfile

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# sync workers: requests are short and database-bound; 2 × cores + 1 is gunicorn's advice
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a PDF report may take seconds, never a minute
graceful_timeout = 30
keepalive = 5
# a worker is recycled (against slow leaks) after this many requests; loading the app costs ~2 s of CPU, so at the
# gates' 100 requests/s 2000 meant a restart per worker every ~40 s (docs/benchmarks.md, "max_requests restarts")
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# behind nginx on the same machine (X-Forwarded-* are read by ProxyFix, PROXY_COUNT in config.py)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'

# Prometheus: every worker writes its samples here, /metrics adds them up
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="border-trade-metrics-")


def on_starting(server):
    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, exist_ok=True)


def child_exit(server, worker):
    from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

    GunicornInternalPrometheusMetrics.mark_process_dead_on_child_exit(worker.pid)
