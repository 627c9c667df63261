"""Operations: JSON logs carrying the request id, Prometheus metrics at /metrics, proxy headers."""

import logging
import os

from flask import g, has_request_context, request
from prometheus_client import Counter
from pythonjsonlogger.json import JsonFormatter
from werkzeug.middleware.proxy_fix import ProxyFix


class RequestContextFilter(logging.Filter):
    """Add the request id, method and path to every log record made during a request."""

    def filter(self, record):
        if has_request_context():
            record.request_id = g.get("request_id")
            record.method = request.method
            record.path = request.path
        else:
            record.request_id = record.method = record.path = None
        return True


def configure_logging(app):
    """Log JSON lines to stderr when LOG_FORMAT=json (production default); plain text otherwise."""
    if app.config.get("TESTING"):
        return
    handler = logging.StreamHandler()
    handler.addFilter(RequestContextFilter())
    if app.config.get("LOG_FORMAT") == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))


def configure_proxy(app):
    """Trust X-Forwarded-* from the number of proxies in front (PROXY_COUNT, e.g. 1 behind nginx)."""
    count = app.config.get("PROXY_COUNT", 0)
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_prefix=count)


CROSSINGS = Counter("border_trade_crossings_total", "Gate events recorded", ["event", "gate"])
JOB_RUNS = Counter("border_trade_scheduler_runs_total", "Scheduler job runs", ["job", "outcome"])
_EXPORTER = {}


def configure_metrics(app):
    """Expose Prometheus metrics at /metrics: requests and latencies per endpoint, crossings, scheduler runs.

    Under gunicorn with PROMETHEUS_MULTIPROC_DIR set, every worker's samples are aggregated.
    """
    if not app.config.get("METRICS_ENABLED", True) or _EXPORTER:
        # the default registry holds one exporter per process (only tests build several apps)
        return
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics as Metrics
    else:
        from prometheus_flask_exporter import PrometheusMetrics as Metrics
    _EXPORTER["metrics"] = Metrics(app, group_by="endpoint", defaults_prefix="border_trade")
