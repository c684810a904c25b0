"""Layout checks of the addons (no Odoo needed): Odoo's own test runner
(odoo-bin --test-enable) only sees the test modules imported from an addon's
tests/__init__.py, so every test file must be imported there."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = sorted(path.parent for path in ROOT.glob("*/__manifest__.py"))


def _imported_test_modules(init):
    names = set()
    for node in ast.walk(ast.parse(init.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names.update(alias.name for alias in node.names)
    return names


def test_every_addon_is_found():
    assert {addon.name for addon in ADDONS} >= {
        "expiry_management",
        "expiry_management_portal",
        "expiry_management_mass_mailing",
        "expiry_management_automation",
        "expiry_management_collection",
        "expiry_management_collection_portal",
    }


def test_every_test_file_is_imported_from_its_tests_init():
    missing = []
    for addon in ADDONS:
        tests = addon / "tests"
        if not tests.is_dir():
            missing.append(f"{addon.name}: no tests/")
            continue
        imported = _imported_test_modules(tests / "__init__.py")
        for path in sorted(tests.glob("test_*.py")):
            if path.stem not in imported:
                missing.append(f"{addon.name}/tests/{path.name}")
    assert not missing, f"not reachable from tests/__init__.py: {missing}"


def test_every_addon_has_its_readme_and_translations():
    for addon in ADDONS:
        assert (addon / "readme" / "DESCRIPTION.md").is_file(), addon.name
        for lang in ("de", "es", "sv", "mk"):
            assert (addon / "i18n" / f"{lang}.po").is_file(), (addon.name, lang)
