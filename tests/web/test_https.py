"""HTTPS: the box's own certificate made on first start and kept, the page over TLS with Secure
cookies and the browser's real address, plain http:// redirected, strangers bounded, and the
fingerprint where the owner can compare it (setup page, System page, console ``net``)."""
from __future__ import annotations

import os
import socket
import ssl
import stat
import subprocess
import threading
import time
import urllib.error
import urllib.request

import bottle
import pytest

from appliance.web import launch, tls, tls_front
from appliance.web.server import WebServer
from tests.web.conftest import FakeLoop


def test_auto_is_https_unless_only_this_machine_can_reach_the_page():
    assert tls.wants_https("auto", "0.0.0.0") and tls.wants_https("auto", "192.168.1.20")
    assert not tls.wants_https("auto", "127.0.0.1") and not tls.wants_https("auto", "::1")
    assert not tls.wants_https("auto", "localhost")
    assert tls.wants_https("on", "127.0.0.1") and not tls.wants_https("off", "0.0.0.0")


def test_the_certificate_is_made_once_private_and_named_for_the_box(tmp_path):
    cert, key = tls.ensure_certificate(tmp_path)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    first = tls.fingerprint(cert)
    assert first.startswith("SHA256 ") and len(first.split()[1].split(":")) == 32
    assert tls.ensure_certificate(tmp_path) == (cert, key) and tls.fingerprint(cert) == first
    text = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-text"],
                          capture_output=True, text=True, check=True).stdout
    assert f"DNS:{socket.gethostname()}.local" in text and "IP Address:127.0.0.1" in text
    assert "prime256v1" in text or "P-256" in text
    # browsers show the same fingerprint: openssl's own SHA-256 of the DER
    shown = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-fingerprint",
                            "-sha256"], capture_output=True, text=True, check=True).stdout
    assert shown.strip().split("=", 1)[1] == first.split()[1]


def test_a_damaged_certificate_is_kept_aside_and_a_new_one_made(tmp_path, caplog):
    cert, key = tls.ensure_certificate(tmp_path)
    old = tls.fingerprint(cert)
    cert.write_text("-----BEGIN CERTIFICATE-----\ngarbage\n")    # a power cut mid-write
    tls.ensure_certificate(tmp_path)
    assert tls.fingerprint(cert) != old
    assert (cert.parent / "cert.pem.bad").read_text().endswith("garbage\n")
    assert "cannot be used" in caplog.text


def test_without_openssl_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(tls.shutil, "which", lambda name: None)
    with pytest.raises(tls.ApplianceError, match="apt-get install openssl"):
        tls.ensure_certificate(tmp_path)
    assert not (tmp_path / "tls" / "key.pem").exists()


@pytest.fixture
def served(tmp_path):
    """An app that echoes what it was told about the request, over HTTPS."""
    app = bottle.Bottle()

    @app.route("/who", method=["GET", "POST"])
    def who():
        env = bottle.request.environ
        return f"{env['REMOTE_ADDR']} {env['wsgi.url_scheme']} {len(bottle.request.body.read())}"
    cert, key = tls.ensure_certificate(tmp_path)
    server = WebServer(app, "127.0.0.1", 0, tls=tls.server_context(cert, key)).start()
    trusted = ssl.create_default_context(cafile=str(cert))
    trusted.check_hostname = False                   # the test reaches it as 127.0.0.1
    yield server, trusted
    server.stop()


def test_the_page_is_served_over_tls_and_knows_the_browsers_address(served):
    server, trusted = served
    assert server.url.startswith("https://")
    with urllib.request.urlopen(f"https://127.0.0.1:{server.port}/who", context=trusted,
                                timeout=5) as reply:
        assert reply.read() == b"127.0.0.1 https 0"
    # from another loopback address: the app sees that one, not the relay's 127.0.0.1
    raw = socket.create_connection(("127.0.0.1", server.port), source_address=("127.0.0.3", 0))
    conn = trusted.wrap_socket(raw)
    conn.sendall(b"GET /who HTTP/1.1\r\nHost: box\r\nConnection: close\r\n\r\n")
    answer = b""
    while chunk := conn.recv(4096):
        answer += chunk
    conn.close()
    assert answer.endswith(b"127.0.0.3 https 0")


