"""The package as users install it (issue 17): a wheel, built without warnings, installed into a
fresh virtual environment with nothing else, runs the demo and the examples from there."""
import os
import subprocess
import sys
import pathlib

import pytest

import tinygrad_edu as tg

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtual environment with only the wheel (and its dependencies) installed."""
    work = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(work / "dist"),
                            str(ROOT)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    noise = [line for line in built.stderr.splitlines()
             if "warning" in line.lower() and "Location 'file:" not in line]  # (the machine's pip config)
    assert noise == [], "\n".join(noise)
    (wheel,) = (work / "dist").glob("tinygrad_edu-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True, timeout=300)
    python = work / "venv" / "bin" / "python"
    setup = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], capture_output=True,
                           text=True, timeout=900)
    assert setup.returncode == 0, setup.stderr
    return work, python


def run_installed(installed, *args, cwd):
    work, python = installed
    env = {**os.environ, "TINYGRAD_EDU_PROGRESS": "0"}
    env.pop("PYTHONPATH", None)
    return subprocess.run([str(work / "venv" / "bin" / "tinygrad-edu"), *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=600)


def test_the_installed_package_is_the_wheel_not_the_checkout(installed, tmp_path):
    work, python = installed
    where = subprocess.run([str(python), "-c", "import tinygrad_edu, sys; print(tinygrad_edu.__file__, "
                            "tinygrad_edu.__version__)"], capture_output=True, text=True, cwd=tmp_path)
    path, version = where.stdout.split()
    assert str(work / "venv") in path and version == tg.__version__


def test_the_demo_runs_from_an_installed_wheel(installed, tmp_path):
    result = run_installed(installed, "demo", "--out", "demo-output", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo-output" / "index.html").exists() and (tmp_path / "demo-output" / "trace.txt").exists()
    # only the base dependencies: the plots say how to get matplotlib
    assert "Not drawn: the four plots (*.png) -- matplotlib is not installed: pip install 'tinygrad-edu[plots]'" in result.stdout


def test_examples_run_from_an_installed_wheel(installed, tmp_path):
    listing = run_installed(installed, "examples", cwd=tmp_path)
    assert listing.returncode == 0 and "trask_3layer" in listing.stdout and "mnist_cnn" in listing.stdout
    trask = run_installed(installed, "examples", "run", "trask_2layer", cwd=tmp_path)
    assert trask.returncode == 0 and "Output After Training:" in trask.stdout
    fann = run_installed(installed, "examples", "run", "fann_gates", "xor", cwd=tmp_path)  # reads its .data file
    assert fann.returncode == 0, fann.stderr
    assert (tmp_path / "examples-output" / "fann_gates" / "xor_float.npz").exists()


def test_version_and_help(installed, tmp_path):
    version = run_installed(installed, "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"tinygrad-edu {tg.__version__}"
    bare = run_installed(installed, cwd=tmp_path)
    assert bare.returncode == 0 and "usage: tinygrad-edu" in bare.stdout and "demo" in bare.stdout


def test_the_makefiles_editable_install_prints_no_warning(tmp_path):
    """make test and make demo install the checkout editable, with the Makefile's own words;
    pyproject.toml's package-dir keeps setuptools from warning about the flat layout."""
    makefile = (ROOT / "Makefile").read_text()
    (line,) = [line.strip() for line in makefile.splitlines() if "pip install --quiet -e" in line]
    options = line.split("pip install", 1)[1].replace("'.[dev]'", ".").split()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "venv")], check=True, timeout=300)
    python = tmp_path / "venv" / "bin" / "python"
    # the fresh venv borrows this one's pip; --no-deps: the dependencies are not what is checked
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                                *options], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert installed.returncode == 0, installed.stderr
    noise = [line for line in installed.stderr.splitlines()
             if ("warning" in line.lower() or "!!" in line) and "Location 'file:" not in line]
    assert noise == [], "\n".join(noise)
    where = subprocess.run([str(python), "-c", "import importlib.util as u; print(u.find_spec('tinygrad_edu').origin)"],
                           capture_output=True, text=True, cwd=tmp_path)  # (numpy is not installed there)
    assert where.stdout.strip() == str(ROOT / "tinygrad_edu" / "__init__.py")
