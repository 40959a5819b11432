"""Serving: waitress on its own thread, slow browsers, clean stops, the sim and the run commands."""
from __future__ import annotations

import logging
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import bottle

from appliance.cli import main
from appliance.web import assets, launch
from appliance.web.server import WebServer


def test_a_stalled_browser_does_not_hold_up_other_requests():
    app = bottle.Bottle()
    app.route("/")(lambda: "ok")
    server = WebServer(app, "127.0.0.1", 0).start()
    stalled = socket.create_connection(("127.0.0.1", server.port))
    stalled.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")           # never finishes its request
    began = time.monotonic()
    assert urllib.request.urlopen(server.url, timeout=5).read() == b"ok"
    assert time.monotonic() - began < 1.0
    stalled.close()
    server.stop()
    assert not server.running


class QuietLoop:
    def snapshot(self, timeout=5.0):
        raise TimeoutError

    def post(self, event):
        pass


def test_a_taken_port_leaves_the_appliance_running_without_the_page(tmp_path, caplog):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    with caplog.at_level(logging.ERROR):
        web = launch.start(QuietLoop(), tmp_path, "127.0.0.1", busy.getsockname()[1])
    assert web is None and "calls are still answered" in caplog.text
    launch.stop(web)
    busy.close()


def test_the_announcement_names_the_address_and_the_setup_code_until_a_password(tmp_path):
    web = launch.start(QuietLoop(), tmp_path, "127.0.0.1", 0)
    code = web.auth.setup_code()
    assert web.announcement() == f"Web page: {web.server.url}  (first visit: setup code {code})"
    with urllib.request.urlopen(web.server.url + "static/app.css") as reply:
        assert b"system-ui" in reply.read()
    web.auth.first_password(code, "long enough", "long enough", "x", 0.0)
    assert web.announcement() == f"Web page: {web.server.url}"
    web.stop()


def test_templates_are_found_from_the_source_tree_and_from_ivr_web_dir(tmp_path, monkeypatch):
    assert (assets.web_root() / "templates" / "layout.tpl").is_file()
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "layout.tpl").write_text("{{!base}}")
    monkeypatch.setenv("IVR_WEB_DIR", str(tmp_path))
    assert assets.web_root() == tmp_path


def test_web_reset_prints_a_new_setup_code(tmp_path, capsys):
    assert main(["web-reset", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    code = re.search(r"Setup code for the next visit: ([A-Z0-9]{8})", out).group(1)
    assert f'"setup_code": "{code}"' in (tmp_path / "auth.json").read_text()


def test_the_live_sim_serves_the_page_and_prints_address_and_setup_code(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "appliance", "sim", "--quiet", "--web-port", "0",
                             "--data-dir", str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines = [proc.stdout.readline(), proc.stdout.readline()]
    found = re.match(r"Web page: (http://127\.0\.0\.1:\d+/)  \(first visit: setup code (\w{8})\)",
                     lines[1])
    assert found, lines
    url, code = found.groups()
    with urllib.request.urlopen(url + "calls", timeout=5) as reply:      # follows to setup
        assert reply.url == url + "setup" and b"setup code" in reply.read()
    time.sleep(1.5)                  # Ctrl-C is the clean stop once the loop is serving
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert code in (tmp_path / "auth.json").read_text()
    assert "first visit: setup code" in (Path(tmp_path) / "appliance.log").read_text()


def test_on_every_interface_the_address_uses_the_machines_network_name():
    server = WebServer(bottle.Bottle(), "0.0.0.0", 0)
    assert server.url == f"http://{socket.gethostname()}.local:{server.port}/"
    server.start()
    server.stop()


def test_any_app_gets_the_body_limit_before_its_body_is_read():
    from appliance.web.server import MAX_BODY
    app = bottle.Bottle()
    app.route("/", "POST")(lambda: "read")
    server = WebServer(app, "127.0.0.1", 0).start()
    for size, refused in ((MAX_BODY + 1, True), (1000, False)):
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                         b"Content-Length: %d\r\n\r\n" % size)
            if not refused:
                sock.sendall(b"x" * size)
            answer = sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 413 ") == refused, answer[:100]
    server.stop()