def test_a_header_cannot_claim_https_or_another_address_over_plain_http(tmp_path):
    app = bottle.Bottle()
    app.route("/who")(lambda: f"{bottle.request.environ['REMOTE_ADDR']} "
                             f"{bottle.request.environ['wsgi.url_scheme']}")
    server = WebServer(app, "127.0.0.1", 0).start()
    request = urllib.request.Request(server.url + "who", headers={
        "X-Forwarded-Proto": "https", "X-Forwarded-For": "10.9.9.9"})
    assert urllib.request.urlopen(request, timeout=5).read() == b"127.0.0.1 http"
    server.stop()


def test_plain_http_on_the_https_port_is_sent_to_https(served):
    server, _ = served
    conn = socket.create_connection(("127.0.0.1", server.port))
    conn.sendall(b"GET /calls?day=2 HTTP/1.1\r\nHost: raspberrypi.local:8080\r\n\r\n")
    answer = conn.recv(4096).decode()
    conn.close()
    assert answer.startswith("HTTP/1.1 301")
    assert "Location: https://raspberrypi.local:8080/calls?day=2\r\n" in answer
    conn = socket.create_connection(("127.0.0.1", server.port))
    conn.sendall(b"GET / HTTP/1.1\r\nHost: evil.example/@x\r\n\r\n")   # no open redirect
    assert conn.recv(4096).startswith(b"HTTP/1.1 400")
    conn.close()


def test_a_stranger_who_never_handshakes_does_not_hold_up_the_owner(served, monkeypatch):
    server, trusted = served
    silent = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(5)]
    garbage = socket.create_connection(("127.0.0.1", server.port))
    garbage.sendall(b"\x16\x03\x01\x00\x05hello")            # a TLS record that is not
    began = time.monotonic()
    with urllib.request.urlopen(f"https://127.0.0.1:{server.port}/who", context=trusted,
                                timeout=5) as reply:
        assert reply.status == 200
    assert time.monotonic() - began < 2.0
    for conn in [*silent, garbage]:
        conn.close()


def test_connections_beyond_the_limit_are_closed_not_queued(tmp_path, monkeypatch):
    monkeypatch.setattr(tls_front, "MAX_CONNECTIONS", 3)
    cert, key = tls.ensure_certificate(tmp_path)
    app = bottle.Bottle()
    app.route("/")(lambda: "ok")
    server = WebServer(app, "127.0.0.1", 0, tls=tls.server_context(cert, key)).start()
    held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(3)]
    time.sleep(0.2)
    extra = socket.create_connection(("127.0.0.1", server.port))
    extra.settimeout(2)
    assert extra.recv(1) == b""                          # closed at once
    for conn in held:
        conn.close()
    time.sleep(0.2)
    trusted = ssl.create_default_context(cafile=str(cert))
    trusted.check_hostname = False
    assert urllib.request.urlopen(f"https://127.0.0.1:{server.port}/", context=trusted,
                                  timeout=5).read() == b"ok"
    server.stop()


def test_a_large_unauthenticated_post_over_tls_is_refused_before_it_is_stored(tmp_path):
    """The body limit still holds behind the TLS front: 50 MiB from a stranger, 413, disk
    unchanged."""
    web = launch.start(FakeLoop(_settings()), tmp_path, "127.0.0.1", 0, https="on")
    try:
        trusted = ssl.create_default_context(cafile=str(tmp_path / "tls" / "cert.pem"))
        trusted.check_hostname = False
        before = _spooled()
        raw = socket.create_connection(("127.0.0.1", web.server.port))
        conn = trusted.wrap_socket(raw)
        conn.sendall(b"POST /operators HTTP/1.1\r\nHost: box\r\nContent-Type: "
                     b"application/x-www-form-urlencoded\r\nContent-Length: 52428800\r\n\r\n")
        conn.settimeout(5)
        answer = conn.recv(4096)                    # refused on the headers alone
        sent, chunk = 0, b"a" * 65536
        try:
            while sent < 50 * 2 ** 20:              # a browser that uploads regardless
                conn.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass                                    # the front stopped reading: good
        conn.close()
        assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
        # a browser that sends a megabyte before it reads still gets the page, not a reset
        conn = trusted.wrap_socket(socket.create_connection(("127.0.0.1", web.server.port)))
        conn.settimeout(5)
        conn.sendall(b"POST /operators HTTP/1.1\r\nHost: box\r\nContent-Length: 52428800\r\n\r\n"
                     + b"a" * 2 ** 20)
        late = conn.recv(4096)
        conn.close()
        assert late.startswith(b"HTTP/1.1 413"), late[:80]
        assert _spooled() - before < 2 ** 20
    finally:
        launch.stop(web)


