"""Every public callable of every kernel module has a contract test.

A contract test module, ``tests/<part>/test_<module>_contract.py``, draws inputs across the
kernel's documented domain and its edges with Hypothesis and asserts a finite, checked result or a
clear ``ValueError``/``TypeError``; it names what it covers in a module-level ``COVERS`` tuple of
the callables' names. This test reads those tuples (without importing the test modules) and fails
on any public callable that none covers.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import rederived
from rederived.benchmarks import PARTS

TESTS = Path(__file__).parent

# Kernel modules whose contract tests are still to be written, part by part; the set only
# shrinks, and a module leaves it when its contract test covers every public callable.
PENDING: set[str] = set()

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(rederived.__path__, "rederived.")
    if info.name.split(".")[1] in PARTS and not info.ispkg
)


def public_callables(name: str) -> set[str]:
    """The module's ``__all__`` entries that are functions or classes (not constants)."""
    module = importlib.import_module(name)
    return {n for n in module.__all__ if callable(getattr(module, n))}


def covered(name: str) -> set[str]:
    part, short = name.split(".")[1:]
    path = TESTS / part / f"test_{short}_contract.py"
    if not path.exists():
        return set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "COVERS" for t in node.targets
        ):
            return set(ast.literal_eval(node.value))
    raise AssertionError(f"{path} has no COVERS tuple")


@pytest.mark.parametrize("name", MODULES)
def test_every_public_callable_has_a_contract_test(name):
    missing = public_callables(name) - covered(name)
    if name in PENDING:
        assert missing, f"{name} is covered: remove it from PENDING"
        pytest.skip("contract test pending")
    assert not missing, f"{name}: no contract test covers {sorted(missing)}"


def used_names(path: Path) -> set[str]:
    """Every name and attribute the test module uses outside its COVERS tuple."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "COVERS" for t in node.targets
        ):
            continue
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name):
                names.add(sub.id)
            elif isinstance(sub, ast.Attribute):
                names.add(sub.attr)
    return names


@pytest.mark.parametrize("name", MODULES)
def test_covered_callables_are_exercised(name):
    """COVERS is not a mere declaration: every name in it is used by the test module (called,
    constructed, or checked) somewhere outside the tuple itself."""
    part, short = name.split(".")[1:]
    path = TESTS / part / f"test_{short}_contract.py"
    if not path.exists():  # only a module still PENDING may lack one
        assert name in PENDING, f"{name} has no contract test {path.name}"
        return
    unused = covered(name) - used_names(path)
    assert not unused, f"{path.name} declares {sorted(unused)} in COVERS but never uses them"


def test_pending_names_only_kernel_modules():
    assert PENDING <= set(MODULES)
