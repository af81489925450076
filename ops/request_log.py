"""One log line per request (method, path, status, duration, request id), as JSON when
``LOG_FORMAT=json``; the request id comes from ``X-Request-ID`` when a proxy sets one and is sent
back in the response's ``X-Request-ID``."""

import json
import logging
import re
import time
import uuid

logger = logging.getLogger("fractal.request")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
# Attributes every LogRecord has; anything else was passed with ``extra=`` and is logged.
STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        offered = request.headers.get("X-Request-ID", "")
        request.request_id = offered if REQUEST_ID.match(offered) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "user_id": getattr(getattr(request, "user", None), "pk", None),
            },
        )
        return response


class JsonFormatter(logging.Formatter):
    """A JSON object per line: time, level, logger, message, the ``extra`` fields, any traceback."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)

    def formatTime(self, record, datefmt=None):
        return time.strftime(datefmt, time.gmtime(record.created))
