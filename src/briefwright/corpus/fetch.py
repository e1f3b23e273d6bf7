"""The network, only when asked: fetching one URL for `add URL` and `refresh`.

Each request has a time limit (for the whole download, not only each read) and a
size limit, speaks only http and https, and follows at most a few redirects, each
one checked like the first URL and recorded. With `allow_private=False` (what
`refresh` does unless told otherwise), a host that resolves to a loopback,
private, link-local or otherwise reserved address is refused before any request
is made, so that a catalog from elsewhere cannot reach the machine's own network.

Against DNS rebinding (a name that answers a public address when checked and a
private one when connected to), each host is resolved once per request: the
connection goes to the very address that was checked, while the request keeps the
host's name in its Host header and, for https, as the TLS server name (so the
certificate is still checked against the name).
"""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass, field

from .. import __version__
from ..errors import BriefwrightError

TIME_LIMIT = 20.0            # seconds for one whole download
SIZE_LIMIT = 25_000_000      # bytes
REDIRECT_LIMIT = 5
CHUNK = 65536
SCHEMES = ("http", "https")
REDIRECTS = (301, 302, 303, 307, 308)


class FetchError(BriefwrightError):
    """A URL that could not or may not be fetched."""


@dataclass
class Fetched:
    url: str                         # the URL asked for
    final_url: str                   # where the document came from, after redirects
    data: bytes
    content_type: str | None
    redirects: list[str] = field(default_factory=list)   # each URL redirected to, in order
    fetched_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))


def fetch(url: str, *, allow_private: bool = True, time_limit: float = TIME_LIMIT,
          size_limit: int = SIZE_LIMIT, redirect_limit: int = REDIRECT_LIMIT,
          tls: ssl.SSLContext | None = None) -> Fetched:
    """Download `url`, following up to `redirect_limit` checked redirects (`tls`: the https context)."""
    deadline = time.monotonic() + time_limit
    current, redirects = url, []
    while True:
        addresses = check_url(current, allow_private=allow_private)
        response = _open(current, addresses, deadline, time_limit, tls)
        if response.status in REDIRECTS:
            target = urllib.parse.urljoin(current, response.headers.get("Location", ""))
            response.close()
            if len(redirects) >= redirect_limit:
                raise FetchError(f"{url}: more than {redirect_limit} redirects (last to {target})")
            if urllib.parse.urlsplit(target).scheme.lower() not in SCHEMES:
                raise FetchError(f"{url}: redirected to {target}: only http and https URLs are fetched")
            redirects.append(target)
            current = target
            continue
        with response:
            if response.status >= 400:
                raise FetchError(f"{url}: the server answered {response.status} {response.reason}")
            data = _read(response, url, deadline, time_limit, size_limit)
        return Fetched(url, current, data, response.headers.get("Content-Type"), redirects)


def check_url(url: str, *, allow_private: bool) -> list[str]:
    """Resolve the host of an http(s) `url` once and return its addresses, the only ones to connect to.

    Refused: another scheme and, unless `allow_private`, a host with any loopback,
    private, link-local or reserved address among its addresses.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise FetchError(f"{url}: only http and https URLs are fetched")
    addresses = _addresses(parts.hostname, _port(parts), url)
    for address in addresses if not allow_private else []:
        kind = private_kind(address)
        if kind:
            raise FetchError(f"{url}: refused: {parts.hostname} is {kind} address ({address}); "
                             "pass --allow-private to fetch it anyway")
    return addresses


def private_kind(address: str) -> str | None:
    """`a loopback`, `a private`, `a link-local` … for an address that is not public, else None."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for test, kind in ((ip.is_loopback, "a loopback"), (ip.is_link_local, "a link-local"),
                       (ip.is_private, "a private"), (ip.is_multicast, "a multicast"),
                       (ip.is_unspecified, "an unspecified"), (ip.is_reserved, "a reserved"),
                       (not ip.is_global, "a non-public")):  # e.g. 100.64.0.0/10, carrier-grade NAT
        if test:
            return kind
    return None


def _port(parts: urllib.parse.SplitResult) -> int:
    try:
        port = parts.port
    except ValueError:
        raise FetchError(f"{parts.geturl()}: the port is not a number from 1 to 65535") from None
    return port or (443 if parts.scheme.lower() == "https" else 80)


def _addresses(host: str, port: int, url: str) -> list[str]:
    """The host's addresses, in the resolver's order (the order they are tried in)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"{url}: cannot find the host {host} ({getattr(error, 'strerror', error)})") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise FetchError(f"{url}: cannot find the host {host}")
    return addresses


def _connection(parts: urllib.parse.SplitResult, addresses: list[str], timeout: float,
                tls: ssl.SSLContext | None) -> http.client.HTTPConnection:
    """A connection to one of `addresses` that still names the URL's host (Host header, TLS server name)."""
    port = _port(parts)
    if parts.scheme.lower() == "https":
        connection = http.client.HTTPSConnection(parts.hostname, port, timeout=timeout,
                                                 context=tls or ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(parts.hostname, port, timeout=timeout)

    def connect_to_checked_address(host_and_port, *args):
        failure = OSError(f"no address of {parts.hostname} answered")
        for address in addresses:  # each was checked: never the name resolved again
            try:
                return socket.create_connection((address, host_and_port[1]), *args)
            except OSError as error:
                failure = error
        raise failure

    connection._create_connection = connect_to_checked_address  # http.client's hook for opening the socket
    return connection


def _open(url: str, addresses: list[str], deadline: float, time_limit: float, tls: ssl.SSLContext | None):
    """Send the GET request for `url` to the first of `addresses` that answers; return the response."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError(f"{url}: no complete answer within {time_limit:g} seconds")
    parts = urllib.parse.urlsplit(url)
    connection = _connection(parts, addresses, remaining, tls)
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    try:
        connection.request("GET", target, headers={"User-Agent": f"briefwright/{__version__}",
                                                   "Accept": "text/html, application/pdf, */*;q=0.5",
                                                   "Accept-Encoding": "identity", "Connection": "close"})
        return connection.getresponse()
    except (TimeoutError, socket.timeout):
        connection.close()
        raise FetchError(f"{url}: no answer within {time_limit:g} seconds") from None
    except ssl.SSLError as error:
        connection.close()
        raise FetchError(f"{url}: cannot be fetched (TLS: {error.reason or error})") from None
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        raise FetchError(f"{url}: cannot be fetched ({getattr(error, 'strerror', None) or error})") from None


def _read(response, url: str, deadline: float, time_limit: float, size_limit: int) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > size_limit:
        raise FetchError(f"{url}: {int(declared):,} bytes, above the limit of {size_limit:,}")
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"{url}: no complete answer within {time_limit:g} seconds")
        try:
            chunk = response.read(CHUNK)
        except (TimeoutError, socket.timeout):
            raise FetchError(f"{url}: no complete answer within {time_limit:g} seconds") from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > size_limit:
            raise FetchError(f"{url}: larger than the limit of {size_limit:,} bytes")
        chunks.append(chunk)
