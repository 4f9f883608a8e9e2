"""Where a webhook may go: checked when an endpoint is registered and again at
connect time, against the addresses the name resolves to then, so a name that
later resolves to a private address (DNS rebinding) is still refused."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from hiring.errors import Invalid


class TargetRefused(Invalid):
    """The URL points somewhere Criba does not send data."""

    default_code = "target_refused"


def _allow_private() -> bool:
    return bool(settings.CRIBA_WEBHOOK_ALLOW_PRIVATE)


# IPv6 prefixes that carry an IPv4 address a router may translate to: NAT64
# (RFC 6052's well-known prefix and RFC 8215's local-use one). 6to4 (2002::/16)
# and IPv4-compatible addresses (::a.b.c.d) are read by `_embedded_ipv4`.
_NAT64 = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("64:ff9b:1::/48"),
)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it stands for one."""
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if int(address) >> 32 == 0 and int(address) > 1:  # ::a.b.c.d (deprecated)
        return ipaddress.IPv4Address(int(address))
    return None


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            # The IPv4 address must be public, and so must the wrapper: the
            # local-use NAT64 prefix reaches a site's own network whatever follows.
            if address in _NAT64[1]:
                return False
            return _public(embedded)
    return address.is_global and not address.is_multicast


def target_parts(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of an acceptable URL, or TargetRefused."""
    # Spaces, control characters (NUL among them) and halves of surrogate pairs
    # belong in no URL, and PostgreSQL could not even store the last two.
    if any(ch <= " " or ch == "\x7f" or "\ud800" <= ch <= "\udfff" for ch in url):
        raise TargetRefused(_("This is not a valid URL."))
    try:
        parts = urlsplit(url)
        port = parts.port  # ValueError past 65535 or when not digits
    except ValueError:
        raise TargetRefused(_("This is not a valid URL.")) from None
    if port == 0:  # no server listens there; not "the default port"
        raise TargetRefused(_("This is not a valid URL."))
    scheme = parts.scheme.lower()
    if scheme not in {"https", "http"} or not parts.hostname:
        raise TargetRefused(_("Webhook URLs start with https://."))
    if scheme == "http" and not (settings.DEBUG or _allow_private()):
        raise TargetRefused(_("Webhook URLs must use HTTPS."))
    if parts.username or parts.password:
        raise TargetRefused(_("Put no user name or password in the URL."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default = 443 if scheme == "https" else 80
    return scheme, parts.hostname, default if port is None else port, path


def target_addresses(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to now, all of them public, or TargetRefused."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise TargetRefused(
            _("The name %(host)s does not resolve.") % {"host": host}
        ) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not _allow_private():
        for address in addresses:
            if not _public(ipaddress.ip_address(address.split("%")[0])):
                raise TargetRefused(
                    _(
                        "%(host)s resolves to %(address)s, which is not on the "
                        "public internet (a private, loopback, link-local or "
                        "reserved address); Criba sends webhooks only to public "
                        "addresses."
                    )
                    % {"host": host, "address": address}
                )
    return addresses


def target_check(url: str) -> None:
    """Refuse a URL Criba would not send to, naming the reason."""
    _scheme, host, port, _path = target_parts(url)
    target_addresses(host, port)
