"""
Login lockout that an outsider can not aim (django-axes, configured).

A lock falls on the pair of a username and the client's address: five
failed logins lock that username from that address for an hour, and the
same person elsewhere, or anyone else from that address, logs in as usual.
So nobody can lock the publisher out before a deadline by typing wrong
passwords under her name from their own machine. An address that fails as
many different usernames (ten within a day: guessing accounts, not
mistyping a password) is locked for every username, for a day, since its
last failure.

The client's address is the connection's (REMOTE_ADDR), unless the request
comes from a proxy in TRUSTED_PROXIES (by default, with HTTPS on, one on
the same machine): then it is the address that proxy saw, the right-most
address in X-Forwarded-For that is not itself a trusted proxy. Addresses a
client writes further left in the header are never read, so they can not
aim a lock at someone else's address; without a trusted proxy the header
is ignored.

``axes_reset_ip`` and ``axes_reset_username`` (and ``axes_reset``) lift
both kinds of lock.
"""

import functools
import ipaddress
import logging
import re
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessFailureLog
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

logger = logging.getLogger(__name__)

_PORT = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3}):\d+$|^\[([0-9A-Fa-f:.]+)\](?::\d+)?$")


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str):
    """An IP address from a header's entry (a port or brackets allowed)."""
    text = text.strip()
    bare = _PORT.match(text)
    if bare:
        text = bare.group(1) or bare.group(2)
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in net for net in networks)


def client_address(request) -> str:
    """The address of the client a request comes from (AXES_CLIENT_IP_CALLABLE)."""
    peer = request.META.get("REMOTE_ADDR", "")
    proxies = _networks(tuple(settings.TRUSTED_PROXIES))
    if not proxies or not _trusted(_address(peer), proxies):
        return peer
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return peer  # a header our proxy did not write: trust none of it
        if not _trusted(address, proxies):
            return str(address)
    return peer


def address_locked(address: str | None) -> bool:
    """Whether ``address`` failed as too many usernames in the last while."""
    if not address:
        return False
    since = timezone.now() - timedelta(hours=settings.NEWSROOM_LOCKOUT_ADDRESS_HOURS)
    usernames = (
        AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=since)
        .values("username")
        .distinct()
        .count()
    )
    return usernames >= settings.NEWSROOM_LOCKOUT_ADDRESS_USERNAMES


class LockoutHandler(AxesDatabaseHandler):
    """
    django-axes' database handler (AXES_HANDLER): the pair of username and
    address as axes counts it, and an address that fails as many usernames.
    """

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if address_locked(getattr(request, "axes_ip_address", None)):
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False):
        count = super().reset_attempts(
            ip_address=ip_address, username=username, ip_or_username=ip_or_username
        )
        # The failure log counts the usernames an address tried: lifting a
        # lock lifts that count too.
        logs = AccessFailureLog.objects.all()
        if ip_or_username:
            logs = logs.filter(ip_address=ip_address) | logs.filter(username=username)
        else:
            if ip_address:
                logs = logs.filter(ip_address=ip_address)
            if username:
                logs = logs.filter(username=username)
        logs.delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (AXES_LOCKOUT_CALLABLE), 429."""
    address = getattr(request, "axes_ip_address", None)
    whole_address = address_locked(address)
    logger.warning(
        "Login locked for %s (%s)",
        address,
        "every username" if whole_address else "one username",
    )
    context = {
        "whole_address": whole_address,
        "hours": settings.NEWSROOM_LOCKOUT_ADDRESS_HOURS,
    }
    return render(
        request, "lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
