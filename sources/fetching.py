"""
A fetcher that is safe to point at any address an editor types (no
server-side request forgery).

Every hop, the first and each redirect, is vetted the same way: http or https
only, no credentials in the address, the host resolved once and every address
it resolves to must be public (not private, loopback, link-local, multicast,
reserved or unspecified); the connection then goes to the vetted address (so
a second, different DNS answer cannot slip in between the check and the
connection), with the name kept in the Host header and in TLS's SNI and
certificate check. Redirects, time and size are bounded; the body is
streamed and cut at the configured maximum.

The time of a whole fetch (every hop: connection, TLS, headers and body) is
bounded by ``NEWSROOM_FETCH_TIMEOUT`` whatever the server does. httpx's
read time-out starts again with each byte, so a server that dribbles its
headers or body could hold a fetch for as long as it likes: each hop's
time-outs are cut to the time left, and a watchdog (``_Watchdog``) shuts
the fetch's connections down at the deadline, which ends any read in
progress; the fetch then fails as timed out. The User-Agent names the
newsroom, and robots.txt is obeyed when the settings say so.

A fetch never raises for what the web does: it returns a ``Fetched`` whose
``outcome`` says what happened (``ok``, ``refused`` with the reason, or
``failed``, with ``dns`` set when the name does not resolve).
"""

import contextlib
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import httpx
from django.conf import settings
from django.utils import timezone

OK, REFUSED, FAILED = "ok", "refused", "failed"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
ROBOTS_MAX_BYTES = 512 * 1024


@dataclass
class Fetched:
    """What one fetch brought back (or why it brought nothing)."""

    url: str
    outcome: str = OK
    reason: str = ""
    final_url: str = ""
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str = ""
    body: bytes = b""
    truncated: bool = False
    redirects: list[dict] = field(default_factory=list)
    address: str = ""
    dns: bool = False  # the name did not resolve
    timed_out: bool = False
    fetched_at: object = None

    @property
    def ok(self) -> bool:
        return self.outcome == OK


# The resolver's answers that say a name does not exist, as opposed to a
# lookup that failed for now (EAI_AGAIN: the resolver is down or slow).
_NO_SUCH_NAME = {
    getattr(socket, name)
    for name in ("EAI_NONAME", "EAI_NODATA")
    if hasattr(socket, name)
}


def lookup_failure(host: str, exc: Exception) -> "Failure":
    """The Failure of a name lookup: ``dns`` only when the name does not exist."""
    if isinstance(exc, socket.gaierror) and exc.errno not in _NO_SUCH_NAME:
        return Failure(f"the name {host} could not be looked up now ({exc})")
    return Failure(f"the name {host} does not resolve ({exc})", dns=True)


class Refusal(Exception):
    """An address the fetcher will not go to; the message says why."""


class Failure(Exception):
    """The web did not answer as it should; the message says how."""

    def __init__(self, message, *, dns=False, timed_out=False, host=""):
        super().__init__(message)
        self.dns = dns
        self.timed_out = timed_out
        self.host = host


def vet_address(ip: str, host: str = "") -> None:
    """Refuse ``ip`` unless it is a public address (or a test's allowed host)."""
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if settings.NEWSROOM_FETCH_ALLOW_PRIVATE:
        return
    if host and host in settings.NEWSROOM_FETCH_ALLOW_HOSTS:
        return
    for kind in (
        "loopback",
        "link_local",
        "multicast",
        "unspecified",
        "reserved",
        "private",
    ):
        if getattr(address, "is_" + kind):
            raise Refusal(
                f"{ip} is a {kind.replace('_', '-')} address, not on the public web"
            )
    if not address.is_global:
        raise Refusal(f"{ip} is not a public address")


