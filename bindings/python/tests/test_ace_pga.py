"""Tests of the ace_pga wheel over the shipped samples (run from the installed wheel in a
fresh venv by .ci/run: ``pytest bindings/python/tests``)."""

import datetime
import pathlib
import re
import threading
import time

import pytest

import ace_pga
from ace_pga import _native

ROOT = pathlib.Path(__file__).resolve().parents[3]
VALID = sorted((ROOT / "spec-samples" / "valid").glob("*.txt"))
INVALID = sorted((ROOT / "spec-samples" / "invalid").glob("*.txt"))
AS_OF = "2026-03-16"
RESPONSES = {"sx-response.txt", "so-status.txt", "so-versions.txt"}


def read(name: str) -> bytes:
    return (ROOT / "spec-samples" / name).read_bytes()


def test_samples_are_there():
    assert len(VALID) >= 10 and len(INVALID) >= 20


def test_version_is_the_crate_version():
    cargo = (ROOT / "Cargo.toml").read_text()
    version = re.search(r'^version = "([^"]+)"', cargo, re.M).group(1)
    assert ace_pga.__version__ == version


def test_the_wheel_is_typed():
    package = pathlib.Path(ace_pga.__file__).parent
    for name in ("py.typed", "__init__.pyi", "_native.pyi"):
        assert (package / name).is_file(), name


def test_exceptions_are_value_errors():
    assert issubclass(ace_pga.ParseError, ValueError)
    assert issubclass(ace_pga.EncodeError, ValueError)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_decode_encode_round_trip(path):
    data = path.read_bytes()
    doc = ace_pga.decode(data)
    assert isinstance(doc, dict) and doc["batches"]
    assert isinstance(doc["organic"], list)
    assert ace_pga.encode(doc) == data
    # The same document as text.
    import json

    assert ace_pga.encode(json.dumps(doc)) == data


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_dump_has_one_dict_per_record(path):
    data = path.read_bytes()
    records = ace_pga.dump(data)
    assert isinstance(records, list) and all(isinstance(r, dict) for r in records)
    # One per 80-byte record of the input (without its line terminators), in order.
    n = len(data.replace(b"\r\n", b"").replace(b"\n", b"")) // 80
    assert [r["line"] for r in records] == list(range(1, n + 1))
    assert all(isinstance(r["record"], str) and r["record"] for r in records)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_check_valid_samples_have_no_error(path):
    report = ace_pga.check(path.read_bytes(), as_of=AS_OF)
    assert report["errors"] == 0, report["findings"]
    assert report["as_of"] == AS_OF and report["mode"] == "strict"


@pytest.mark.parametrize(
    "path", [p for p in INVALID if p.name != "short-line-lenient.txt"], ids=lambda p: p.name
)
def test_check_invalid_samples_have_findings(path):
    report = ace_pga.check(path.read_bytes(), as_of=datetime.date(2026, 3, 16))
    assert report["as_of"] == AS_OF
    assert report["findings"], path.name
    for f in report["findings"]:
        assert set(f) == {
            "rule", "severity", "ruleset", "line", "columns", "record", "offset", "cbp_code", "message"
        }
        assert f["severity"] in ("error", "warning")


def test_parse_error_carries_the_findings():
    data = read("invalid/short-line-strict.txt")
    with pytest.raises(ace_pga.ParseError) as e:
        ace_pga.decode(data)
    assert "F-001" in str(e.value) and "31 bytes, expected 80" in str(e.value)
    assert e.value.findings[0]["rule"] == "F-001"
    with pytest.raises(ace_pga.ParseError):
        ace_pga.dump(data)
    # Leniently, the short line is padded (a warning).
    assert ace_pga.decode(data, lenient=True)["batches"]
    assert ace_pga.dump(data, lenient=True)


def test_not_a_transmission_is_a_parse_error():
    with pytest.raises(ace_pga.ParseError) as e:
        ace_pga.decode(read("invalid/json-not-catair.txt"))
    assert e.value.findings and e.value.findings[0]["rule"] == "F-023"
    with pytest.raises(ace_pga.ParseError):
        ace_pga.decode(b"")


