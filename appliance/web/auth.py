"""Who may use the web page: the password (scrypt), the one-time setup code, sessions, CSRF, rate limit.

The state lives in ``data_dir/auth.json`` (written atomically): the password hash and its salt,
the secret that signs cookies and CSRF tokens, and, until a password is set, the one-time setup
code printed on the console and log. Deleting ``auth.json`` (or ``ivr-appliance web-reset``)
returns the appliance to first-run setup; nothing else is lost.

Example::

    auth = Auth(data_dir)
    code = auth.setup_code()             # None once a password is set
    auth.set_password("long secret", code=code)
    token = auth.login("long secret", "192.168.1.20", now)
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from pathlib import Path

from appliance.errors import ApplianceError
from appliance.store.settings import atomic_write

AUTH_NAME = "auth.json"
MIN_PASSWORD = 8
SESSION_S = 7 * 86400
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1, "dklen": 32}


class AuthError(ApplianceError):
    """A login, setup or password change was refused; the message is shown to the owner."""


class RateLimited(AuthError):
    """Too many wrong passwords from one address: wait ``retry_after`` seconds."""

    def __init__(self, retry_after: float):
        super().__init__(f"Too many wrong passwords. Try again in {int(retry_after) + 1} seconds.")
        self.retry_after = retry_after


def hash_password(password: str, salt: bytes) -> str:
    """scrypt (standard library) of ``password``: slow on purpose, so a stolen file resists guessing."""
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, maxmem=64 * 2 ** 20, **_SCRYPT).hex()


def sign(secret: bytes, text: str) -> str:
    """An HMAC-SHA256 of ``text``; cookies and CSRF tokens carry it."""
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


class Throttle:
    """Slows down password guessing per client address: after 3 misses, a doubling wait (max 5 min)."""

    FREE_MISSES, MAX_WAIT_S = 3, 300.0

    def __init__(self):
        self._misses: dict[str, tuple[int, float]] = {}

    def check(self, client: str, now: float) -> None:
        """Raise RateLimited while ``client`` must still wait."""
        count, last = self._misses.get(client, (0, 0.0))
        wait = self.wait_after(count) - (now - last)
        if wait > 0:
            raise RateLimited(wait)

    def wait_after(self, count: int) -> float:
        """Seconds to wait after ``count`` misses in a row."""
        if count < self.FREE_MISSES:
            return 0.0
        return min(self.MAX_WAIT_S, 2.0 ** (count - self.FREE_MISSES + 1))

    def missed(self, client: str, now: float) -> None:
        count, _ = self._misses.get(client, (0, 0.0))
        self._misses[client] = (count + 1, now)

    def passed(self, client: str) -> None:
        self._misses.pop(client, None)


class Auth:
    """The password, the setup code, the signing secret and the live sessions of one appliance."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / AUTH_NAME
        self._lock = threading.Lock()
        self._sessions: dict[str, float] = {}
        self.throttle = Throttle()
        self._state = self._load()
        self._stamp = self._file_stamp()

    def _file_stamp(self) -> int | None:
        try:
            return self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return None

    def _fresh(self) -> None:
        """Re-read ``auth.json`` if a technician reset or deleted it while the appliance runs."""
        if self._file_stamp() != self._stamp:
            self._state = self._load()
            self._stamp = self._file_stamp()
            self._sessions.clear()

    # -- the file -------------------------------------------------------------------------------

    def _load(self) -> dict:
        try:
            state = json.loads(self.path.read_text("utf-8"))
            if isinstance(state, dict) and "secret" in state:
                return state
        except (OSError, ValueError):
            pass
        state = {"secret": secrets.token_hex(32), "setup_code": _new_code(),
                 "salt": None, "hash": None}
        self._save(state)
        return state

    def _save(self, state: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, (json.dumps(state, indent=2) + "\n").encode("utf-8"))

    @property
    def secret(self) -> bytes:
        return bytes.fromhex(self._state["secret"])

    # -- first run and password -------------------------------------------------------------------

    def needs_setup(self) -> bool:
        """True until the owner has set a password with the one-time setup code."""
        self._fresh()
        return not self._state.get("hash")

    def setup_code(self) -> str | None:
        """The one-time setup code, or None once a password is set."""
        return self._state.get("setup_code") if self.needs_setup() else None

    def first_password(self, code: str, password: str, repeat: str, client: str, now: float) -> None:
        """First run: the console's setup code proves the owner is at the box; then the password."""
        with self._lock:
            self.throttle.check(client, now)
            if not self.needs_setup():
                raise AuthError("A password is already set; log in instead.")
            if not hmac.compare_digest(code.strip().upper().encode(), self._state["setup_code"].encode()):
                self.throttle.missed(client, now)
                raise AuthError("That setup code is not right. It is printed on the console "
                                "and in the log when the appliance starts.")
            self._store_password(password, repeat)

    def change_password(self, old: str, password: str, repeat: str, client: str, now: float) -> None:
        """Replace the password; every other session is logged out."""
        with self._lock:
            self.throttle.check(client, now)
            if not self._matches(old):
                self.throttle.missed(client, now)
                raise AuthError("The current password is not right.")
            self._store_password(password, repeat)

    def _store_password(self, password: str, repeat: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise AuthError(f"The password must be at least {MIN_PASSWORD} characters long.")
        if password != repeat:
            raise AuthError("The two passwords are not the same.")
        salt = secrets.token_bytes(16)
        state = {**self._state, "salt": salt.hex(), "hash": hash_password(password, salt),
                 "setup_code": None}
        self._save(state)
        self._state, self._stamp = state, self._file_stamp()
        self._sessions.clear()

    def _matches(self, password: str) -> bool:
        if self.needs_setup():
            return False
        given = hash_password(password, bytes.fromhex(self._state["salt"]))
        return hmac.compare_digest(given, self._state["hash"])

    # -- sessions -------------------------------------------------------------------------------

    def login(self, password: str, client: str, now: float) -> str:
        """A new session token for the right password; RateLimited or AuthError otherwise."""
        with self._lock:
            self.throttle.check(client, now)
            if not self._matches(password):
                self.throttle.missed(client, now)
                raise AuthError("Wrong password.")
            self.throttle.passed(client)
            return self.open_session(now)

    def open_session(self, now: float) -> str:
        """A signed session token valid for SESSION_S seconds."""
        token = secrets.token_urlsafe(24)
        self._sessions[token] = now + SESSION_S
        return f"{token}.{sign(self.secret, 'session:' + token)}"

    def valid(self, cookie: str | None, now: float) -> bool:
        """Whether ``cookie`` is a live session this appliance issued."""
        self._fresh()
        token = self._token(cookie)
        return token is not None and self._sessions.get(token, 0.0) > now

    def logout(self, cookie: str | None) -> None:
        token = self._token(cookie)
        if token is not None:
            self._sessions.pop(token, None)

    def _token(self, cookie: str | None) -> str | None:
        token, _, mac = (cookie or "").partition(".")
        good = token and hmac.compare_digest(mac, sign(self.secret, "session:" + token))
        return token if good else None

    # -- CSRF -----------------------------------------------------------------------------------

    def csrf_token(self, browser_id: str) -> str:
        """The form token for the browser carrying cookie ``browser_id``."""
        return sign(self.secret, "csrf:" + browser_id)[:40]

    def csrf_ok(self, browser_id: str | None, token: str | None) -> bool:
        return bool(browser_id and token) and hmac.compare_digest(self.csrf_token(browser_id), token)


def _new_code() -> str:
    """Eight letters and digits without look-alikes (0/O, 1/I), easy to read off a console."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


def reset(data_dir: Path) -> str:
    """Forget the password (a technician's recovery path); returns the new one-time setup code."""
    path = Path(data_dir) / AUTH_NAME
    path.unlink(missing_ok=True)
    return Auth(data_dir).setup_code()


def cmd_web_reset(args) -> int:
    """``ivr-appliance web-reset``: forget the web password and print a new one-time setup code."""
    code = reset(args.data_dir)
    print(f"The web page's password is forgotten; every browser is logged out.\n"
          f"Setup code for the next visit: {code}")
    return 0
