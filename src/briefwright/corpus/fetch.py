"""The network, only when asked: fetching one URL for `add URL` and `refresh`.

Each request has a time limit (for the whole download, not only each read) and a
size limit, speaks only http and https, and follows at most a few redirects, each
one checked like the first URL and recorded. With `allow_private=False` (what
`refresh` does unless told otherwise), a host that resolves to a loopback,
private, link-local or otherwise reserved address is refused before any request
is made, so that a catalog from elsewhere cannot reach the machine's own network.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from .. import __version__
from ..errors import BriefwrightError

TIME_LIMIT = 20.0            # seconds for one whole download
SIZE_LIMIT = 25_000_000      # bytes
REDIRECT_LIMIT = 5
CHUNK = 65536
SCHEMES = ("http", "https")


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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None   # redirects are followed by `fetch`, which checks each one


def fetch(url: str, *, allow_private: bool = True, time_limit: float = TIME_LIMIT,
          size_limit: int = SIZE_LIMIT, redirect_limit: int = REDIRECT_LIMIT) -> Fetched:
    """Download `url`, following up to `redirect_limit` checked redirects."""
    opener = urllib.request.build_opener(_NoRedirects, urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + time_limit
    current, redirects = url, []
    while True:
        check_url(current, allow_private=allow_private)
        response = _open(opener, current, deadline, time_limit)
        if response.status in (301, 302, 303, 307, 308):
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
            data = _read(response, url, deadline, time_limit, size_limit)
        return Fetched(url, current, data, response.headers.get("Content-Type"), redirects)


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse a URL that is not http(s) or, unless allowed, names a private address."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        raise FetchError(f"{url}: only http and https URLs are fetched")
    if allow_private:
        return
    for address in _addresses(parts.hostname, parts.port, url):
        kind = private_kind(address)
        if kind:
            raise FetchError(f"{url}: refused: {parts.hostname} is {kind} address ({address}); "
                             "pass --allow-private to fetch it anyway")


def private_kind(address: str) -> str | None:
    """`a loopback`, `a private`, `a link-local` … for an address that is not public, else None."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for test, kind in ((ip.is_loopback, "a loopback"), (ip.is_link_local, "a link-local"),
                       (ip.is_private, "a private"), (ip.is_multicast, "a multicast"),
                       (ip.is_unspecified, "an unspecified"), (ip.is_reserved, "a reserved")):
        if test:
            return kind
    return None


def _addresses(host: str, port: int | None, url: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise FetchError(f"{url}: cannot find the host {host} ({error.strerror})") from None
    return sorted({info[4][0] for info in infos})


def _open(opener, url: str, deadline: float, time_limit: float):
    request = urllib.request.Request(url, headers={"User-Agent": f"briefwright/{__version__}",
                                                   "Accept": "text/html, application/pdf, */*;q=0.5"})
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError(f"{url}: no complete answer within {time_limit:g} seconds")
    try:
        return opener.open(request, timeout=remaining)
    except urllib.error.HTTPError as error:
        if error.code in (301, 302, 303, 307, 308):
            return error
        raise FetchError(f"{url}: the server answered {error.code} {error.reason}") from None
    except (TimeoutError, socket.timeout):
        raise FetchError(f"{url}: no answer within {time_limit:g} seconds") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise FetchError(f"{url}: no answer within {time_limit:g} seconds") from None
        raise FetchError(f"{url}: cannot be fetched ({getattr(reason, 'strerror', None) or reason})") from None


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
