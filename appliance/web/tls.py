"""The box's own HTTPS certificate: made on first start, kept, and recognisable by its fingerprint.

A small appliance on a shop's network has no public name, so no public certificate authority
can vouch for it; like a router or a printer it makes its own (self-signed) certificate the first
time it serves the page. The browser warns once; the owner checks that the fingerprint it shows
is the one on the setup page and on the console's ``net``, and from then on the password and
the call log cross the network encrypted. An owner with their own certificate puts ``cert.pem``
and ``key.pem`` in ``<data dir>/tls/``; the box uses them as they are.

The certificate is made by ``openssl`` (the standard tool, installed on Raspberry Pi OS and by
``boot/install.sh``): an EC P-256 key, valid ten years, named for the box's network names.

Example::

    cert, key = ensure_certificate(data_dir)      # makes them on the first call
    fingerprint(cert)                              # 'SHA256 3F:A0:...'
"""
from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
from pathlib import Path

from appliance.errors import ApplianceError
from appliance.store.settings import atomic_write

log = logging.getLogger("appliance.web")
TLS_DIR = "tls"
CERT_NAME, KEY_NAME = "cert.pem", "key.pem"
VALID_DAYS = 3650
LOOPBACK = ("localhost", "")


def wants_https(setting: str, host: str) -> bool:
    """``web.https``: "on", "off", or "auto" (on unless only this machine can reach the page)."""
    if setting in ("on", "off"):
        return setting == "on"
    return not _loopback(host)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def paths(data_dir: Path) -> tuple[Path, Path]:
    """Where the certificate and its key live."""
    folder = Path(data_dir) / TLS_DIR
    return folder / CERT_NAME, folder / KEY_NAME


def ensure_certificate(data_dir: Path) -> tuple[Path, Path]:
    """The certificate and key to serve, made now if there are none (or they cannot be used:
    the damaged pair is kept aside as ``*.bad`` and the log says so)."""
    cert, key = paths(data_dir)
    if cert.exists() or key.exists():
        problem = _unusable(cert, key)
        if problem is None:
            return cert, key
        for path in (cert, key):
            if path.exists():
                os.replace(path, path.with_name(path.name + ".bad"))
        log.error("the web page's certificate in %s cannot be used (%s); it was kept as *.bad "
                  "and a new one is made: browsers will warn once about the new certificate",
                  cert.parent, problem)
    _make(cert, key)
    log.warning("made the web page's certificate, %s", fingerprint(cert))
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    """A TLS server context for the page: TLS 1.2 or later, Python's default ciphers."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(cert), str(key))
    return context


def fingerprint(cert: Path) -> str:
    """The certificate's SHA-256 fingerprint as browsers show it: ``SHA256 AB:CD:...``."""
    der = ssl.PEM_cert_to_DER_cert(Path(cert).read_text(encoding="ascii"))
    digest = hashlib.sha256(der).hexdigest().upper()
    return "SHA256 " + ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def current_fingerprint(data_dir: Path) -> str | None:
    """The fingerprint of the certificate in ``data_dir``, or None if there is none (yet)."""
    cert, _ = paths(data_dir)
    try:
        return fingerprint(cert)
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _unusable(cert: Path, key: Path) -> str | None:
    try:
        server_context(cert, key)
    except FileNotFoundError as exc:
        return f"{Path(exc.filename).name} is missing"
    except (ssl.SSLError, OSError, ValueError) as exc:
        return str(exc)
    return None


def names() -> list[str]:
    """The subject alternative names: the host name, its mDNS name and this machine's addresses."""
    host = socket.gethostname()
    found = [f"DNS:{host}", f"DNS:{host}.local", "DNS:localhost", "IP:127.0.0.1"]
    try:
        for info in socket.getaddrinfo(host, None):
            address = info[4][0].split("%")[0]
            if f"IP:{address}" not in found:
                found.append(f"IP:{address}")
    except OSError:
        pass
    return found


def _make(cert: Path, key: Path) -> None:
    """Make a key and a self-signed certificate with openssl; both appear together or not at all."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise ApplianceError("cannot make the web page's certificate: the openssl program is "
                             "missing (sudo apt-get install openssl), or set web.https to off")
    cert.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cert.parent, prefix=".new-") as tmp:
        new_cert, new_key = Path(tmp) / CERT_NAME, Path(tmp) / KEY_NAME
        host = socket.gethostname()
        command = [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                   "ec_paramgen_curve:prime256v1", "-nodes", "-days", str(VALID_DAYS),
                   "-subj", f"/CN={host}.local/O=IVR appliance", "-addext",
                   "subjectAltName=" + ",".join(names()), "-keyout", str(new_key),
                   "-out", str(new_cert)]
        old_umask = os.umask(0o077)                # the key is never readable by others
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        finally:
            os.umask(old_umask)
        if done.returncode != 0:
            raise ApplianceError("cannot make the web page's certificate: openssl said: "
                                 + (done.stderr.strip().splitlines() or ["nothing"])[-1])
        atomic_write(key, new_key.read_bytes())        # mode 0600, the data folder's owner
        atomic_write(cert, new_cert.read_bytes())
