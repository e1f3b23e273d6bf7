"""`add URL` and `refresh` against a real HTTP server on 127.0.0.1: a page, then a changed version;
404, timeout, too large, redirects (recorded; refused to file:// and ftp://), private addresses."""

from __future__ import annotations

import socket
import ssl
import subprocess

import pytest

from briefwright.corpus.fetch import FetchError, check_url, fetch, private_kind

from . import import_fixtures as fixtures
from .import_helpers import Site, snapshot

HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def site():
    served = Site()
    yield served
    served.close()


def test_add_url_fetches_keeps_the_original_and_records_url_and_access(run, workspace, site):
    site.pages["/article"] = (200, HTML, fixtures.news_page(headline=fixtures.TEST_HEADLINE))
    result = run("add", site.url("/article"), "--id", "caspian-web")
    assert result.exit_code == 0, result.output
    assert (workspace.seeds / "originals" / "caspian-web.html").read_bytes() == fixtures.news_page(headline=fixtures.TEST_HEADLINE)
    catalog = workspace.catalog.read_text(encoding="utf-8")
    assert f"URL: \"{site.url('/article')}\"" in catalog
    assert "accessed: {date-parts: [[" in catalog
    assert site.requests == ["/article"]


def test_refresh_reports_the_drift_of_every_affected_quotation(run, workspace, site, write_outline):
    site.pages["/article"] = (200, HTML, fixtures.news_page(headline=fixtures.TEST_HEADLINE))
    assert run("add", site.url("/article"), "--id", "caspian-web").exit_code == 0
    write_outline("""
        title: "Web"
        sections:
          - heading: One
            body:
              - '"the only country in the world"[@caspian-web] and "sign of solidarity"[@caspian-web].'
    """, "web.yaml")
    assert run("build", "briefs/web.yaml").exit_code == 0
    paragraphs = fixtures.news_article_paragraphs()
    moved = [paragraphs[9]] + paragraphs[:9] + paragraphs[10:]      # para. 10 becomes para. 1
    moved[0] = moved[0].replace("the only country in the world", "the sole country in the world")
    site.pages["/article"] = (200, HTML, fixtures.news_page(moved, headline=fixtures.TEST_HEADLINE))
    result = run("refresh", "--allow-private")
    assert result.exit_code == 0, result.output
    assert "caspian-web: updated" in result.output
    assert "briefs/web.yaml: stale: source caspian-web" in result.output
    assert "edited: caspian-web, para. 10 now reads differently in para. 1" in result.output
    assert "the [-only-] {+sole+} country" in result.output
    assert "moved:" in result.output and "is now para. 1 (was para. 10)" in result.output
    assert len(list((workspace.seeds / "originals" / "history").iterdir())) == 1
    status = run("status", "briefs/web.yaml").output
    assert "edited: caspian-web" in status
    assert run("build", "briefs/web.yaml").exit_code == 1      # an edited quotation fails its brief


def test_refresh_unchanged_page_writes_nothing(run, workspace, site):
    site.pages["/article"] = (200, HTML, fixtures.news_page(headline=fixtures.TEST_HEADLINE))
    assert run("add", site.url("/article"), "--id", "caspian-web").exit_code == 0
    before = snapshot(workspace.root)
    result = run("refresh", "caspian-web", "--allow-private")
    assert result.exit_code == 0 and "caspian-web: unchanged" in result.output
    assert snapshot(workspace.root) == before


def test_refresh_refuses_loopback_without_allow_private(run, workspace, site):
    site.pages["/article"] = (200, HTML, fixtures.news_page(headline=fixtures.TEST_HEADLINE))
    assert run("add", site.url("/article"), "--id", "caspian-web").exit_code == 0
    site.requests.clear()
    before = snapshot(workspace.root)
    result = run("refresh")
    assert result.exit_code == 1
    assert "127.0.0.1 is a loopback address" in result.output and "--allow-private" in result.output
    assert "trt-2021: skipped: its text was not made by briefwright add" in result.output
    assert site.requests == []
    assert snapshot(workspace.root) == before


def test_refresh_unknown_id_is_an_error(run):
    result = run("refresh", "nobody")
    assert result.exit_code == 1 and "unknown source 'nobody'" in result.output


def test_add_url_404_writes_nothing(run, workspace, site):
    before = snapshot(workspace.root)
    result = run("add", site.url("/missing"))
    assert result.exit_code == 1
    assert "the server answered 404" in result.output and "Traceback" not in result.output
    assert snapshot(workspace.root) == before


def test_timeout(site):
    site.pages["/slow"] = (200, HTML, b"<html>late</html>", 3)
    with pytest.raises(FetchError, match="no answer within 0.5 seconds|no complete answer within 0.5"):
        fetch(site.url("/slow"), time_limit=0.5)


def test_too_large_body(site):
    site.pages["/big"] = (200, HTML, b"x" * 5000)
    with pytest.raises(FetchError, match="5,000 bytes, above the limit of 1,000"):
        fetch(site.url("/big"), size_limit=1000)


def test_redirects_are_followed_and_recorded(site):
    site.pages["/old"] = (301, {"Location": "/older"}, b"")
    site.pages["/older"] = (302, {"Location": site.url("/article")}, b"")
    site.pages["/article"] = (200, HTML, b"<html>here</html>")
    fetched = fetch(site.url("/old"))
    assert fetched.redirects == [site.url("/older"), site.url("/article")]
    assert fetched.final_url == site.url("/article") and fetched.data == b"<html>here</html>"


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/file.html"])
def test_redirect_to_another_scheme_is_refused(site, target):
    site.pages["/jump"] = (302, {"Location": target}, b"")
    with pytest.raises(FetchError, match=f"redirected to {target}: only http and https"):
        fetch(site.url("/jump"))


