"""Receivers of other packages' signals; each hands over to a service."""

from __future__ import annotations

from hiring.services import login_lockout_record


def login_lockout_audit(sender, request, username, ip_address, **kwargs) -> None:
    """axes' ``user_locked_out``: audit the failure that started a lockout.

    axes sends the signal again for every attempt refused while locked; those
    carry no failure count and are not audited again.
    """
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    login_lockout_record(username=username, ip_address=ip_address)
