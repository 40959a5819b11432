"""A small in-process WSGI client for the web page: cookies kept, forms posted with their CSRF token."""
from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit
from wsgiref.util import setup_testing_defaults

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def cookies(self) -> list[str]:
        return [v for k, v in self.headers if k.lower() == "set-cookie"]


class Client:
    """A browser for ``app``: ``get``, ``post`` (adds the page's CSRF token), cookies across calls."""

    def __init__(self, app, remote: str = "192.168.1.20"):
        self.app, self.remote = app, remote
        self.jar: dict[str, str] = {}
        self.csrf: str | None = None

    def request(self, method: str, url: str, body: bytes = b"", content_type: str = "") -> Reply:
        parts = urlsplit(url)
        env = {"REQUEST_METHOD": method, "PATH_INFO": parts.path, "QUERY_STRING": parts.query,
               "REMOTE_ADDR": self.remote, "wsgi.input": io.BytesIO(body),
               "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": content_type}
        if self.jar:
            env["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        setup_testing_defaults(env)
        captured = {}

        def start_response(status, headers, exc_info=None):
            captured["status"], captured["headers"] = int(status.split()[0]), headers
        chunks = self.app(env, start_response)
        body_out = b"".join(chunks)
        reply = Reply(captured["status"], captured["headers"], body_out)
        self._keep(reply)
        return reply

    def _keep(self, reply: Reply) -> None:
        for header in reply.cookies():
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or "1970" in (morsel["expires"] or ""):
                    self.jar.pop(name, None)
                else:
                    self.jar[name] = morsel.value
        found = _CSRF.search(reply.body.decode("utf-8", "replace"))
        if found:
            self.csrf = found.group(1)

    def get(self, url: str) -> Reply:
        return self.request("GET", url)

    def post(self, url: str, data: dict | list | None = None, csrf: bool = True) -> Reply:
        pairs = list(data.items()) if isinstance(data, dict) else list(data or [])
        if csrf and self.csrf:
            pairs.append(("csrf", self.csrf))
        return self.request("POST", url, urlencode(pairs).encode(),
                            "application/x-www-form-urlencoded")

    def upload(self, url: str, field: str, filename: str, data: bytes) -> Reply:
        """A multipart form with one file and the CSRF token."""
        boundary = uuid.uuid4().hex
        parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"
                 f"{self.csrf}\r\n".encode(),
                 f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
                 f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                 .encode() + data + b"\r\n",
                 f"--{boundary}--\r\n".encode()]
        return self.request("POST", url, b"".join(parts), f"multipart/form-data; boundary={boundary}")
