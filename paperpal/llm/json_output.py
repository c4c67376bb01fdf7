"""Turning a model's text reply into schema-valid JSON (for endpoints without constrained output)."""

from __future__ import annotations

import json
import re

import jsonschema

_DANGLING = re.compile(r'(?:,?\s*"(?:[^"\\]|\\.)*"\s*:?|,|:)\s*$')  # a cut-off key (or its separator)
_FENCE = re.compile(r"^```[a-zA-Z0-9_-]*\s*\n(.*?)\n?```\s*$", re.DOTALL)


class InvalidJSON(ValueError):
    """The reply is not JSON, or not valid against the schema; ``str()`` is a one-line reason."""


def parse_json_reply(text: str, schema: dict):
    """Parse ``text`` (tolerating a ```json fence or prose around one object) and validate it."""
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1).strip()
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        start, end = body.find("{"), body.rfind("}")
        if start < 0 or end <= start:
            raise InvalidJSON(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
        try:
            data = json.loads(body[start : end + 1])
        except json.JSONDecodeError as inner:
            raise InvalidJSON(f"not JSON: {inner.msg} at line {inner.lineno} column {inner.colno}") from None
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the top level"
        raise InvalidJSON(f"at {where}: {exc.message.splitlines()[0][:200]}") from None
    return data


def schema_instruction(schema: dict) -> str:
    """Text appended to a prompt when the endpoint cannot be given the schema any other way."""
    return (
        "\n\nReply with only one JSON object (no prose, no code fence) that is valid against this JSON schema:\n"
        + json.dumps(schema, ensure_ascii=False)
    )


def _closing(text: str) -> tuple[str, int] | None:
    """The brackets (and quote) that close ``text``'s open JSON, and the index after its last complete
    value or container opening (where a cut-off key or number can be dropped); None if not one object."""
    stack: list[str] = []
    in_string = escaped = False
    safe = -1
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
                safe = i + 1
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
            safe = i + 1
        elif ch in "}]":
            if not stack:
                return None
            stack.pop()
            safe = i + 1
    tail = ('"' if in_string and not escaped else "") + "".join(reversed(stack))
    return tail, safe


def parse_partial_json(text: str) -> dict | None:
    """The object a JSON reply that is still being generated holds so far (open strings and containers
    closed, a half-written key or number dropped), or None when nothing usable has arrived yet."""
    body = text[text.find("{") :] if "{" in text else ""
    for _ in range(4):
        found = _closing(body)
        if not body or found is None:
            return None
        tail, safe = found
        try:
            data = json.loads(body + tail)
            return data if isinstance(data, dict) else None
        except json.JSONDecodeError:
            pass
        # cut back to the last complete piece, then drop a dangling separator or key
        body = body[:safe].rstrip()
        body = _DANGLING.sub("", body)
    return None
