"""gunicorn's configuration: ``gunicorn -c config/gunicorn.py config.wsgi``.

Its access log prints the request line and the Referer of every request, which
for a candidate's first visit is ``/take/<token>/``; the logger below writes them
without the token. The number of processes comes from ``-w`` (or
``WEB_CONCURRENCY``); anything else may be overridden on the command line or in
``GUNICORN_CMD_ARGS``.
"""

from gunicorn.glogging import Logger

from config.redaction import TokenRedactingFilter, redact


class TokenRedactingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        # The error log names the path of a request that failed.
        for handler in self.error_log.handlers + self.access_log.handlers:
            handler.addFilter(TokenRedactingFilter())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }


logger_class = TokenRedactingLogger
accesslog = "-"

# Threads: a request waiting on PostgreSQL leaves the CPU to the others, and an
# idle kept-alive connection waits on the process's poller, not in a thread.
# Each thread keeps a database connection (DATABASE_CONN_MAX_AGE): a host holds
# up to processes x threads of them, which PostgreSQL's max_connections must
# allow for every web host together.
worker_class = "gthread"
threads = 4
# Longer than the idle timeout of the proxy in front (nginx's upstream
# keepalive_timeout, most load balancers: 60 s), so that the proxy, never
# gunicorn, closes an idle connection: a request the proxy sends just as
# gunicorn closes it would be lost. gthread also waits this long (after 5 s in a
# thread) for the first request on a new connection before closing it.
keepalive = 75
