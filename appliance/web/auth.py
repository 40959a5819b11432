"""Who may use the web page: the password (scrypt), the one-time setup code, sessions, CSRF, rate limit.

The state lives in ``data_dir/auth.json`` (written atomically): the password hash, its salt and
its scrypt parameters, the secret that signs cookies and CSRF tokens, and, until a password is
set, the one-time setup code printed on the console and log. Deleting ``auth.json`` (or
``ivr-appliance web-reset``) returns the appliance to first-run setup; nothing else is lost.
Wrong passwords are counted in ``data_dir/login-throttle.json`` (``Throttle``), so a restart
does not forgive them.

Example::

    auth = Auth(data_dir)
    code = auth.setup_code()             # None once a password is set
    auth.set_password("long secret", code=code)
    token = auth.login("long secret", "192.168.1.20", now)
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from pathlib import Path

from appliance.errors import ApplianceError
from appliance.store.settings import atomic_write
from appliance.store.tablefile import damaged_path

log = logging.getLogger("appliance.web")

AUTH_NAME = "auth.json"
MIN_PASSWORD = 8
SESSION_S = 7 * 86400
THROTTLE_NAME = "login-throttle.json"
# OWASP Password Storage Cheat Sheet, scrypt: N=2^17, r=8, p=1, or the same work with less memory,
# N=2^16, r=8, p=2. The second: 64 MiB while hashing (128 * N * r) instead of 128 MiB, which a
# Pi Zero 2 W (512 MiB, with the engine and the call log running) can spare for the moment of a
# login; logins are hashed one at a time (Auth._lock). Stored with each hash, so these can be
# raised later: a hash made with older ones still verifies and is re-made at the next login.
SCRYPT = {"n": 2 ** 16, "r": 8, "p": 2, "dklen": 32}
LEGACY_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1, "dklen": 32}     # auth.json without "scrypt"


class AuthError(ApplianceError):
    """A login, setup or password change was refused; the message is shown to the owner."""


class RateLimited(AuthError):
    """Too many wrong passwords from one address: wait ``retry_after`` seconds."""

    def __init__(self, retry_after: float):
        super().__init__(f"Too many wrong passwords. Try again in {int(retry_after) + 1} seconds.")
        self.retry_after = retry_after


def hash_password(password: str, salt: bytes, params: dict | None = None) -> str:
    """scrypt (standard library) of ``password``: slow on purpose, so a stolen file resists guessing.

    ``params`` are the ones stored with the hash (``SCRYPT`` for a new one); memory is
    128 * n * r bytes, so ``maxmem`` is raised to fit.
    """
    p = {**SCRYPT, **(params or {})}
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=p["n"], r=p["r"], p=p["p"],
                          dklen=p["dklen"], maxmem=129 * p["n"] * p["r"] + 2 ** 20).hex()


def sign(secret: bytes, text: str) -> str:
    """An HMAC-SHA256 of ``text``; cookies and CSRF tokens carry it."""
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


class Throttle:
    """Slows down password guessing: per client address, after 3 misses a doubling wait (at most
    5 minutes); and overall, whatever the address, after 10 misses a doubling wait of at most a
    minute, so changing address does not buy more guesses while the owner is never kept out
    for long.

    With ``path`` the record is kept in that file (written atomically on every change), so a
    restart does not give an attacker fresh guesses. A file that cannot be read is set aside
    (``.damaged``) with a log line and the throttle starts empty. Waits are counted from the
    last miss; a miss that seems to lie in the future (the clock was set back: a Pi without a
    clock battery) counts from now, so no record can lock anyone out for longer than the maximum.
    """

    FREE_MISSES, MAX_WAIT_S = 3, 300.0
    OVERALL_FREE, OVERALL_MAX_S = 10, 60.0
    FORGET_S, MAX_CLIENTS = 86400.0, 1000          # a day without a miss: forgotten
    OVERALL = "*"

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._misses: dict[str, tuple[int, float]] = {}
        self._stamp: int | None = None
        self._reload()

    def check(self, client: str, now: float) -> None:
        """Raise RateLimited while ``client`` must still wait (for its own misses or everyone's)."""
        with self._lock:
            self._reload()
            self._clock_went_back(now)
            own = self._left(client, self.wait_after, now)
            overall = self._left(self.OVERALL, self.overall_wait_after, now)
        wait = max(own, overall)
        if wait > 0:
            raise RateLimited(wait)

    def _clock_went_back(self, now: float) -> None:
        """Misses "in the future" happened before the clock was set back: count them from now."""
        future = {key: (count, now) for key, (count, last) in self._misses.items() if last > now}
        if future:
            self._misses.update(future)
            self._write()

    def _left(self, key: str, rule, now: float) -> float:
        count, last = self._misses.get(key, (0, 0.0))
        return rule(count) - max(0.0, now - last)

    def wait_after(self, count: int) -> float:
        """Seconds one address waits after ``count`` misses in a row."""
        if count < self.FREE_MISSES:
            return 0.0
        return min(self.MAX_WAIT_S, 2.0 ** (count - self.FREE_MISSES + 1))

    def overall_wait_after(self, count: int) -> float:
        """Seconds everyone waits after ``count`` misses from any address."""
        if count < self.OVERALL_FREE:
            return 0.0
        return min(self.OVERALL_MAX_S, 2.0 ** (count - self.OVERALL_FREE + 1))

    def missed(self, client: str, now: float) -> None:
        with self._lock:
            self._reload()
            for key in (client, self.OVERALL):
                count, last = self._misses.get(key, (0, 0.0))
                fresh = now - last > self.FORGET_S
                self._misses[key] = (1 if fresh else count + 1, now)
            self._forget_old(now)
            self._write()

    def passed(self, client: str) -> None:
        """The right password from ``client``: its own misses are forgiven (not everyone's)."""
        with self._lock:
            self._reload()
            if self._misses.pop(client, None) is not None:
                self._write()

    def _forget_old(self, now: float) -> None:
        kept = sorted(((last, key) for key, (_, last) in self._misses.items()
                       if key != self.OVERALL and now - last <= self.FORGET_S), reverse=True)
        keep = {key for _, key in kept[:self.MAX_CLIENTS]} | {self.OVERALL}
        self._misses = {k: v for k, v in self._misses.items() if k in keep}

    # -- the file -------------------------------------------------------------------------------

    def _file_stamp(self) -> int | None:
        try:
            return self.path.stat().st_mtime_ns
        except (FileNotFoundError, AttributeError):
            return None

    def _reload(self) -> None:
        """Read the file if it changed since it was last read or written (another Auth, restart)."""
        stamp = self._file_stamp()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        if stamp is None:
            self._misses = {}
            return
        try:
            self._misses = _parse_misses(json.loads(self.path.read_text("utf-8")))
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            self._set_aside(exc)

    def _set_aside(self, exc: Exception) -> None:
        aside = damaged_path(self.path)
        try:
            os.replace(self.path, aside)
        except OSError:
            pass
        log.warning("%s could not be read (%s); set aside as %s, the login throttle starts empty",
                    self.path.name, str(exc)[:80], aside.name)
        self._misses, self._stamp = {}, self._file_stamp()

    def _write(self) -> None:
        if self.path is None:
            return
        data = {"misses": {key: [count, last] for key, (count, last) in self._misses.items()}}
        try:
            atomic_write(self.path, (json.dumps(data, indent=1) + "\n").encode("utf-8"))
        except OSError as exc:                  # a full or read-only card: still throttle in memory
            log.warning("the login throttle could not be saved: %s", exc)
        self._stamp = self._file_stamp()


def _parse_misses(data) -> dict[str, tuple[int, float]]:
    """The record of the throttle file; ValueError when it is not one."""
    misses = data["misses"] if isinstance(data, dict) else None
    if not isinstance(misses, dict):
        raise ValueError("no 'misses' table")
    out = {}
    for key, value in misses.items():
        count, last = value
        if not isinstance(count, int) or not isinstance(last, (int, float)) or count < 0:
            raise ValueError(f"bad entry for {str(key)[:40]}")
        out[str(key)] = (count, float(last))
    return out


class Auth:
    """The password, the setup code, the signing secret and the live sessions of one appliance."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / AUTH_NAME
        self._lock = threading.Lock()
        self._sessions: dict[str, float] = {}
        self.throttle = Throttle(Path(data_dir) / THROTTLE_NAME)
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
        """The password file; missing (first start) or damaged, a fresh one with a new setup
        code. A damaged one is kept aside and said so in the log: the owner's password is lost
        with it, and the technician must know why the page asks for a setup code again."""
        problem = None
        try:
            state = json.loads(self.path.read_text("utf-8"))
            if isinstance(state, dict) and isinstance(state.get("secret"), str):
                return state
            problem = "not a password file"
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            problem = str(exc)[:80]
        state = {"secret": secrets.token_hex(32), "setup_code": _new_code(),
                 "salt": None, "hash": None}
        if problem is not None:
            aside = damaged_path(self.path)
            with contextlib.suppress(OSError):
                os.replace(self.path, aside)
            log.error("%s was damaged (%s) and is kept as %s: the web page's password is lost; "
                      "the page asks for the new setup code %s (docs/web.md, 'Forgotten "
                      "password')", self.path.name, problem, aside.name, state["setup_code"])
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
        self._save_hash(password)
        self._sessions.clear()

    def _save_hash(self, password: str) -> None:
        """A new salt, the hash with today's SCRYPT parameters, stored with them."""
        salt = secrets.token_bytes(16)
        state = {**self._state, "salt": salt.hex(), "hash": hash_password(password, salt, SCRYPT),
                 "scrypt": dict(SCRYPT), "setup_code": None}
        self._save(state)
        self._state, self._stamp = state, self._file_stamp()

    def _params(self) -> dict:
        """The scrypt parameters the stored hash was made with (before they were stored: 2^14)."""
        stored = self._state.get("scrypt")
        if not isinstance(stored, dict):
            return dict(LEGACY_SCRYPT)
        return {name: int(stored.get(name, LEGACY_SCRYPT[name])) for name in LEGACY_SCRYPT}

    def _matches(self, password: str) -> bool:
        if self.needs_setup():
            return False
        given = hash_password(password, bytes.fromhex(self._state["salt"]), self._params())
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
            if self._params() != SCRYPT:
                self._save_hash(password)           # made with older parameters: made again
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
