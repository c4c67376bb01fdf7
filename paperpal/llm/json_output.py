"""Turning a model's text reply into schema-valid JSON (for endpoints without constrained output)."""

from __future__ import annotations

import json
import re

import jsonschema

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
