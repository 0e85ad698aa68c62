"""The safe fetcher against a real local web server (pytest-httpserver)."""

import socket
import time

import pytest
from werkzeug import Response

from sources.fetching import Fetcher, fetch


@pytest.fixture
def local(settings):
    """The local test server (on 127.0.0.1) may be fetched; nothing else local."""
    settings.NEWSROOM_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
    settings.NEWSROOM_FETCH_OBEY_ROBOTS = False
    settings.NEWSROOM_FETCH_TIMEOUT = 5


def url(httpserver, path):
    return f"http://127.0.0.1:{httpserver.port}{path}"


def test_fetches_html_with_an_honest_user_agent(local, settings, httpserver):
    httpserver.expect_request(
        "/page", headers={"User-Agent": settings.NEWSROOM_FETCH_USER_AGENT}
    ).respond_with_data("<title>Hi</title><p>Body</p>", content_type="text/html")
    got = fetch(url(httpserver, "/page"))
    assert got.ok, got.reason
    assert got.status == 200
    assert got.content_type.startswith("text/html")
    assert got.body == b"<title>Hi</title><p>Body</p>"
    assert settings.NEWSROOM_NAME in settings.NEWSROOM_FETCH_USER_AGENT


def test_the_host_header_names_the_host_not_the_address(local, httpserver):
    httpserver.expect_request(
        "/h", headers={"Host": f"127.0.0.1:{httpserver.port}"}
    ).respond_with_data("ok")
    assert fetch(url(httpserver, "/h")).body == b"ok"


def test_redirects_are_followed_and_recorded(local, httpserver):
    httpserver.expect_request("/old").respond_with_response(
        Response(status=301, headers={"Location": "/new"})
    )
    httpserver.expect_request("/new").respond_with_data("moved here")
    got = fetch(url(httpserver, "/old"))
    assert got.ok
    assert got.final_url == url(httpserver, "/new")
    assert got.redirects == [{"url": url(httpserver, "/old"), "status": 301}]


def test_too_many_redirects_are_refused(local, settings, httpserver):
    settings.NEWSROOM_FETCH_MAX_REDIRECTS = 2
    for n in range(4):
        httpserver.expect_request(f"/r{n}").respond_with_response(
            Response(status=302, headers={"Location": f"/r{n + 1}"})
        )
    got = fetch(url(httpserver, "/r0"))
    assert got.outcome == "refused"
    assert "more than 2 redirects" in got.reason


def test_the_body_is_cut_at_the_size_limit(local, settings, httpserver):
    settings.NEWSROOM_FETCH_MAX_BYTES = 10_000
    httpserver.expect_request("/big").respond_with_data(b"x" * 200_000)
    got = fetch(url(httpserver, "/big"))
    assert got.ok
    assert got.truncated
    assert len(got.body) == 10_000


def test_a_server_that_does_not_answer_in_time_fails(local, settings, httpserver):
    settings.NEWSROOM_FETCH_TIMEOUT = 0.3

    def slow(request):
        time.sleep(1.2)  # the server is slow; the test does not wait for it
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    started = time.monotonic()
    got = fetch(url(httpserver, "/slow"))
    assert got.outcome == "failed"
    assert got.timed_out
    assert time.monotonic() - started < 1.0


def test_a_pdf_is_fetched_as_bytes(local, httpserver):
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
    httpserver.expect_request("/doc.pdf").respond_with_data(
        pdf, content_type="application/pdf"
    )
    got = fetch(url(httpserver, "/doc.pdf"))
    assert got.body == pdf
    assert got.content_type == "application/pdf"