def test_too_many_redirects(site):
    site.pages["/loop"] = (302, {"Location": "/loop"}, b"")
    with pytest.raises(FetchError, match="more than 2 redirects"):
        fetch(site.url("/loop"), redirect_limit=2)


def test_private_hosts_are_refused_before_any_request():
    with pytest.raises(FetchError, match="10.0.0.1 is a private address"):
        check_url("http://10.0.0.1/inside", allow_private=False)
    with pytest.raises(FetchError, match="localhost is a loopback address"):
        check_url("http://localhost:9/", allow_private=False)


def test_add_refuses_other_schemes(run, workspace):
    before = snapshot(workspace.root)
    result = run("add", "ftp://example.org/article.html")
    assert result.exit_code == 1 and "only http and https URLs are fetched" in result.output
    assert snapshot(workspace.root) == before


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "a loopback"), ("::1", "a loopback"), ("10.1.2.3", "a private"), ("192.168.0.9", "a private"),
    ("169.254.169.254", "a link-local"), ("fe80::1", "a link-local"), ("::ffff:127.0.0.1", "a loopback"),
    ("100.64.0.1", "a non-public"), ("93.184.216.34", None),
])
def test_private_kinds(address, kind):
    assert private_kind(address) == kind


def test_refresh_refuses_a_name_that_resolves_to_loopback(run, workspace, site):
    """`localhost` is a name, not an address: it is resolved, and its 127.0.0.1 refused without --allow-private."""
    local = site.url("/article").replace("127.0.0.1", "localhost")
    site.pages["/article"] = (200, HTML, fixtures.news_page(headline=fixtures.TEST_HEADLINE))
    assert run("add", local, "--id", "caspian-web").exit_code == 0   # typed by the editor: allowed
    assert site.hosts == [f"localhost:{site.server.server_port}"]     # the name kept in the Host header
    site.requests.clear()
    refused = run("refresh", "caspian-web")
    assert refused.exit_code == 1
    assert "refused: localhost is a loopback address" in refused.output and "--allow-private" in refused.output
    assert site.requests == []
    allowed = run("refresh", "caspian-web", "--allow-private")
    assert allowed.exit_code == 0 and "caspian-web: unchanged" in allowed.output
    assert site.requests == ["/article"]


@pytest.fixture
def rebinding_dns(monkeypatch):
    """A hostile name server: `rebind.example` answers a public address the first time it is asked,
    then 127.0.0.1 (the classic DNS rebinding). Every other name is resolved as usual. Connections to
    the public address fail as an unreachable host does, so nothing leaves the machine."""
    real_resolve, real_connect = socket.getaddrinfo, socket.create_connection
    public, asked, connected = "93.184.215.14", [], []

    def resolve(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real_resolve(host, port, *args, **kwargs)
        asked.append(host)
        address = public if len(asked) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    def connect(address, *args, **kwargs):
        connected.append(address[0])
        if address[0] == public:
            raise ConnectionRefusedError(111, "Connection refused")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket, "create_connection", connect)
    return asked, connected


def test_a_rebinding_name_is_resolved_once_and_never_reaches_the_local_network(site, rebinding_dns):
    asked, connected = rebinding_dns
    site.pages["/secret"] = (200, HTML, b"<html>inside</html>")
    url = site.url("/secret").replace("127.0.0.1", "rebind.example")
    with pytest.raises(FetchError, match="cannot be fetched"):
        fetch(url, allow_private=False)
    assert asked == ["rebind.example"]           # once: the address checked is the address connected to
    assert connected == ["93.184.215.14"]
    assert site.requests == []                   # the local server was never reached


def test_each_redirect_is_resolved_and_keeps_its_host_name(site):
    port = site.server.server_port
    site.pages["/old"] = (302, {"Location": f"http://localhost:{port}/article"}, b"")
    site.pages["/article"] = (200, HTML, b"<html>here</html>")
    fetched = fetch(site.url("/old"))
    assert fetched.data == b"<html>here</html>" and site.requests == ["/old", "/article"]
    assert site.hosts == [f"127.0.0.1:{port}", f"localhost:{port}"]
    with pytest.raises(FetchError, match="localhost is a loopback address"):
        fetch(f"http://localhost:{port}/old", allow_private=False)


def test_https_is_checked_against_the_host_name_while_connecting_to_its_address(site, tmp_path):
    """A certificate for `localhost` is accepted for https://localhost/, whose address is 127.0.0.1 (the TLS
    server name is the URL's host), and refused for https://127.0.0.1/ (not the name it was made for)."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)
    site.server.socket = server_side.wrap_socket(site.server.socket, server_side=True)
    site.pages["/article"] = (200, HTML, b"<html>secure</html>")
    trusting = ssl.create_default_context(cafile=str(cert))
    port = site.server.server_port
    assert fetch(f"https://localhost:{port}/article", tls=trusting).data == b"<html>secure</html>"
    assert site.hosts == [f"localhost:{port}"]
    with pytest.raises(FetchError, match="TLS"):
        fetch(f"https://127.0.0.1:{port}/article", tls=trusting)