def test_check_options():
    data = read("invalid/or2-nop-id-10-digit.txt")
    report = ace_pga.check(data, as_of=AS_OF)
    assert report["errors"] == 1 and report["by_rule"] == {"OR-002": 1}
    relaxed = ace_pga.check(data, as_of=AS_OF, rules={"OR-002": "warning"})
    assert relaxed["errors"] == 0 and relaxed["warnings"] == 1
    off = ace_pga.check(data, as_of=AS_OF, rules={"OR-002": "off"})
    assert off["findings"] == []
    assert ace_pga.check(data, as_of=AS_OF, enable=["OR-006"])["errors"] >= 1
    assert ace_pga.check(data, as_of=AS_OF, max_findings=0)["truncated"] == 1
    assert ace_pga.check(read("invalid/short-line-lenient.txt"), lenient=True)["mode"] == "lenient"


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"rules": {"XX-1": "off"}}, "XX-1: unknown rule id"),
        ({"rules": {"OR-002": "fatal"}}, 'rule level "fatal" is not one of error, warning, off'),
        ({"enable": ["NOPE"]}, "NOPE: unknown rule id"),
        ({"as_of": "26-03-16"}, "expected a real date"),
    ],
)
def test_bad_check_options_are_value_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ace_pga.check(read("valid/or2-single.txt"), **kwargs)


def test_bad_argument_types():
    with pytest.raises(TypeError):
        ace_pga.decode("not bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ace_pga.check(b"", enable="OR-006")
    data = read("valid/or2-single.txt")
    # A truthy non-bool must not switch lenient parsing on.
    for call in (ace_pga.decode, ace_pga.dump, ace_pga.check):
        with pytest.raises(TypeError, match="lenient must be a bool"):
            call(data, lenient="no")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="max_findings must be an int"):
        ace_pga.check(data, max_findings="3")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="max_findings must be an int"):
        ace_pga.check(data, max_findings=True)
    with pytest.raises(ValueError, match="max_findings must be 0 or more"):
        ace_pga.check(data, max_findings=-1)
    assert ace_pga.decode(bytearray(read("valid/or2-single.txt")))["batches"]


def test_encode_errors():
    doc = ace_pga.decode(read("valid/or2-single.txt"))
    with pytest.raises(ace_pga.EncodeError) as e:
        ace_pga.encode("[1, 2]")
    assert "not ace-pga decode JSON" in str(e.value) or "invalid type" in str(e.value)
    assert e.value.findings == []
    bad = dict(doc)
    bad["batchez"] = bad.pop("batches")
    with pytest.raises(ace_pga.EncodeError, match="batchez"):
        ace_pga.encode(bad)
    with pytest.raises(ace_pga.EncodeError, match="key given twice"):
        ace_pga.encode('{"batches": [], "batches": []}')


def test_status():
    sub = read("valid/or2-single.txt")
    doc = ace_pga.status(sub, read("valid/sx-response.txt"), read("valid/so-status.txt"))
    assert doc["submission"] == "submission"
    assert doc["lines"] and all("status" in line for line in doc["lines"])
    assert "skipped" not in doc
    skipped = ace_pga.status(sub, read("valid/sx-response.txt"), b"")
    assert skipped["skipped"][0]["file"] == "responses[1]"
    with pytest.raises(ace_pga.ParseError):
        ace_pga.status(read("invalid/short-line-strict.txt"), read("valid/sx-response.txt"))
    assert ace_pga.status(sub)["lines"]


def test_the_gil_is_released_while_checking():
    """A Python thread runs while the native code checks a large input."""
    big = read("valid/or2-multi.txt") * 4000
    options = '{"as_of": "2026-03-16"}'
    # Doubled until one native check takes 0.1 s here: a faster build or machine must not
    # leave the input too small to measure (at most 8 times the start, about 100 MB).
    for _ in range(3):
        t0 = time.perf_counter()
        _native.check(big, options)
        if time.perf_counter() - t0 >= 0.1:
            break
        big = big * 2
    times = {}

    def work():
        times["start"] = time.perf_counter()
        _native.check(big, options)
        times["end"] = time.perf_counter()

    worker = threading.Thread(target=work)
    seen = []
    worker.start()
    while worker.is_alive():
        seen.append(time.perf_counter())
        for _ in range(200):
            pass
    worker.join()
    start, end = times["start"], times["end"]
    assert end - start > 0.05, "the input is large enough to measure"
    middle = [t for t in seen if start + 0.25 * (end - start) < t < start + 0.75 * (end - start)]
    assert len(middle) > 10, f"{len(middle)} Python steps during {end - start:.3f} s of native work"
