"""The addons build as wheels with whool (pyproject.toml per addon, as OCA
publishes them on PyPI) and install with pip; the metapackage pulls them
all in (no Odoo needed)."""

import ast
import re
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = sorted(path.parent for path in ROOT.glob("*/__manifest__.py"))
# optional addons (setup/common.sh EXPIRY_OPTIONAL_ADDONS) stay out of the
# metapackage: installed, they change how the core runs (queue_job)
OPTIONAL = {"expiry_management_queue_job"}


def _pip(*args, timeout=600):
    return subprocess.run(
        [sys.executable, "-m", "pip", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def _canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _metadata(wheel):
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(archive.read(name).decode())


def test_every_addon_has_a_whool_pyproject():
    for addon in ADDONS:
        text = (addon / "pyproject.toml").read_text()
        assert 'build-backend = "whool.buildapi"' in text, addon.name


def test_wheels_build_and_install(tmp_path):
    dist, target = tmp_path / "dist", tmp_path / "site"
    sources = [str(addon) for addon in ADDONS] + [str(ROOT / "setup" / "_metapackage")]
    # no build isolation: whool comes from the project's virtualenv (requirements.txt)
    built = _pip("wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(dist), *sources)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    wheels = {_metadata(wheel)["Name"]: wheel for wheel in dist.glob("*.whl")}
    for addon in ADDONS:
        manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
        metadata = _metadata(wheels[f"odoo-addon-{addon.name}"])
        assert metadata["Version"].startswith(manifest["version"]), (addon.name, metadata["Version"])
        assert "odoo==18.0.*" in metadata.get_all("Requires-Dist"), addon.name
        for dependency in manifest["depends"]:
            if dependency.startswith("expiry_management"):
                assert f"odoo-addon-{dependency}==18.0.*" in metadata.get_all("Requires-Dist")
    meta = _metadata(wheels["odoo-addons-expiry-management"])
    assert {_canonical(re.split(r"[<>=!~ ;]", req)[0]) for req in meta.get_all("Requires-Dist")} == {
        _canonical(f"odoo-addon-{addon.name}") for addon in ADDONS if addon.name not in OPTIONAL
    }
    installed = _pip(
        "install", "--no-deps", "--no-index", "--target", str(target), *map(str, wheels.values())
    )
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    for addon in ADDONS:
        assert (target / "odoo" / "addons" / addon.name / "__manifest__.py").is_file(), addon.name
        assert (target / "odoo" / "addons" / addon.name / "README.rst").is_file(), addon.name
