"""The bundled cases and books are data outside the code packages, and an installed wheel still finds them:
the wheel is built from this tree, installed into a fresh environment and asked through xlmodel.bundled."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_case_file_or_book_lives_inside_a_code_package() -> None:
    for package in ("xlmodel", "workbooks", "udfs", "xlmodel_cli"):
        assert list((ROOT / package).rglob("*.xlsx")) == []
        cases = [p for p in (ROOT / package).rglob("*.toml") if "case" in tomllib.loads(p.read_text(encoding="utf-8"))]
        assert [p.name for p in cases] == (["template.toml"] if package == "workbooks" else [])  # the template's own case: read by xlmodel new


def test_an_installed_wheel_finds_the_bundled_cases_and_books(tmp_path: Path) -> None:
    script = Path(sys.prefix) / "bin" / "xlmodel"
    had_script = script.exists()
    source = tmp_path / "source"  # a copy: the build leaves nothing in the tree, and nothing stale in it reaches the wheel
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "xlmodel", "workbooks", "udfs", "xlmodel_cli", "cases", "examples"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if copy is shutil.copytree else {}))  # type: ignore[operator]
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"), str(source)], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("xlmodel-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert {Path(n).name for n in names if "/share/xlmodel/cases/" in n} == {p.name for p in (ROOT / "cases").glob("*.toml")}
    # a fresh environment with the wheel and, for numpy and the rest, this one's packages (not its editable xlmodel)
    env = tmp_path / "env"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", "--prefix", str(env), str(wheel)], check=True, capture_output=True)
    code = "import xlmodel, xlmodel.bundled as b; print(xlmodel.__file__); print(b.bundled('cases')); print(b.bundled('built')); print(len(list(b.bundled('templates').glob('*.xlsx'))))"
    run = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    module, cases, built, templates = run.stdout.split("\n")[:4]
    assert Path(module).is_relative_to(env) and not Path(module).is_relative_to(ROOT)
    assert Path(cases) == env / "share" / "xlmodel" / "cases" and sorted(p.name for p in Path(cases).glob("*.toml")) == sorted(p.name for p in (ROOT / "cases").glob("*.toml"))
    assert Path(built) == env / "share" / "xlmodel" / "examples" / "built" and int(templates) == len(list((ROOT / "examples" / "templates").glob("*.xlsx")))
    # the environment running the tests keeps its own xlmodel (pip must not uninstall it for the other prefix)
    assert script.exists() == had_script and importlib.metadata.version("xlmodel")
