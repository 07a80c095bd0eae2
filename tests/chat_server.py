"""Local servers for the ``openai:`` tests, bound to 127.0.0.1 and stopped by their tests:
:class:`ChatServer`, a chat-completions endpoint run from a script of answers, and
:class:`RawServer`, which answers each connection with raw bytes (a drip feed, a malformed
status line, a body cut short, a reset)."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ChatServer:
    """A threaded HTTP server answering ``POST /v1/chat/completions``.

    ``script`` holds one behaviour per request, used in order (the last one repeats):
    ``(status, body, headers, delay_s)`` or a callable ``(body, headers) -> that tuple``.
    The server records requests, ``Authorization`` headers and the largest number of
    requests it was handling at once.  A request counts as in flight from its arrival
    until its answer starts, so the client (which sends its next request only once an
    answer arrived) can never be seen above its own bound.  With ``gather=N`` each
    request is held until N are in flight (or 5 s passed), so that a client allowed N at
    once is seen at N however slowly its threads start.
    """

    def __init__(self, gather: int | None = None) -> None:
        self.script: deque = deque()
        self.requests: list[dict] = []
        self.auth: list[str | None] = []
        self.lock = threading.Condition()
        self.in_flight = 0
        self.max_in_flight = 0
        self.gather = gather
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                with server.lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                    server.requests.append(body)
                    server.auth.append(self.headers.get("Authorization"))
                    step = server.script.popleft() if len(server.script) > 1 else server.script[0]
                    server.lock.notify_all()
                    if server.gather:
                        server.lock.wait_for(lambda: server.in_flight >= server.gather, 5)
                try:
                    status, payload, headers, delay = step(body, self.headers) if callable(step) else step
                    time.sleep(delay)
                    if self.path != "/v1/chat/completions":
                        status, payload, headers = 404, {"error": {"message": "no route"}}, {}
                    data = json.dumps(payload).encode()
                finally:
                    with server.lock:
                        server.in_flight -= 1
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def ok(text: str | Callable = "- The council voted.\n- Buses will be free.", delay: float = 0.0):
    def answer(body, headers):
        content = text(body) if callable(text) else text
        return 200, {"choices": [{"message": {"role": "assistant", "content": content}}]}, {}, delay
    return answer


def answer_bytes(content: str) -> bytes:
    """A complete chat-completions answer with ``content``, as a JSON body."""
    return json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()


class RawServer:
    """Accepts connections on 127.0.0.1 and hands each one, after reading its request, to
    ``behaviour(connection, server)`` in a thread of its own.  ``connections`` counts the
    requests; ``headers`` keeps each request's header block.  ``close()`` (or the
    ``deadline_s`` of its life) stops it."""

    def __init__(self, behaviour: Callable[[socket.socket, "RawServer"], None],
                 deadline_s: float = 120.0) -> None:
        self.behaviour = behaviour
        self.connections = 0
        self.headers: list[bytes] = []
        self.stopped = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self._until = time.monotonic() + deadline_s
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def port(self) -> int:
        return self.listener.getsockname()[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _serve(self) -> None:
        while not self.stopped.is_set() and time.monotonic() < self._until:
            try:
                connection, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(10)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = connection.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, rest = data.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                while len(rest) < length:
                    rest += connection.recv(65536)
                self.headers.append(head)
                self.connections += 1
                self.behaviour(connection, self)
            except OSError:
                pass

    def close(self) -> None:
        self.stopped.set()
        self.listener.close()


def drip(body: bytes, every_s: float = 1.0,
         head_too: bool = False) -> Callable[[socket.socket, RawServer], None]:
    """Status line and headers at once (or, ``head_too``, dripped as well), then the body
    one byte every ``every_s``."""
    def behaviour(connection: socket.socket, server: RawServer) -> None:
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        dripped = head + body if head_too else body
        if not head_too:
            connection.sendall(head)
        for i in range(len(dripped)):
            if server.stopped.wait(every_s):
                return
            connection.sendall(dripped[i:i + 1])
    return behaviour


def send(raw: bytes, reset: bool = False) -> Callable[[socket.socket, RawServer], None]:
    """Send ``raw`` and close (with a TCP reset when ``reset``)."""
    def behaviour(connection: socket.socket, server: RawServer) -> None:
        if raw:
            connection.sendall(raw)
        if reset:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return behaviour


def redirect(location: str, code: int = 302) -> Callable[[socket.socket, RawServer], None]:
    """Answer with a redirect to ``location``."""
    return send(f"HTTP/1.1 {code} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n"
                f"Connection: close\r\n\r\n".encode())
