"""Helpers shared by test modules: an OpenAI-format stand-in server (for a paid API that cannot run
here), settings for the bundled local model and for a llama_cpp.server on 127.0.0.1.

The fixtures built on these live in ``conftest.py``: ``bundled_gguf``, ``llama_server``, ``standin``.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pydantic import SecretStr

from paperpal.llm.openai_backend import OpenAIBackend
from paperpal.settings import LLMSettings, Settings

KEY = "sk-test-SECRET-0123456789abcdef"
GOOD_JSON = '{"answer": "stand-in", "items": ["a", "b"]}'


@dataclass
class Reply:
    """One scripted answer: an error status (with a JSON error body) or a completion's content."""

    status: int = 200
    content: str | None = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that give up mid-reply (timeout and cancel tests) are expected


class StandIn:
    """A stdlib HTTP server speaking OpenAI chat completions; ``script`` replies come first."""

    def __init__(self, *, rejects_json_schema: bool = False):
        self.script: deque[Reply] = deque()
        self.requests: list[dict] = []
        self.rejects_json_schema = rejects_json_schema
        self.server = _QuietServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def default_reply(self, body: dict) -> Reply:
        fmt = (body.get("response_format") or {}).get("type")
        if fmt == "json_schema" and self.rejects_json_schema:
            return Reply(400, "response_format json_schema is not supported by this server")
        wants_json = fmt is not None or "JSON" in json.dumps(body.get("messages"))
        last = body["messages"][-1]["content"]
        return Reply(content=GOOD_JSON if wants_json else f"echo: {last[:40]}")

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                headers = {k.lower(): v for k, v in self.headers.items()}
                standin.requests.append({"path": self.path, "headers": headers, "body": body})
                if self.path != "/v1/chat/completions":
                    return self._send(Reply(404, f"no route {self.path}"))
                reply = standin.script.popleft() if standin.script else standin.default_reply(body)
                time.sleep(reply.delay)
                if reply.status != 200:
                    return self._send(reply)
                if body.get("stream"):
                    return self._stream(body, reply.content)
                return self._send(reply, _completion(body, reply.content))

            def _send(self, reply: Reply, payload: dict | None = None):
                if payload is None:
                    payload = {
                        "error": {
                            "message": reply.content or "error",
                            "type": "stand_in",
                            "code": None,
                        }
                    }
                data = json.dumps(payload).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict, content: str):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = [w + " " for w in content.split(" ")]
                pieces[-1] = pieces[-1].rstrip()
                for i, piece in enumerate(pieces):
                    delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
                    chunk = {
                        "id": "chatcmpl-standin",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": body["model"],
                        "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")

        return Handler


def _completion(body: dict, content: str) -> dict:
    return {
        "id": "chatcmpl-standin",
        "object": "chat.completion",
        "created": 0,
        "model": body["model"],
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


def make_settings(url: str, **llm) -> Settings:
    llm = {
        "base_url": url,
        "model": "stand-in",
        "max_retries": 2,
        "timeout": 5.0,
        **llm,
    }
    return Settings(llm=LLMSettings(**llm), api_key=SecretStr(KEY))


def make_backend(url: str, **llm) -> OpenAIBackend:
    return OpenAIBackend(make_settings(url, **llm), backoff_base=0.01, backoff_cap=0.05)


N_CTX = 2048


def local_settings(gguf: Path, **llm) -> Settings:
    return Settings(llm=LLMSettings(**{"backend": "local", "local_model_path": str(gguf), "local_n_ctx": N_CTX, **llm}))


READY_TIMEOUT = 120.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _served_model(url: str) -> str | None:
    try:
        with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
            return json.load(response)["data"][0]["id"]
    except OSError:
        return None


def server_settings(url: str, model: str) -> Settings:
    return Settings(llm=LLMSettings(backend="openai", base_url=url, model=model, max_retries=1, timeout=120))
