"""ace-pga: decode, validate and encode U.S. CBP ACE PGA Message Set (CATAIR) transmissions.

The documents are the ``ace-pga`` CLI's JSON (``decode``, ``dump``, ``check --format json``,
``status --format json``) as Python objects. The GIL is released while the native code
parses, validates and encodes.
"""

from __future__ import annotations

import datetime
import json
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

from . import _native

__all__ = [
    "EncodeError",
    "ParseError",
    "__version__",
    "check",
    "decode",
    "dump",
    "encode",
    "status",
]

__version__: str = _native.version()

_OK, _INVALID, _USAGE = 0, 1, 2


class _FindingsError(ValueError):
    """A refused input: the message is the finding text, ``findings`` the findings (dicts in
    the shape of ``check``'s findings: rule, severity, ruleset, line, columns, record,
    offset, cbp_code, message)."""

    findings: List[Dict[str, Any]]

    def __init__(self, message: str, findings: Optional[List[Dict[str, Any]]] = None) -> None:
        super().__init__(message)
        self.findings = list(findings or [])


class ParseError(_FindingsError):
    """The input is not a valid transmission (a parse error: bad framing, a short line …)."""


class EncodeError(_FindingsError):
    """The JSON is not a decode document, or a value does not fit its field."""


def _bytes(data: Any, what: str) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"{what} must be bytes, not {type(data).__name__}")


def _options(**kw: Any) -> str:
    return json.dumps(kw)


def _flag(value: Any, what: str) -> bool:
    # `lenient="no"` must not turn lenient parsing on: only a real bool is taken.
    if isinstance(value, bool):
        return value
    raise TypeError(f"{what} must be a bool, not {type(value).__name__}")


def _count(value: Any, what: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{what} must be 0 or more, not {value}")
        return value
    raise TypeError(f"{what} must be an int, not {type(value).__name__}")


def _result(status: int, out: bytes, error: type) -> Any:
    if status == _OK:
        return json.loads(out)
    if status == _USAGE:
        raise ValueError(out.decode("utf-8", "replace"))
    doc = json.loads(out)
    raise error(doc["error"], doc["findings"])


def decode(data: bytes, *, lenient: bool = False) -> Dict[str, Any]:
    """The tree with the typed organic (AMS OR1/OR2) views (``ace-pga decode``).

    Raises ``ParseError`` when the input has a parse error (a response, SX/SO/UC …, is read
    leniently and never refused for a record-level problem).
    """
    status, out = _native.decode(_bytes(data, "data"), _options(lenient=_flag(lenient, "lenient")))
    return _result(status, out, ParseError)


def dump(data: bytes, *, lenient: bool = False) -> List[Dict[str, Any]]:
    """The canonical field dump, one dict per record (``ace-pga dump``).

    Raises ``ParseError`` when the input has a parse error.
    """
    status, out = _native.dump(_bytes(data, "data"), _options(lenient=_flag(lenient, "lenient")))
    return _result(status, out, ParseError)


def check(
    data: bytes,
    *,
    as_of: Union[str, datetime.date, None] = None,
    lenient: bool = False,
    enable: Iterable[str] = (),
    rules: Optional[Mapping[str, str]] = None,
    max_findings: Optional[int] = None,
) -> Dict[str, Any]:
    """Validates (SPEC 6 rules F, S, E, OR): the ``ace-pga check --format json`` report.

    ``as_of``: the filing date (``YYYY-MM-DD`` or a ``datetime.date``; default today, UTC).
    ``enable``: opt-in rule ids to run. ``rules``: rule id to ``"error"``, ``"warning"`` or
    ``"off"``. The report is returned whether or not it has errors (``report["errors"]``).
    Raises ``ValueError`` for an unknown rule id, a bad level or date.
    """
    if isinstance(enable, str):
        raise TypeError("enable must be a list of rule ids, not a str")
    opts: Dict[str, Any] = {"lenient": _flag(lenient, "lenient"), "enable": list(enable)}
    if as_of is not None:
        opts["as_of"] = as_of.isoformat() if isinstance(as_of, datetime.date) else str(as_of)
    if rules is not None:
        opts["rules"] = dict(rules)
    if max_findings is not None:
        opts["max_findings"] = _count(max_findings, "max_findings")
    status, out = _native.check(_bytes(data, "data"), json.dumps(opts))
    if status == _USAGE:
        raise ValueError(out.decode("utf-8", "replace"))
    return json.loads(out)


def encode(doc: Union[Dict[str, Any], str, bytes]) -> bytes:
    """The transmission's bytes of a decode document (``ace-pga encode``).

    Raises ``EncodeError`` (naming the JSON path and, inside a record, its line and id) when
    the JSON is not a decode document or a value does not fit its field.
    """
    if isinstance(doc, dict):
        text = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    elif isinstance(doc, str):
        text = doc.encode("utf-8")
    else:
        text = _bytes(doc, "doc")
    status, out = _native.encode(text)
    if status == _OK:
        return out
    if status == _USAGE:
        raise ValueError(out.decode("utf-8", "replace"))
    err = json.loads(out)
    raise EncodeError(err["error"], err["findings"])


def status(submission: bytes, *responses: bytes) -> Dict[str, Any]:
    """The status of each PGA line of a submission from CBP's responses, in arrival order
    (``ace-pga status --format json``; the submission is named ``submission`` and the
    responses ``responses[0]``, ``responses[1]`` … in the document).

    Raises ``ParseError`` when the submission has a parse error. A response that is not a
    transmission at all is listed under ``"skipped"``.
    """
    resp = [_bytes(r, f"responses[{i}]") for i, r in enumerate(responses)]
    code, out = _native.status(_bytes(submission, "submission"), resp)
    if code == _INVALID:
        doc = json.loads(out)
        if "error" in doc:
            raise ParseError(doc["error"], doc["findings"])
        return doc
    return _result(code, out, ParseError)
