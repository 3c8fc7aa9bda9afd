"""Checks against Amazon's Swagger 2.0 models: requests (method, path, query) and response bodies (JSON Schema)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker  # type: ignore[import-untyped]
from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

MODELS_DIR = Path(__file__).with_name("models")
_FORMATS = FormatChecker(formats=())
_INTEGER = re.compile(r"-?\d+")
_BOOLEANS = {"true": True, "false": False}


class ContractViolation(ValueError):
    """A request or response that the model does not allow; `where` names the place, `problem` what is wrong."""

    def __init__(self, model: str, operation_id: str, where: str, problem: str) -> None:
        super().__init__(f"{model} {operation_id}: {where}: {problem}")
        self.where = where
        self.problem = problem


@dataclass(frozen=True, slots=True)
class _Operation:
    method: str
    path: str
    spec: Mapping[str, Any]
    query: Mapping[str, Mapping[str, Any]]


def parse_date_time(text: str) -> datetime:
    """An RFC 3339 date-time (Swagger's `date-time`): a date, "T", a time and a time zone."""
    parsed = datetime.fromisoformat(text)
    if "T" not in text.upper() or parsed.tzinfo is None:
        raise ValueError(f"{text!r} is not an RFC 3339 date-time with a time zone")
    return parsed


@_FORMATS.checks("date-time", raises=ValueError)  # type: ignore[untyped-decorator]
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(parse_date_time(value))


@cache
def model_document(model: str) -> Mapping[str, Any]:
    """A model file of `models/` (e.g. "sellers.json"), loaded once."""
    path = MODELS_DIR / model
    if Path(model).name != model or not path.is_file():
        raise ValueError(f"There is no model {model!r} in {MODELS_DIR}.")
    document: Mapping[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def validate_response(model: str, operation_id: str, status: int, body: object) -> None:
    """Raise ContractViolation, naming the JSON path, unless the model documents this status with this body.

    Objects are closed: a property the model does not declare is a violation, so typos cannot hide.
    """
    validator = _response_validator(model, operation_id, status)
    if validator is None:
        if body is not None:
            raise ContractViolation(model, operation_id, f"status {status}", "the model documents no body")
        return
    error = best_match(validator.iter_errors(body))
    if error is not None:
        raise ContractViolation(model, operation_id, _json_path(error.absolute_path), error.message)


def validate_request(model: str, operation_id: str, method: str, path: str, query: Mapping[str, Sequence[str]]) -> None:
    """Raise ContractViolation unless the method, path and query parameters are what the model allows.

    `path` is the path without the host; `query` maps each parameter to its values, as `urllib.parse.parse_qs`
    gives them. Array parameters may be comma-separated (Swagger's default `csv`) or repeated.
    """
    operation = _operation(model, operation_id)
    if method.upper() != operation.method:
        raise ContractViolation(model, operation_id, "method", f"{method.upper()} is not {operation.method}")
    if not _path_pattern(operation.path).fullmatch(path):
        raise ContractViolation(model, operation_id, "path", f"{path} does not match {operation.path}")
    for name in query:
        if name not in operation.query:
            raise ContractViolation(model, operation_id, f"query {name}", "is not a parameter of this operation")
    for name, spec in operation.query.items():
        values = list(query.get(name, ()))
        if not values:
            if spec.get("required"):
                raise ContractViolation(model, operation_id, f"query {name}", "is required")
            continue
        if problem := _query_problem(spec, values):
            raise ContractViolation(model, operation_id, f"query {name}", problem)


@cache
def _operation(model: str, operation_id: str) -> _Operation:
    document = model_document(model)
    for path, item in document["paths"].items():
        for method, spec in item.items():
            if isinstance(spec, dict) and spec.get("operationId") == operation_id:
                parameters = [_resolve(document, p) for p in [*item.get("parameters", []), *spec.get("parameters", [])]]
                query = {p["name"]: p for p in parameters if p.get("in") == "query"}
                return _Operation(method.upper(), path, spec, query)
    raise ValueError(f"{model} has no operation {operation_id!r}.")


def _resolve(document: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """A parameter, following a local "#/…" reference."""
    reference = node.get("$ref")
    if not isinstance(reference, str):
        return node
    target: Any = document
    for part in reference.removeprefix("#/").split("/"):
        target = target[part]
    resolved: Mapping[str, Any] = target
    return resolved


@cache
def _path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template)
    return re.compile("".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts))


@cache
def _response_validator(model: str, operation_id: str, status: int) -> Any:
    responses = _operation(model, operation_id).spec["responses"]
    response = responses.get(str(status)) or responses.get("default")
    if response is None:
        raise ContractViolation(model, operation_id, f"status {status}", "is not a documented response")
    if "schema" not in response:
        return None
    definitions = {name: _closed(schema) for name, schema in model_document(model).get("definitions", {}).items()}
    return Draft4Validator(
        {"allOf": [_closed(response["schema"])], "definitions": definitions}, format_checker=_FORMATS
    )


def _closed(schema: Any) -> Any:
    """The schema with every object that lists its properties refusing any other."""
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("properties", "definitions", "patternProperties"):
            closed[key] = {name: _closed(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "allOf", "anyOf", "oneOf", "not"):
            closed[key] = _closed(value)
        else:
            closed[key] = value
    if "properties" in schema and "additionalProperties" not in schema:
        closed["additionalProperties"] = False
    return closed


def _json_path(parts: Sequence[str | int]) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)


def _query_problem(spec: Mapping[str, Any], values: list[str]) -> str | None:
    if spec.get("type") != "array":
        return "is given more than once" if len(values) > 1 else _value_problem(spec, values[0])
    items = [item for value in values for item in value.split(",")]
    if "" in items:
        return "has an empty item"
    if len(items) > spec.get("maxItems", len(items)) or len(items) < spec.get("minItems", 0):
        return f"has {len(items)} items; the model allows {spec.get('minItems', 0)} to {spec.get('maxItems')}"
    return next((problem for item in items if (problem := _value_problem(spec.get("items", {}), item))), None)


def _value_problem(spec: Mapping[str, Any], raw: str) -> str | None:
    """What is wrong with one query value, given its Swagger type, format and constraints."""
    kind, form = spec.get("type", "string"), spec.get("format")
    value: Any = raw
    if kind == "integer" and _INTEGER.fullmatch(raw):
        value = int(raw)
    elif kind == "number" and _is_number(raw):
        value = float(raw)
    elif kind == "boolean" and raw in _BOOLEANS:
        value = _BOOLEANS[raw]
    elif kind in ("integer", "number", "boolean") or (form == "boolean" and raw not in _BOOLEANS):
        return f"{raw!r} is not a valid {form or kind}"
    elif form == "date-time" and not _is_valid_date_time(raw):
        return f"{raw!r} is not a date-time with a time zone (RFC 3339)"
    if "enum" in spec and value not in spec["enum"]:
        return f"{raw!r} is not one of {', '.join(map(str, spec['enum']))}"
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric and not spec.get("minimum", value) <= value <= spec.get("maximum", value):
        return f"{raw} is outside {spec.get('minimum', '-∞')}…{spec.get('maximum', '∞')}"
    if isinstance(value, str):
        if not spec.get("minLength", 0) <= len(value) <= spec.get("maxLength", len(value)):
            return f"{raw!r} has a length outside {spec.get('minLength', 0)}…{spec.get('maxLength', '∞')}"
        if "pattern" in spec and not re.search(spec["pattern"], value):
            return f"{raw!r} does not match {spec['pattern']}"
    return None


def _is_number(raw: str) -> bool:
    try:
        float(raw)
    except ValueError:
        return False
    return True


def _is_valid_date_time(raw: str) -> bool:
    try:
        parse_date_time(raw)
    except ValueError:
        return False
    return True
