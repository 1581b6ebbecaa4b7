"""Warnings about a service that is away, at most one line per interval.

During an outage the same failure happens on every request, push or handshake: a line (and a
traceback) each time buries the logs and costs CPU when the process can least afford it. An
`OutageLog` writes the first failure as a warning and then stays quiet for `every` seconds,
saying in its next line how many failures it left out. One clock per instance, per process.
"""

import threading
import time

LOG_EVERY = 30  # seconds


class OutageLog:
    def __init__(self, logger, every=LOG_EVERY):
        self.logger = logger
        self.every = every
        self._last = None
        self._left_out = 0
        self._lock = threading.Lock()  # pushes fail in database threads and in the event loop

    def warning(self, message, *args):
        """Log `message % args` unless a line was written less than `every` seconds ago."""
        with self._lock:
            now = time.monotonic()
            if self._last is not None and now - self._last < self.every:
                self._left_out += 1
                return
            self._last, left_out, self._left_out = now, self._left_out, 0
        if left_out:
            message += " (and %d more times since the last warning)"
            args = (*args, left_out)
        self.logger.warning(message, *args)

    def reset(self):
        """The service is back: the next failure is news again."""
        with self._lock:
            self._last, self._left_out = None, 0
