"""Where the worker hands e-mails over: an SMTP server, or files on disk.

Both speak the same small interface so the worker does not know which one it
has. The SMTP transport uses smtplib directly, with a timeout, so that every
failure is classified: retryable (refused connection, timeout, 4xx answers)
or permanent (5xx answers, which are kept as the server gave them).

TLS is STARTTLS (EMAIL_USE_TLS) or TLS from the first byte (EMAIL_USE_SSL); the
server's certificate is always verified, and Msem presents a client certificate
when one is configured (EMAIL_SSL_CERTFILE/KEYFILE): a relay that authenticates
its clients by certificate needs no password (ASVS 13.2.1). A refused or missing
certificate is a TLS failure like any other: retried, never lost.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import Message
from pathlib import Path
from typing import Protocol, Self

from django.conf import settings

from msem.outbox.errors import DeliveryError


class Transport(Protocol):
    def __enter__(self) -> Self: ...

    def __exit__(self, *exc_info: object) -> None: ...

    def send(self, *, sender: str, recipient: str, message: Message) -> None: ...


def _decode(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


class SmtpTransport:
    """One connection for a run of the worker, reopened when the server drops it."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        username: str = "",
        password: str = "",
        use_tls: bool = False,
        use_ssl: bool = False,
        certfile: str | None = None,
        keyfile: str | None = None,
        cafile: str | None = None,
        timeout: float = 20,
    ) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.username, self.password, self.use_tls, self.use_ssl = username, password, use_tls, use_ssl
        self.certfile, self.keyfile, self.cafile = certfile, keyfile, cafile
        self._connection: smtplib.SMTP | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _tls_context(self) -> ssl.SSLContext:
        # Built for each connection, so that certificate files replaced on disk are read by the next one.
        context = ssl.create_default_context(cafile=self.cafile)
        if self.certfile:
            try:
                context.load_cert_chain(self.certfile, self.keyfile)
            except OSError as error:
                # ssl's own message names no file: say which, for the operator reading the outbox's last error.
                files = f"{self.certfile}, {self.keyfile}" if self.keyfile else self.certfile
                raise OSError(f"cannot load the client certificate ({files}): {error}") from error
        return context

    def _connect(self) -> smtplib.SMTP:
        if self.use_ssl:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._tls_context()
            )
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.use_tls:
                connection.starttls(context=self._tls_context())
            if self.username:
                connection.login(self.username, self.password)
        except BaseException:
            # Not kept (the caller never sees it): close the socket now rather than at garbage collection.
            connection.close()
            raise
        return connection

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.quit()
            except (smtplib.SMTPException, OSError):
                self._connection.close()
            self._connection = None

    def send(self, *, sender: str, recipient: str, message: Message) -> None:
        try:
            if self._connection is None:
                self._connection = self._connect()
            # SMTP wants CRLF line ends; smtplib leaves bytes as they are.
            wire = message.as_bytes(linesep="\r\n")  # type: ignore[call-arg]  # Django's SafeMIME
            self._connection.sendmail(sender, [recipient], wire)
        except smtplib.SMTPRecipientsRefused as error:
            self._reset()
            code, answer = next(iter(error.recipients.values()))
            raise DeliveryError(f"{code} {_decode(answer)}", permanent=code >= 500, code=code) from error
        except smtplib.SMTPResponseException as error:
            self._reset()
            code = error.smtp_code
            raise DeliveryError(f"{code} {_decode(error.smtp_error)}", permanent=code >= 500, code=code) from error
        except (smtplib.SMTPException, OSError) as error:
            # Refused or dropped connections, timeouts, TLS trouble: try again later.
            self.close()
            self._connection = None
            raise DeliveryError(f"{type(error).__name__}: {error}", permanent=False) from error

    def _reset(self) -> None:
        """After a refused message the session may be mid-transaction: start clean."""
        if self._connection is None:
            return
        try:
            self._connection.rset()
        except (smtplib.SMTPException, OSError):
            self.close()


class DirectoryTransport:
    """The embedded mode's mailbox: each message written as one .eml file."""

    def __init__(self, *, directory: Path) -> None:
        self.directory = directory

    def __enter__(self) -> Self:
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def send(self, *, sender: str, recipient: str, message: Message) -> None:
        message_id = str(message["Message-ID"]).strip("<>").replace("/", "_")
        path = self.directory / f"{message_id}.eml"
        try:
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(message.as_bytes())
            temporary.replace(path)
        except OSError as error:
            raise DeliveryError(f"cannot write {path}: {error}", permanent=False) from error


def transport_from_settings() -> Transport:
    if settings.EMAIL_HOST:
        return SmtpTransport(
            host=settings.EMAIL_HOST,
            port=settings.EMAIL_PORT,
            username=settings.EMAIL_HOST_USER,
            password=settings.EMAIL_HOST_PASSWORD,
            use_tls=settings.EMAIL_USE_TLS,
            use_ssl=settings.EMAIL_USE_SSL,
            certfile=settings.EMAIL_SSL_CERTFILE,
            keyfile=settings.EMAIL_SSL_KEYFILE,
            cafile=settings.MSEM_EMAIL_SSL_CAFILE,
            timeout=settings.EMAIL_TIMEOUT,
        )
    return DirectoryTransport(directory=Path(settings.EMAIL_FILE_PATH))
