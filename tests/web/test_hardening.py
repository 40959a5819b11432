"""Hardening: body limits on the real server, headers on every answer, CSV cells that never run,
and crafted input on every route answered with a 4xx, never a 500."""
from __future__ import annotations

import csv
import io
import re
import socket
import struct
import tempfile
import time
import urllib.parse

import pytest

from appliance.web import auth as auth_module
from appliance.web import csvsafe, guard
from appliance.web.server import WebServer
from appliance.audio.uploads import MAX_BYTES as PROMPT_BYTES, make_wav
from tests.long_mode import long
from tests.web.client import Client
from tests.web.conftest import owner_of
from tests.web.test_security import concrete


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    """The old, fast parameters: these tests are about other things than the hash's cost."""
    monkeypatch.setattr(auth_module, "SCRYPT", dict(auth_module.LEGACY_SCRYPT))


# -- 1. request bodies are limited before they are read --------------------------------------


class SpoolSpy:
    """Every temp file waitress (or anything else) makes while the test runs, and its size."""

    def __init__(self, monkeypatch):
        self.sizes: list[int] = []
        real = tempfile.TemporaryFile
        spy = self

        class Counted:
            def __init__(self, *args, **kwargs):
                self._file, self._at = real(*args, **kwargs), len(spy.sizes)
                spy.sizes.append(0)

            def write(self, data):
                written = self._file.write(data)
                spy.sizes[self._at] = max(spy.sizes[self._at], self._file.tell())
                return written

            def __getattr__(self, name):
                return getattr(self._file, name)
        monkeypatch.setattr(tempfile, "TemporaryFile", Counted)


