"""OpenAIBackend against a real HTTP server on 127.0.0.1 standing in for a paid API (no network).

:class:`StandIn` speaks the chat-completions format (JSON and SSE streaming) and can be scripted
per request with error statuses, headers, delays and replies.  ``test_llm_conformance`` reuses it.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time

import pytest
from llm_support import GOOD_JSON, KEY, Reply, make_backend

from paperpal.errors import BackendError, Cancelled, ConfigError
from paperpal.llm import openai_backend
from paperpal.llm.base import Request
from paperpal.llm.openai_backend import (
    OpenAIBackend,
    estimate_tokens,
    known_context_window,
)
from paperpal.settings import LLMSettings, Settings

SCHEMA = {
    "type": "object",
    "properties": {
        "answer": {"type": "string", "minLength": 1},
        "items": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    },
    "required": ["answer", "items"],
}


@pytest.fixture(autouse=True)
def _fresh_json_modes(monkeypatch):
    monkeypatch.setattr(openai_backend, "_JSON_MODE_BY_ENDPOINT", {})


def assert_one_line(err: BaseException) -> str:
    text = str(err)
    assert "\n" not in text and KEY not in text
    return text


REQ = Request(prompt="Say hello", system="You are terse.", max_tokens=16)


def test_complete_sends_system_and_user_with_key(standin):
    result = make_backend(standin.url).complete(REQ)
    assert result.text == "echo: Say hello"
    assert (result.prompt_tokens, result.completion_tokens, result.finish_reason) == (
        11,
        7,
        "stop",
    )
    sent = standin.requests[0]
    assert sent["body"]["messages"] == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Say hello"},
    ]
    assert sent["headers"]["authorization"] == f"Bearer {KEY}"


def test_429_retried_and_retry_after_honoured(standin):
    standin.script.extend([Reply(429, "slow down", {"Retry-After": "0.3"}), Reply(429, "slow down")])
    started = time.monotonic()
    assert make_backend(standin.url).complete(REQ).text == "echo: Say hello"
    assert time.monotonic() - started >= 0.3  # the backoff alone would be ~0.01 s
    assert len(standin.requests) == 3


def test_500_retries_exhausted_is_one_line_naming_endpoint(standin):
    standin.script.extend(Reply(500, "boom") for _ in range(3))
    with pytest.raises(BackendError) as info:
        make_backend(standin.url).complete(REQ)
    text = assert_one_line(info.value)
    assert standin.url in text and "HTTP 500" in text and "after 2 retries" in text
    assert len(standin.requests) == 3


def test_long_retry_after_is_reported_not_waited(standin):
    standin.script.append(Reply(429, "quota", {"Retry-After": "3600"}))
    with pytest.raises(BackendError, match="3600") as info:
        make_backend(standin.url).complete(REQ)
    assert "429" in assert_one_line(info.value) and len(standin.requests) == 1


def test_401_message_and_logs_never_contain_key(standin, caplog):
    standin.script.append(Reply(401, f"Incorrect API key provided: {KEY}"))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(BackendError) as info:
        make_backend(standin.url).complete(REQ)
    text = assert_one_line(info.value)
    assert "API key was rejected" in text and standin.url in text and "OPENAI_API_KEY" in text
    assert KEY not in repr(info.value) and KEY not in caplog.text
    assert len(standin.requests) == 1  # 401 is not retried


def test_404_names_model(standin):
    standin.script.append(Reply(404, "The model `stand-in` does not exist"))
    with pytest.raises(BackendError) as info:
        make_backend(standin.url).complete(REQ)
    text = assert_one_line(info.value)
    assert "'stand-in' not found" in text and standin.url in text and "OPENAI_MODEL" in text


def test_connection_refused_names_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    with pytest.raises(BackendError) as info:
        make_backend(url, max_retries=1).complete(REQ)
    text = assert_one_line(info.value)
    assert text.startswith(f"Cannot reach {url}") and "OPENAI_BASE_URL" in text


def test_timeout_is_one_line(standin):
    standin.script.append(Reply(content="late", delay=1.0))
    with pytest.raises(BackendError, match="did not answer within 0.2 s") as info:
        make_backend(standin.url, timeout=0.2, max_retries=0).complete(REQ)
    assert_one_line(info.value)


def test_no_model_is_config_error():
    with pytest.raises(ConfigError, match="OPENAI_MODEL"):
        OpenAIBackend(Settings(llm=LLMSettings(base_url="http://127.0.0.1:1/v1")))


def test_json_schema_mode_used_when_accepted(standin):
    result = make_backend(standin.url).complete_json(REQ, SCHEMA)
    assert result.data == json.loads(GOOD_JSON)
    assert standin.requests[0]["body"]["response_format"]["type"] == "json_schema"


def test_rejected_json_schema_falls_back_and_is_remembered(standin):
    standin.rejects_json_schema = True
    backend = make_backend(standin.url)
    assert backend.complete_json(REQ, SCHEMA).data["answer"] == "stand-in"
    formats = [r["body"].get("response_format", {}).get("type") for r in standin.requests]
    assert formats == ["json_schema", "json_object"]
    assert standin.requests[1]["body"]["response_format"]["schema"] == SCHEMA
    assert "JSON schema" in standin.requests[1]["body"]["messages"][-1]["content"]
    backend.complete_json(REQ, SCHEMA)
    assert standin.requests[2]["body"]["response_format"]["type"] == "json_object"


def test_500_naming_response_format_is_a_rejection_not_retried(standin):
    standin.script.append(Reply(500, "validation error: body.response_format.type: input should be 'text'"))
    assert make_backend(standin.url).complete_json(REQ, SCHEMA).data["answer"] == "stand-in"
    assert len(standin.requests) == 2  # json_schema refused once, then json_object + schema


def test_plain_prompt_mode_when_no_response_format_accepted(standin):
    standin.script.extend([Reply(400, "unknown field response_format")] * 3)
    result = make_backend(standin.url).complete_json(REQ, SCHEMA)
    assert result.data["items"] == ["a", "b"]
    assert "response_format" not in standin.requests[3]["body"]


def test_invalid_json_is_reasked_once_with_the_error(standin):
    standin.script.extend([Reply(content='{"answer": ""}'), Reply(content=f"```json\n{GOOD_JSON}\n```")])
    result = make_backend(standin.url).complete_json(REQ, SCHEMA)
    assert result.data == json.loads(GOOD_JSON)
    reask = standin.requests[1]["body"]["messages"]
    assert reask[-2] == {"role": "assistant", "content": '{"answer": ""}'}
    assert "not valid" in reask[-1]["content"] and "items" in reask[-1]["content"]


def test_invalid_json_twice_is_backend_error(standin):
    standin.script.extend([Reply(content="no json here"), Reply(content='{"answer": "x", "items": []}')])
    with pytest.raises(BackendError, match="after one re-ask") as info:
        make_backend(standin.url).complete_json(REQ, SCHEMA)
    assert standin.url in assert_one_line(info.value)
    assert len(standin.requests) == 2


def test_stream_yields_pieces(standin):
    standin.script.append(Reply(content="one two three"))
    pieces = list(make_backend(standin.url).stream(REQ))
    assert pieces == ["one ", "two ", "three"]
    assert standin.requests[0]["body"]["stream"] is True


def test_stream_cancel(standin):
    standin.script.append(Reply(content="one two three"))
    cancel = threading.Event()
    pieces = make_backend(standin.url).stream(REQ, cancel=cancel)
    assert next(pieces) == "one "
    cancel.set()
    with pytest.raises(Cancelled):
        next(pieces)


def test_estimates_and_context_windows():
    assert estimate_tokens("abcdefg") == 2
    assert estimate_tokens("注意力机制") == 5
    assert known_context_window("gpt-4o-mini") == 128_000
    assert known_context_window("openai/gpt-4.1-mini") == 1_047_576
    assert known_context_window("moonshot-v1-32k") == 32_768
    assert make_backend("http://127.0.0.1:1/v1", model="some-local-model").context_window == 8192
    assert make_backend("http://127.0.0.1:1/v1", context_window=4096).context_window == 4096
