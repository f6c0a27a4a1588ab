import datetime
from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

__version__: str

class ParseError(ValueError):
    """The input is not a valid transmission; ``findings`` lists what is wrong."""

    findings: List[Dict[str, Any]]
    def __init__(self, message: str, findings: Optional[List[Dict[str, Any]]] = ...) -> None: ...

class EncodeError(ValueError):
    """The JSON is not a decode document, or a value does not fit its field."""

    findings: List[Dict[str, Any]]
    def __init__(self, message: str, findings: Optional[List[Dict[str, Any]]] = ...) -> None: ...

def decode(data: bytes, *, lenient: bool = ...) -> Dict[str, Any]: ...
def dump(data: bytes, *, lenient: bool = ...) -> List[Dict[str, Any]]: ...
def check(
    data: bytes,
    *,
    as_of: Union[str, datetime.date, None] = ...,
    lenient: bool = ...,
    enable: Iterable[str] = ...,
    rules: Optional[Mapping[str, str]] = ...,
    max_findings: Optional[int] = ...,
) -> Dict[str, Any]: ...
def encode(doc: Union[Dict[str, Any], str, bytes]) -> bytes: ...
def status(submission: bytes, *responses: bytes) -> Dict[str, Any]: ...
