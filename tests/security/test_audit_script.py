"""The CI's dependency audit (.ci/audit.py) reads pip-audit's report: a vulnerability with a
fix fails the run, one without a fix is only printed, and a run that audited nothing says so."""

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "audit.py"


def load():
    spec = importlib.util.spec_from_file_location("ci_audit", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_with(monkeypatch, dependencies, returncode=1, strict=False):
    audit = load()
    report = json.dumps({"dependencies": dependencies, "fixes": []})
    monkeypatch.setattr(
        audit.subprocess,
        "run",
        lambda *a, **k: subprocess.CompletedProcess(a, returncode, stdout=report, stderr=""),
    )
    if strict:
        monkeypatch.setenv("AUDIT_STRICT", "1")
    else:
        monkeypatch.delenv("AUDIT_STRICT", raising=False)
    return audit.main()


def vuln(fixes):
    return {"id": "PYSEC-0000-1", "fix_versions": fixes, "aliases": [], "description": ""}


def test_a_vulnerability_with_a_fix_fails(monkeypatch, capsys):
    deps = [{"name": "django", "version": "5.2.0", "vulns": [vuln(["5.2.1"])]}]
    assert run_with(monkeypatch, deps) == 1
    assert "VULNERABLE, fix available: django 5.2.0" in capsys.readouterr().out


def test_a_vulnerability_without_a_fix_is_reported_only(monkeypatch, capsys):
    deps = [
        {"name": "django", "version": "5.2.0", "vulns": [vuln([])]},
        {"name": "wagtail", "version": "8.0.1", "vulns": []},
    ]
    assert run_with(monkeypatch, deps) == 0
    assert "no fix released yet" in capsys.readouterr().out


@pytest.mark.parametrize("strict, expected", [(False, 0), (True, 1)])
def test_nothing_audited_is_said_and_fails_when_strict(monkeypatch, capsys, strict, expected):
    deps = [{"name": "django", "skip_reason": "Dependency not found on PyPI"}]
    assert run_with(monkeypatch, deps, returncode=0, strict=strict) == expected
    assert "NOT AUDITED" in capsys.readouterr().out


def test_a_crash_of_pip_audit_fails(monkeypatch):
    assert run_with(monkeypatch, [], returncode=2) == 2