def _send(port: int, head: bytes, chunks=()) -> bytes:
    """A raw request: ``head``, then each of ``chunks`` until the server closes; its answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        try:
            for chunk in chunks:
                sock.sendall(chunk)
        except OSError:                          # the server answered and closed: expected
            pass
        answer = b""
        try:
            while data := sock.recv(65536):
                answer += data
        except OSError:
            pass
    return answer


@pytest.fixture
def served(web):
    server = WebServer(web[0], "127.0.0.1", 0).start()
    yield server
    server.stop()


def test_a_50_mib_post_without_a_login_is_refused_before_its_body_is_read(served, monkeypatch):
    spy = SpoolSpy(monkeypatch)
    head = (b"POST /phonebook/import HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
            b"Content-Length: %d\r\n\r\n" % (50 * 2 ** 20))
    answer = _send(served.port, head, [b"x" * 2 ** 20] * 50)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"larger than the appliance accepts here (64 KB)" in answer
    assert spy.sizes == []                      # nothing spooled to disk


def test_a_chunked_body_is_cut_off_at_the_limit(served, monkeypatch):
    spy = SpoolSpy(monkeypatch)
    head = b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"%x\r\n%s\r\n" % (2 ** 16, b"x" * 2 ** 16)
    answer = _send(served.port, head, [chunk] * 800)                  # 50 MiB
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert spy.sizes == []                      # at most 64 KiB, kept in memory


def test_logged_in_the_largest_prompt_upload_still_fits(served, web, monkeypatch):
    spy = SpoolSpy(monkeypatch)                 # and the spy sees what waitress spools
    owner = owner_of(web[0])
    cookie = "; ".join(f"{k}={v}" for k, v in owner.jar.items()).encode()
    size = PROMPT_BYTES + 200 * 1024           # a 5 MB recording and room for its wrapping
    head = (b"POST /prompts/en/greeting HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nConnection: close\r\n"
            b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n"
            % (cookie, size))
    answer = _send(served.port, head, [b"x" * size])
    assert not answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert max(spy.sizes) >= PROMPT_BYTES
    too_big = head.replace(b"%d" % size, b"%d" % (guard.OWNER_BODY + 1))
    assert _send(served.port, too_big).startswith(b"HTTP/1.1 413 ")


def test_the_limits_fit_the_uploads_they_are_for(web):
    from appliance.store.phonebook_csv import MAX_BYTES as BOOK_BYTES
    assert guard.OWNER_BODY >= PROMPT_BYTES + 64 * 1024 and guard.OWNER_BODY >= BOOK_BYTES
    ctx = web[0].config["ivr.context"]
    assert guard.body_limit(ctx, "POST", "/system/restore", "") == guard.PUBLIC_BODY
    token = ctx.auth.open_session(ctx.clock())
    cookie = f"ivr_browser=x; ivr_session={token}"
    assert guard.body_limit(ctx, "POST", "/prompts/new", cookie) == guard.OWNER_BODY
    assert guard.body_limit(ctx, "POST", "/system/restore", cookie) == guard.restore_body()
    assert guard.body_limit(ctx, "POST", "/login", 'bad"cookie; =') == guard.PUBLIC_BODY


# -- 2. headers on every answer ----------------------------------------------------------------


def _headers_installed(app):
    guard.install_headers(app)
    guard.install_headers(app)                  # twice changes nothing

    def boom():
        raise RuntimeError("a bug")
    app.route("/boom-for-test", "GET", boom, public=True)
    return app


def _assert_secure(reply, cache: str | None = "no-store"):
    assert reply.header("X-Frame-Options") == "DENY"
    assert reply.header("X-Content-Type-Options") == "nosniff"
    assert "default-src 'self'" in reply.header("Content-Security-Policy")
    assert reply.header("Referrer-Policy") == "same-origin"
    if cache:
        assert reply.header("Cache-Control") == cache
    assert sum(k.lower() == "x-frame-options" for k, _ in reply.headers) == 1


def test_every_kind_of_answer_carries_the_security_headers(web):
    app = _headers_installed(web[0])
    owner = owner_of(app)
    answers = {"page": owner.get("/calls"), "404": owner.get("/no/such/page"),
               "405": owner.get("/logout"), "500": owner.get("/boom-for-test"),
               "download": owner.get("/phonebook.csv"), "redirect": Client(app).get("/calls"),
               "401": Client(app).get("/phonebook.csv")}
    assert [answers[k].status for k in ("page", "404", "405", "500", "download")] == \
           [200, 404, 405, 500, 200]
    for name, reply in answers.items():
        _assert_secure(reply), name
    static = Client(app).get("/static/app.css")
    assert static.status == 200
    _assert_secure(static, cache="no-cache")


def test_after_logout_back_shows_nothing_private(web):
    app = _headers_installed(web[0])
    owner = owner_of(app)
    seen = [owner.get(path) for path in ("/", "/calls", "/phonebook.csv", "/system")]
    assert all(reply.status == 200 and reply.header("Cache-Control") == "no-store"
               for reply in seen)
    assert owner.post("/logout").status == 303
    again = owner.get("/calls")
    assert again.status == 303 and again.header("Location").endswith("/login")
    assert again.header("Cache-Control") == "no-store"


# -- 3. CSV cells ------------------------------------------------------------------------------


@pytest.mark.parametrize("value, written", [
    ("=1+2", "'=1+2"), ("+441632960001", "'+441632960001"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("  =1+2", "'  =1+2"),
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
    ("01632960001", "01632960001"), ("Ann", "Ann"), ("", ""), (None, ""), (12, "12"),
    (-3, "-3"), ("-2.5", "-2.5"), ("it's", "it's")])
def test_a_cell_that_could_run_gets_a_quote(value, written):
    assert csvsafe.cell(value) == written


def test_cells_round_trip_through_the_csv_reader():
    values = ["+441632960001", "=1+2", "Rossi, Figli & Co", 'say "hi"', "a\nb", "'quoted"]
    out = io.StringIO()
    csv.writer(out).writerow(csvsafe.row(values))
    read = next(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert read[0] == "'+441632960001" and read[1] == "'=1+2"
    assert [csvsafe.plain(cell) for cell in read] == values
    assert csvsafe.row([]) == []


def test_the_phone_book_export_never_runs_and_imports_back(owner, web):
    book = web[0].config["ivr.context"].phonebook
    book.import_csv(b"number,name,company,notes\n+441632960001,=1+2,@corp,-call back\n")
    reply = owner.get("/phonebook.csv")
    rows = list(csv.reader(io.StringIO(reply.text.lstrip("\ufeff"), newline="")))
    assert rows[1] == ["'+441632960001", "'=1+2", "'@corp", "'-call back"]
    before = book.entries()
    owner.get("/phonebook")
    again = owner.upload("/phonebook/import", "csv", "book.csv", reply.body)
    assert again.status == 303, again.text
    assert book.entries() == before


# -- 6. crafted input: a 4xx, never a 500 ------------------------------------------------------

HUGE = "9" * 40
QUERIES = ["page=abc", f"page={HUGE}", "page=-1", "page=%C2%B2", "page=%EF%BC%91", "limit=-5",
           f"limit={HUGE}", "since=9999-99-99", "until=9999-99-99", "since=0000-01-01",
           "since=0001-01-01&until=0001-01-01", "since=9999-12-31&until=9999-12-31",
           "since=2026-11-23&until=1970-01-01", "since=%00", "until=" + "2" * 5000,
           "preset=%ED%A0%80", "number=%ED%A0%80", "q=%00%ED%A0%80", "handset=%C2%B2",
           f"handset={HUGE}", "handset=-1", "edit=%00", "add=%ED%A0%80", "table=%00",
           "media=%ED%A0%80", "operator=%00&queue=%00&outcome=%00", "page=1&page=2",
           "%ED%A0%80=1", "=&&=&", "since=2026-02-30", "until=2026-13-01T25:61:00Z"]
SEGMENTS = ["..", "%2e%2e", "%00", "a%00b", "x" * 5000, "%ED%A0%80", "%C0%AE%C0%AE", "%2F",
            "..%2F..%2Fetc%2Fpasswd", "~", "%20", "1e999"]


def _wav_header(rate: int, channels: int = 1, width: int = 2, data_size: int = 0,
                fmt_size: int = 16, audio_format: int = 1) -> bytes:
    fmt = struct.pack("<HHIIHH", audio_format, channels, rate, (rate * channels * width) & 0xFFFFFFFF,
                      channels * width, width * 8)
    body = b"fmt " + struct.pack("<I", fmt_size) + fmt + b"data" + struct.pack("<I", data_size)
    return b"RIFF" + struct.pack("<I", (36 + data_size) & 0xFFFFFFFF) + b"WAVE" + body


GOOD_WAV = make_wav([0, 1000, -1000, 500] * 400, rate=8000)
UPLOADS = {"empty": b"", "text": b"hello, this is not sound", "mp3": b"ID3\x03\x00" + b"\x00" * 200,
           "truncated": GOOD_WAV[:60], "rate 0": _wav_header(0, data_size=4) + b"\x00" * 4,
           "rate 4e9": _wav_header(4_000_000_000, data_size=4) + b"\x00" * 4,
           "rate 1": _wav_header(1, data_size=800) + b"\x01\x00" * 400,
           "huge data chunk": _wav_header(8000, data_size=0xFFFFFFF0) + b"\x00" * 16,
           "huge fmt chunk": _wav_header(8000, fmt_size=0xFFFFFFF0),
           "0 channels": _wav_header(8000, channels=0, data_size=4) + b"\x00" * 4,
           "300 channels": _wav_header(8000, channels=300, data_size=600) + b"\x00" * 600,
           "width 7": _wav_header(8000, width=7, data_size=14) + b"\x00" * 14,
           "float": _wav_header(8000, audio_format=3, width=4, data_size=8) + b"\x00" * 8,
           "bom csv": b"\xef\xbb\xbfnumber,name\n+441632960001,Ann\n",
           "latin-1 csv": "number,name\n+441632960001,Andr\xe9\n".encode("latin-1"),
           "utf-16 csv": "number,name\n+441632960001,Ann\n".encode("utf-16"),
           "nul csv": b"number,name\n\x00\x00,\x00\n", "json array": b"[1,2,3]",
           "deep json": b"[" * 100000 + b"]" * 100000, "zip junk": b"PK\x03\x04" + b"\xff" * 100}
FIELDS = ("sound", "csv", "backup", "file", "upload", "wrong")


def _routes(app):
    return [(route.method, route.rule) for route in app.routes
            if route.rule not in ("/boom-for-test", "/logout")]


def _with(rule: str, segment: str) -> str:
    """``rule`` with every wildcard replaced by ``segment`` (as it would arrive on the wire)."""
    return re.sub(r"<[^<>]*(?:<[^<>]*>[^<>]*)*>", segment, rule)


def _wsgi_path(url_path: str) -> str:
    """PATH_INFO as a WSGI server gives it: percent-decoded, then read as latin-1."""
    return urllib.parse.unquote_to_bytes(url_path).decode("latin-1")


def _probe(client: Client, method: str, url: str, body: bytes = b"", content_type: str = ""):
    path, _, query = url.partition("?")
    reply = client.request(method, _wsgi_path(path) + ("?" + query if query else ""), body,
                           content_type)
    return reply.status


def _multipart(client: Client, field: str, filename: str, data: bytes, extra=()) -> tuple[bytes, str]:
    boundary = "probeboundary"
    parts = [(("csrf", None, (client.csrf or "").encode()))] + list(extra) + [(field, filename, data)]
    out = b""
    for name, fname, value in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{fname}"' if fname else "")
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# Requests that once gave a 500 (an SQLite OFFSET overflow, dates past 9999 or in year 1, a NUL
# in a media path, a notice too long for a cookie): each is now answered (a clear 4xx, a last
# page, or the page with a notice), never a 500.
FAR_DATES = "since=9999-12-31&until=9999-12-31"
ONCE_500 = [f"GET /calls?page={HUGE}", f"GET /calls?{FAR_DATES}", f"GET /calls.csv?{FAR_DATES}",
            f"GET /reports?{FAR_DATES}", f"GET /reports.csv?{FAR_DATES}",
            "GET /reports?since=0001-01-01&until=0001-01-01",
            "GET /reports.csv?since=0001-01-01&until=0001-01-01", "GET /media/%00",
            "GET /media/a%00b", f"POST /operators/{'x' * 5000}/pause",
            f"POST /operators/{'x' * 5000}/unpause"]


def _check(failures: list, label: str, status: int) -> None:
    if status >= 500:
        failures.append((label, status))


def _owner_for_probe(app) -> Client:
    owner = owner_of(app)
    owner.get("/")
    return owner


def test_crafted_query_strings_get_no_500(web):
    app = web[0]
    owner, failures = _owner_for_probe(app), []
    for method, rule in _routes(app):
        if method != "GET":
            continue
        for query in QUERIES:
            url = concrete(rule) + "?" + query
            _check(failures, f"GET {url}", _probe(owner, "GET", url))
    assert failures == []


def test_crafted_path_segments_get_no_500(web):
    app = web[0]
    owner, failures = _owner_for_probe(app), []
    for method, rule in _routes(app):
        if "<" not in rule:
            continue
        for segment in SEGMENTS:
            url = _with(rule, segment)
            status = (_probe(owner, "GET", url) if method == "GET" else
                      _probe(owner, "POST", url, urllib.parse.urlencode({"csrf": owner.csrf}).encode(),
                             "application/x-www-form-urlencoded"))
            _check(failures, f"{method} {url}", status)
    assert failures == []


def test_posts_with_missing_or_odd_fields_get_no_500(web):
    app = web[0]
    owner, failures = _owner_for_probe(app), []
    odd = [{}, {"name": "\ud800"}, {"number": "%00", "name": "x" * 100000}, {"handset": HUGE},
           {"id": "..", "handset": "-1", "queue": "%00"}, {"lang": "..", "key": "../x"},
           {"confirmed": "1"}, {"token": "../../etc"}, {"token": "x" * 500, "confirmed": "1"},
           {"old": "", "password": "", "repeat": ""}, {"notes": "\x00" * 10},
           {"handsets.count": HUGE}, {"handsets.count": "nan"}, {"handsets.count": "inf"}]
    for method, rule in _routes(app):
        if method != "POST":
            continue
        url = concrete(rule)
        for form in odd:
            owner.get("/")
            pairs = [(k, v.encode("utf-8", "surrogatepass")) for k, v in form.items()]
            body = urllib.parse.urlencode(pairs + [("csrf", owner.csrf)]).encode()
            status = _probe(owner, "POST", url, body, "application/x-www-form-urlencoded")
            _check(failures, f"POST {url} {sorted(form)[:3]}", status)
        for raw, ctype in ((b"--x\r\n", "multipart/form-data"), (b"--x--", "multipart/form-data; boundary="),
                           (b"garbage", "multipart/form-data; boundary=abc"), (b"\xff\xfe", "text/csv")):
            _check(failures, f"POST {url} raw {ctype}", _probe(owner, "POST", url, raw, ctype))
    assert failures == []


@pytest.mark.parametrize("url", ["/prompts/en/greeting", long("/prompts/new"),   # one upload
                                 "/phonebook/import", "/system/restore"])
def test_odd_uploads_get_no_500(web, url):
    app = web[0]
    owner, failures = _owner_for_probe(app), []
    for name, data in UPLOADS.items():
        for field in FIELDS:
            owner.get("/")
            body, ctype = _multipart(owner, field, f"{name}.wav", data,
                                     extra=[("lang", None, b"en"), ("key", None, b"probe")])
            _check(failures, f"POST {url} {field} <- {name}", _probe(owner, "POST", url, body, ctype))
        for filename in ("", "../../x.wav", "a\x00b.wav", "\u202e.wav", "x" * 300):
            owner.get("/")
            body, ctype = _multipart(owner, "sound", filename, GOOD_WAV)
            _check(failures, f"{url} filename {filename[:20]!r}", _probe(owner, "POST", url, body, ctype))
    assert failures == []


def _known_request(owner: Client, label: str) -> int:
    method, _, rest = label.partition(" ")
    if " <- " in rest:
        url, _, upload = rest.partition(" <- ")
        url, field = url.split(" ")
        body, ctype = _multipart(owner, field, f"{upload}.wav", UPLOADS[upload])
        return _probe(owner, method, url, body, ctype)
    if method == "POST":
        body = urllib.parse.urlencode({"csrf": owner.csrf}).encode()
        return _probe(owner, method, rest, body, "application/x-www-form-urlencoded")
    return _probe(owner, method, rest)


@pytest.mark.parametrize("label", ONCE_500, ids=[label[:60] for label in ONCE_500])
def test_what_once_gave_a_500_is_answered(web, label):
    owner = _owner_for_probe(web[0])
    assert _known_request(owner, label) < 500


def test_an_absurd_sample_rate_is_refused_before_any_work(owner):
    owner.get("/prompts")
    began = time.monotonic()
    reply = owner.upload("/prompts/en/greeting", "sound", "a.wav", UPLOADS["rate 4e9"])
    assert reply.status == 400 and "sample rate (4000000000 Hz)" in reply.text
    assert time.monotonic() - began < 2.0
    owner.get("/prompts")
    broken = owner.upload("/prompts/en/greeting", "sound", "a.wav", UPLOADS["huge fmt chunk"])
    assert broken.status == 400 and "damaged or not usable" in broken.text
