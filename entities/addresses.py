"""
The identity of a source's address: two URLs that name the same document
have the same key, so the source library holds each document once.

The key is for comparing, never for showing: the source keeps the address as
the editor gave it.
"""

import posixpath
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that say how a reader came, not what they read.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wt_mc",
        "cmpid",
        "ncid",
        "sr_share",
        "share",
        "smid",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "hsa_", "at_", "itm_")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters a path keeps as they are; everything else is percent-encoded,
# with upper-case hex, whatever way the editor's browser wrote it.
PATH_SAFE = "/:@!$&'()*+,;=-._~"
QUERY_SAFE = "/:@!$'()*,;-._~?"


def is_tracking(name: str) -> bool:
    """Whether query parameter ``name`` only tracks the reader."""
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def url_key(url: str) -> str:
    """
    The key under which ``url`` is unique in the source library ("" for no
    address, or one that is not http(s)).

    Equal for addresses that differ only in the case of the scheme or the
    host, http or https, a default port, a trailing slash or ``index.html``,
    dot segments, the case or need of percent-escapes, tracking parameters
    (``utm_*``, ``fbclid``, ``gclid`` ...), the order of the other parameters,
    or a fragment (``#section``). The path's case and the other parameters'
    values still tell documents apart.
    """
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in DEFAULT_PORTS or not host:
        return ""
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        host = host.lower()
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    # http and https serve the same document; so do the addresses with and
    # without the name and password of whoever logged in.
    return urlunsplit(("https", host, _path(parts.path), _query(parts.query), ""))


def _path(path: str) -> str:
    path = quote(unquote(path), safe=PATH_SAFE)
    if not path:
        return "/"
    collapsed = re.sub(r"/{2,}", "/", path)
    normal = posixpath.normpath(collapsed)
    if normal in (".", "/", "//"):
        return "/"
    if normal.endswith(("/index.html", "/index.htm")):
        normal = normal.rsplit("/", 1)[0] or "/"
    return normal.rstrip("/") or "/"


def _query(query: str) -> str:
    pairs = [
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if not is_tracking(name)
    ]
    return urlencode(sorted(pairs), safe=QUERY_SAFE, quote_via=quote)
