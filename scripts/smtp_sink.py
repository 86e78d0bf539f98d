#!/usr/bin/env python3
"""A real SMTP server for tests (aiosmtpd): stores every accepted message as JSON in a directory.

    smtp_sink.py --dir DIR [--port 0] [--starttls] [--implicit-tls] [--auth USER:PASS]
                 [--fail-first N] [--fail-code 451] [--delay-rcpt SECONDS]
                 [--hang-rcpt-at N | --hang-data-at N] [--greeting CODE]

Prints one line `READY <port> <cert-path-or->` on stdout once it accepts connections. With --starttls or
--implicit-tls it makes a throwaway self-signed certificate for `localhost` (openssl) in DIR. With
--fail-first N the first N messages get a temporary failure (the code), so retries can be tested. Each
accepted message becomes DIR/NNNN.json with the envelope, the decoded subject and text body, and the
raw headers; it stops on SIGTERM or when stdin closes.

Faults, for delivery tests: --delay-rcpt answers each RCPT after a pause (a slow server, before any
content is sent). --hang-rcpt-at N never answers the N-th RCPT (nothing of that message is stored);
--hang-data-at N stores the N-th message but never answers its end of data with "250" — the window in
which a client cannot know that the message arrived. Either writes DIR/hanging ("rcpt N" or "data N")
when the hang begins and holds until the client goes away (at most 60 s). --greeting CODE is a server
that answers every connection with CODE and closes it (421: busy; 554: no service).
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import ssl
import subprocess
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Store:
    def __init__(self, directory, fail_first, fail_code, implicit_tls, delay_rcpt=0.0, hang_rcpt_at=0, hang_data_at=0):
        self.implicit_tls = implicit_tls
        self.directory = directory
        self.fail_left = fail_first
        self.fail_code = fail_code
        self.count = 0
        self.rcpts = 0
        self.delay_rcpt = delay_rcpt
        self.hang_rcpt_at = hang_rcpt_at
        self.hang_data_at = hang_data_at
        self.lock = threading.Lock()

    async def hang(self, what):
        with open(os.path.join(self.directory, "hanging.tmp"), "w") as f:
            f.write(what)
        os.replace(os.path.join(self.directory, "hanging.tmp"), os.path.join(self.directory, "hanging"))
        # Cancelled when the client goes away (aiosmtpd cancels the session's handler).
        await asyncio.sleep(60)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpts += 1
            n = self.rcpts
        if self.delay_rcpt:
            await asyncio.sleep(self.delay_rcpt)
        if n == self.hang_rcpt_at:
            await self.hang(f"rcpt {n}")
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_left > 0:
                self.fail_left -= 1
                return f"{self.fail_code} Try again later (test sink)"
            self.count += 1
            n = self.count
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(msg["subject"] or ""),
            "from": str(msg["from"] or ""),
            "to": str(msg["to"] or ""),
            "message_id": str(msg["message-id"] or ""),
            "text": body.get_content() if body is not None else "",
            "tls": bool(session.ssl) or self.implicit_tls,
            "authenticated": bool(session.authenticated),
            "headers": {k: str(v) for k, v in msg.items()},
        }
        path = os.path.join(self.directory, f"{n:04d}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.replace(path + ".tmp", path)
        if n == self.hang_data_at:
            await self.hang(f"data {n}")
        return "250 OK stored"


def refuse_sessions(port, code):
    """A server that greets every connection with `code` and closes it."""
    import socketserver

    class Refuse(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.sendall(f"{code} test sink refuses the session\r\n".encode())

    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def make_cert(directory):
    cert, key = os.path.join(directory, "sink-cert.pem"), os.path.join(directory, "sink-key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return cert, ctx


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--starttls", action="store_true")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--fail-first", type=int, default=0)
    p.add_argument("--fail-code", type=int, default=451)
    p.add_argument("--delay-rcpt", type=float, default=0.0)
    p.add_argument("--hang-rcpt-at", type=int, default=0)
    p.add_argument("--hang-data-at", type=int, default=0)
    p.add_argument("--greeting", type=int, default=0)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)

    cert, ctx = ("-", None)
    if a.starttls or a.implicit_tls:
        cert, ctx = make_cert(a.dir)

    kwargs = {}
    if a.auth:
        user, password = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login.decode() == user and data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        # Implicit TLS: aiosmtpd does not count the TLS socket as TLS for AUTH, so do not ask it to.
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=a.starttls)
    if a.starttls:
        kwargs.update(tls_context=ctx, require_starttls=True)

    port = a.port
    if port == 0:
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
    if a.greeting:
        controller = refuse_sessions(port, a.greeting)
        controller.stop = controller.shutdown
    else:
        controller = Controller(
            Store(a.dir, a.fail_first, a.fail_code, a.implicit_tls, a.delay_rcpt, a.hang_rcpt_at, a.hang_data_at),
            hostname="127.0.0.1", port=port, ssl_context=ctx if a.implicit_tls else None, server_hostname="localhost",
            server_kwargs=kwargs)
        controller.start()
    print(f"READY {port} {cert}", flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    def watch_stdin():
        try:
            sys.stdin.read()
        except Exception:
            pass
        stop.set()

    if not sys.stdin.isatty():
        threading.Thread(target=watch_stdin, daemon=True).start()
    stop.wait()
    # A client still connected can keep aiosmtpd's shutdown waiting: never longer than 3 s.
    threading.Timer(3, lambda: os._exit(0)).start()
    controller.stop()
    os._exit(0)


if __name__ == "__main__":
    main()
