"""gunicorn's configuration: ``gunicorn -c config/gunicorn.py config.wsgi``.

Its access log prints the request line and the Referer of every request, which
for a candidate's first visit is ``/take/<token>/``; the logger below writes them
without the token. Everything else comes from gunicorn's own environment
variables (``GUNICORN_CMD_ARGS``) or the command line.
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