def test_cookies_are_secure_and_the_fingerprint_is_on_the_setup_and_system_pages(tmp_path):
    web = launch.start(FakeLoop(_settings()), tmp_path, "127.0.0.1", 0, https="on")
    try:
        fingerprint = tls.current_fingerprint(tmp_path)
        assert web.fingerprint == fingerprint and fingerprint in web.announcement()
        assert web.server.url.startswith("https://")
        trusted = ssl.create_default_context(cafile=str(tmp_path / "tls" / "cert.pem"))
        trusted.check_hostname = False
        opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=trusted))
        with opener.open(f"https://127.0.0.1:{web.server.port}/setup", timeout=5) as reply:
            page = reply.read().decode()
            cookies = reply.headers.get_all("Set-Cookie")
        assert fingerprint in page
        assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies)
    finally:
        launch.stop(web)


def test_over_plain_http_there_is_no_fingerprint_and_no_secure_flag(tmp_path):
    web = launch.start(FakeLoop(_settings()), tmp_path, "127.0.0.1", 0)    # auto on loopback
    try:
        assert web.server.url.startswith("http://") and web.fingerprint is None
        with urllib.request.urlopen(web.server.url + "setup", timeout=5) as reply:
            assert "certificate-check" not in reply.read().decode()
            assert all("Secure" not in c for c in reply.headers.get_all("Set-Cookie"))
        assert not (tmp_path / "tls").exists()
    finally:
        launch.stop(web)


def test_a_browser_uses_the_page_over_https(tmp_path, browser):
    """Chromium, told to accept the box's certificate as an owner does after checking it: setup,
    dashboard, logout; the session cookie is Secure."""
    web = launch.start(FakeLoop(_settings()), tmp_path, "127.0.0.1", 0, https="on")
    try:
        context = browser.new_context(ignore_https_errors=True)
        page = context.new_page()
        base = f"https://127.0.0.1:{web.server.port}"
        page.goto(f"http://127.0.0.1:{web.server.port}/")      # typed without https
        assert page.url.startswith(base)
        assert page.locator("#certificate").inner_text() == tls.current_fingerprint(tmp_path)
        page.fill("#code", web.auth.setup_code())
        page.fill("#password", "correct horse")
        page.fill("#repeat", "correct horse")
        page.click("#setup")
        page.wait_for_url(base + "/")
        assert all(c["secure"] for c in context.cookies())
        page.goto(base + "/system")
        assert page.locator("#certificate").inner_text() == tls.current_fingerprint(tmp_path)
        context.close()
    finally:
        launch.stop(web)


def _settings() -> dict:
    from appliance.store import schema
    return schema.defaults()


def _spooled() -> int:
    """Bytes in the temp folder (where waitress would spool a large body)."""
    import tempfile
    total = 0
    for root, _, files in os.walk(tempfile.gettempdir()):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total


def test_the_front_stops_cleanly(served):
    server, _ = served
    before = threading.active_count()
    server.stop()
    time.sleep(0.1)
    assert not server.running and threading.active_count() <= before
    with pytest.raises((ConnectionRefusedError, urllib.error.URLError)):
        socket.create_connection(("127.0.0.1", server.port), timeout=1)