@pytest.mark.parametrize(
    "address, why",
    [
        ("http://127.0.0.1:{port}/", "loopback"),
        ("http://10.1.2.3:{port}/", "private"),
        ("http://192.168.0.10/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]:{port}/", "loopback"),
        ("http://[::ffff:127.0.0.1]:{port}/", "loopback"),
        ("http://0.0.0.0:{port}/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://localhost:{port}/", "loopback"),
    ],
)
def test_private_addresses_are_refused(settings, httpserver, address, why):
    settings.NEWSROOM_FETCH_OBEY_ROBOTS = False
    httpserver.expect_request("/").respond_with_data("inside")
    got = fetch(address.format(port=httpserver.port))
    assert got.outcome == "refused"
    assert why in got.reason
    assert got.body == b""
    assert httpserver.log == []  # nothing reached the server


@pytest.mark.parametrize(
    "address", ["file:///etc/passwd", "ftp://example.org/", "gopher://x/"]
)
def test_only_http_and_https(address):
    got = fetch(address)
    assert got.outcome == "refused"
    assert "only http and https" in got.reason


def test_credentials_in_the_address_are_refused():
    got = fetch("http://user:pass@example.org/")
    assert got.outcome == "refused"


@pytest.mark.parametrize("target", ["http://10.0.0.1/", "http://[::1]/admin/"])
def test_a_redirect_to_a_private_address_is_refused(local, httpserver, target):
    # 127.0.0.1 stands for a public server here; the address it sends us to
    # is checked like the first.
    httpserver.expect_request("/go").respond_with_response(
        Response(status=302, headers={"Location": target})
    )
    got = fetch(url(httpserver, "/go"))
    assert got.outcome == "refused"
    assert "not on the public web" in got.reason


def test_a_redirect_to_a_name_that_resolves_inside_is_refused(local, httpserver):
    # The same server by name: only the address 127.0.0.1 is let through.
    assert socket.gethostbyname("localhost") == "127.0.0.1"
    target = f"http://localhost:{httpserver.port}/inside"
    httpserver.expect_request("/go").respond_with_response(
        Response(status=302, headers={"Location": target})
    )
    httpserver.expect_request("/inside").respond_with_data("inside")
    got = fetch(url(httpserver, "/go"))
    assert got.outcome == "refused"
    assert "loopback" in got.reason
    assert [r.path for r, _ in httpserver.log] == ["/go"]


def test_an_unknown_name_fails_as_gone():
    got = fetch("http://does-not-exist.invalid/")
    assert got.outcome == "failed"
    assert got.dns


def test_robots_txt_is_obeyed_when_the_settings_say_so(local, settings, httpserver):
    settings.NEWSROOM_FETCH_OBEY_ROBOTS = True
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n"
    )
    httpserver.expect_request("/private/page").respond_with_data("secret")
    httpserver.expect_request("/public").respond_with_data("hello")
    with Fetcher() as fetcher:
        refused = fetcher.fetch(url(httpserver, "/private/page"))
        allowed = fetcher.fetch(url(httpserver, "/public"))
    assert refused.outcome == "refused"
    assert "robots.txt" in refused.reason
    assert allowed.ok
    # robots.txt asked once per host
    assert [r.path for r, _ in httpserver.log] == ["/robots.txt", "/public"]


def test_robots_txt_is_not_asked_when_off(local, httpserver):
    httpserver.expect_request("/p").respond_with_data("x")
    fetch(url(httpserver, "/p"))
    assert [r.path for r, _ in httpserver.log] == ["/p"]


def test_https_keeps_the_name_for_sni_and_the_certificate(settings, tmp_path):
    # A certificate for the name "localhost" only: the fetch connects to the
    # vetted address (127.0.0.1) yet checks the certificate, and sends SNI
    # and Host, for the name.
    import ssl

    import trustme
    from pytest_httpserver import HTTPServer

    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(context)
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    settings.NEWSROOM_FETCH_CA_BUNDLE = str(bundle)
    settings.NEWSROOM_FETCH_ALLOW_HOSTS = ["localhost"]
    settings.NEWSROOM_FETCH_OBEY_ROBOTS = False
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    try:
        server.expect_request(
            "/secure", headers={"Host": f"localhost:{server.port}"}
        ).respond_with_data("over TLS")
        got = fetch(f"https://localhost:{server.port}/secure")
        assert got.ok, got.reason
        assert got.body == b"over TLS"
        assert got.address in ("127.0.0.1", "::1")
        # The same server under its address: the certificate does not name it.
        settings.NEWSROOM_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
        refused = fetch(f"https://127.0.0.1:{server.port}/secure")
        assert refused.outcome == "failed"
        assert "CERTIFICATE" in refused.reason.upper()
    finally:
        server.stop()


