"""Pages of the hiring side. Pages that show assessment results live in
assessments/views/, since hiring never imports assessments.

The names settings and the root URLs refer to as ``hiring.views.<name>``.
"""

from hiring.views.account import (
    SignInView,
    bad_request,
    csrf_failure,
    login_locked_out,
)

__all__ = ["SignInView", "bad_request", "csrf_failure", "login_locked_out"]