def vet_url(url: str) -> tuple[str, str, int, str]:
    """
    The scheme, host, port and vetted IP address to connect to for ``url``;
    ``Refusal`` when the fetcher must not go there, ``Failure`` (dns) when the
    name does not resolve.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refusal(f"not a valid address: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Refusal(f"only http and https addresses are fetched, not {scheme!r}")
    if parts.username or parts.password:
        raise Refusal("addresses with a user name or password are not fetched")
    host = parts.hostname
    if not host:
        raise Refusal("the address has no host")
    port = port or (443 if scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise lookup_failure(host, exc) from exc
    addresses = sorted({info[4][0] for info in infos})
    if not addresses:
        raise Failure(f"the name {host} does not resolve", dns=True)
    # Every address the name has must be public: a name that also points
    # inside would let a later connection land there.
    for ip in addresses:
        vet_address(ip.split("%")[0], host)
    return scheme, host, port, addresses[0]


class _Watchdog:
    """
    Shuts down the connections of one fetch at its deadline, from a timer
    thread: a read blocked on a server that sends a byte now and then ends
    there and then. The connections are learnt from httpcore's ``trace``
    request extension (each TCP connection made, and its TLS socket once
    the handshake is done; connecting and the handshake are bounded by the
    connect time-out, cut to the time left).
    """

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()
        with self._lock:
            self._sockets.clear()

    def trace(self, event: str, info: dict) -> None:
        if not event.endswith(("connect_tcp.complete", "start_tls.complete")):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            late = self.fired
        if late:  # the deadline passed while connecting
            self._shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        # The plain socket's shutdown, also for a TLS socket (whose own would
        # try to talk TLS): the reader in the other thread sees the end.
        with contextlib.suppress(OSError):  # closed already: the fetch is over
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _pinned_request(client, method, url, host, port, ip, headers, watchdog=None):
    """A request for ``url`` sent to ``ip`` with ``host`` kept for Host and SNI."""
    parts = urlsplit(url)
    literal = f"[{ip}]" if ":" in ip else ip
    netloc = f"{literal}:{port}"
    target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    default = 443 if parts.scheme == "https" else 80
    host_header = host if port == default else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" + ("" if port == default else f":{port}")
    extensions = {"sni_hostname": host}
    timeout = None
    if watchdog is not None:
        extensions["trace"] = watchdog.trace
        # No single step may wait past the deadline either.
        left = max(0.001, watchdog.deadline - time.monotonic())
        timeout = httpx.Timeout(min(left, client.timeout.read or left))
    return client.build_request(
        method,
        target,
        headers={**headers, "Host": host_header},
        extensions=extensions,
        **({"timeout": timeout} if timeout is not None else {}),
    )


def _verify():
    bundle = settings.NEWSROOM_FETCH_CA_BUNDLE
    if isinstance(bundle, str) and bundle:
        return ssl.create_default_context(cafile=bundle)
    return True


class Fetcher:
    """Fetches with the newsroom's limits; keeps robots.txt answers per host."""

    def __init__(self, *, obey_robots: bool | None = None):
        self.timeout = float(settings.NEWSROOM_FETCH_TIMEOUT)
        self.max_bytes = int(settings.NEWSROOM_FETCH_MAX_BYTES)
        self.max_redirects = int(settings.NEWSROOM_FETCH_MAX_REDIRECTS)
        self.user_agent = settings.NEWSROOM_FETCH_USER_AGENT
        self.obey_robots = (
            settings.NEWSROOM_FETCH_OBEY_ROBOTS if obey_robots is None else obey_robots
        )
        self._robots: dict[str, RobotFileParser] = {}
        self.client = httpx.Client(
            timeout=httpx.Timeout(self.timeout),
            verify=_verify(),
            follow_redirects=False,
            trust_env=False,  # no proxy from the environment
            # Connections are made to addresses, not names: one kept open for
            # a name must not carry a request for another name on the same
            # address (a CDN's), with the first name's TLS session.
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    def close(self):
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def fetch(self, url: str) -> Fetched:
        """Fetch ``url`` within the limits; never raises for the web's answers."""
        result = Fetched(url=url, fetched_at=timezone.now())
        # One deadline for all of it: robots.txt, every hop, headers and body.
        deadline = time.monotonic() + self.timeout
        try:
            vet_url(url)  # refused or unresolvable before robots.txt is asked
            if self.obey_robots and not self._robots_allow(url, deadline):
                raise Refusal("the site's robots.txt asks us not to fetch this page")
            self._get(url, result, max_bytes=self.max_bytes, deadline=deadline)
        except Refusal as exc:
            result.outcome, result.reason = REFUSED, str(exc)
        except Failure as exc:
            result.outcome, result.reason = FAILED, str(exc)
            result.dns, result.timed_out = exc.dns, exc.timed_out
        return result

    def _get(self, url: str, result: Fetched, *, max_bytes: int, deadline) -> None:
        with _Watchdog(deadline) as watchdog:
            try:
                self._hops(url, result, max_bytes, watchdog)
            except Failure as exc:
                if watchdog.fired and not exc.timed_out:
                    # The watchdog's shutdown looks like a server that hung up.
                    raise Failure(
                        f"{exc.host or 'the site'} took longer than "
                        f"{self.timeout:g} s to answer",
                        timed_out=True,
                    ) from exc
                raise
            if watchdog.fired:
                # A body that ends when the connection closes (no length, not
                # chunked) ends the same way when the watchdog shuts it: what
                # was read is not the page.
                result.body, result.status = b"", None
                raise Failure(
                    f"{urlsplit(url).hostname or 'the site'} took longer than "
                    f"{self.timeout:g} s to answer",
                    timed_out=True,
                )

    def _hops(self, url, result: Fetched, max_bytes: int, watchdog) -> None:
        deadline = watchdog.deadline
        headers = {
            "User-Agent": self.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/pdf,*/*;q=0.5",
            "Accept-Encoding": "identity",
        }
        current = url
        for _hop in range(self.max_redirects + 1):
            if time.monotonic() > deadline:
                raise Failure("the redirects took too long", timed_out=True)
            _scheme, host, port, ip = vet_url(current)
            request = _pinned_request(
                self.client, "GET", current, host, port, ip, headers, watchdog
            )
            try:
                response = self.client.send(request, stream=True)
            except httpx.TimeoutException as exc:
                raise Failure(f"{host} did not answer in time", timed_out=True) from exc
            except httpx.HTTPError as exc:
                why = f"{host}: {type(exc).__name__}: {exc}"
                raise Failure(why, host=host) from exc
            try:
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location:
                    following = urljoin(current, location.strip())
                    result.redirects.append(
                        {"url": current, "status": response.status_code}
                    )
                    current = following
                    continue
                result.final_url = current
                result.address = ip
                result.status = response.status_code
                result.headers = list(response.headers.items())
                result.content_type = response.headers.get("content-type", "")[:200]
                result.body, result.truncated = self._read(
                    response, deadline, max_bytes, host
                )
                return
            finally:
                response.close()
        raise Refusal(f"more than {self.max_redirects} redirects")

    def _read(self, response, deadline, max_bytes, host) -> tuple[bytes, bool]:
        chunks, size = [], 0
        try:
            for chunk in response.iter_raw():
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    return b"".join(chunks)[:max_bytes], True
                # The per-read time-out does not stop a server that drips
                # one byte at a time: the whole fetch has a deadline too.
                if time.monotonic() > deadline:
                    raise Failure(
                        f"{host} took too long to send the page", timed_out=True
                    )
        except httpx.TimeoutException as exc:
            raise Failure(f"{host} stopped sending in time", timed_out=True) from exc
        except httpx.HTTPError as exc:
            raise Failure(f"{host}: {type(exc).__name__}: {exc}", host=host) from exc
        return b"".join(chunks), False

    def _robots_allow(self, url: str, deadline: float) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        parser = self._robots.get(origin)
        if parser is None:
            parser = RobotFileParser()
            fetched = Fetched(url=origin + "/robots.txt")
            try:
                self._get(
                    fetched.url, fetched, max_bytes=ROBOTS_MAX_BYTES, deadline=deadline
                )
            except (Refusal, Failure):
                fetched.status = None
            # RFC 9309: a robots.txt that is not there (4xx) asks nothing;
            # one that cannot be read (5xx, no answer) asks us to stay away.
            if fetched.status == 200:
                parser.parse(fetched.body.decode("utf-8", "replace").splitlines())
            elif fetched.status is not None and 400 <= fetched.status < 500:
                parser.allow_all = True
            else:
                parser.disallow_all = True
            self._robots[origin] = parser
        return parser.can_fetch(self.user_agent, url)


def fetch(url: str, **options) -> Fetched:
    """Fetch one address with a fetcher of its own."""
    with Fetcher(**options) as fetcher:
        return fetcher.fetch(url)