# A server that dribbles: one piece every 0.1 s ----------------------------------


@pytest.fixture
def dribbler():
    """
    A raw HTTP server on 127.0.0.1 that answers every request a piece at a
    time, 0.1 s apart, for up to 15 s: ``headers`` sends header lines without
    end, ``body`` sends its headers at once and then the body a byte at a
    time. Its port and mode are set by the test; it stops with the test.
    """
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    state = {"mode": "headers", "stop": threading.Event(), "held": []}

    def serve(conn):
        with conn:
            conn.settimeout(1)
            try:
                conn.recv(65536)  # the request (small, in one piece)
                if state["mode"] == "headers":
                    conn.sendall(b"HTTP/1.1 200 OK\r\n")
                    pieces = (f"X-Slow-{n}: {n}\r\n".encode() for n in range(150))
                elif state["mode"] == "body":
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                        b"Content-Length: 150\r\n\r\n"
                    )
                    pieces = (b"x" for _ in range(150))
                else:  # a body that ends when the connection closes
                    conn.sendall(
                        b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
                        b"Connection: close\r\n\r\n"
                    )
                    pieces = (b"x" for _ in range(150))
                started = time.monotonic()
                for piece in pieces:
                    if state["stop"].is_set():
                        break
                    conn.sendall(piece)
                    time.sleep(0.1)
                state["held"].append(time.monotonic() - started)
            except OSError:
                state["held"].append(time.monotonic() - started)

    def accept():
        while not state["stop"].is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{listener.getsockname()[1]}/page"
    yield state
    state["stop"].set()
    thread.join(2)
    listener.close()


@pytest.mark.parametrize("mode", ["headers", "body", "until-closed"])
def test_a_server_that_dribbles_cannot_hold_a_fetch_past_its_deadline(
    local, settings, dribbler, mode
):
    # Each piece comes well within httpx's per-read time-out: only the
    # deadline of the whole fetch can stop it.
    settings.NEWSROOM_FETCH_TIMEOUT = 1
    dribbler["mode"] = mode
    started = time.monotonic()
    got = fetch(dribbler["url"])
    took = time.monotonic() - started
    assert got.outcome == "failed", got
    assert got.timed_out, got.reason
    assert not got.body  # what came before the deadline is not the page
    assert took < 1.5, f"the fetch took {took:.1f} s"


@pytest.mark.django_db
def test_a_dribbling_server_does_not_hold_up_a_run_of_checks(
    local, settings, dribbler, httpserver, media
):
    from sources import workflow
    from sources.models import Attempt
    from tests.factories import SourceFactory

    settings.NEWSROOM_FETCH_TIMEOUT = 1
    slow = SourceFactory(url=dribbler["url"])
    fine = SourceFactory(url=url(httpserver, "/fine"))
    httpserver.expect_request("/fine").respond_with_data("<title>Fine</title>")
    started = time.monotonic()
    with Fetcher() as fetcher:
        done = workflow.check_many([slow, fine], fetcher=fetcher)
    assert time.monotonic() - started < 2.5
    assert [source for source, _watch, _counted in done] == [slow, fine]
    attempt = Attempt.objects.get(source=slow)
    assert attempt.outcome == "failed"
    assert "took longer than 1 s" in attempt.reason
    assert Attempt.objects.get(source=fine).outcome == "captured"
