"""The tinygrad-edu command: diff (and its refusals), examples, and the demo's promised files."""
import math
import pathlib
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

import tinygrad_edu as tg
from tinygrad_edu.cli import main

ROOT = pathlib.Path(__file__).resolve().parent.parent


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "tinygrad_edu", *args], capture_output=True, text=True, cwd=cwd)


def test_diff_prints_value_gradient_and_second_derivatives(capsys):
    assert main(["diff", "sin(x)**2 + x*y", "--at", "x=1.5,y=2", "--order", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    x, y = 1.5, 2.0
    expected = {
        "f": math.sin(x) ** 2 + x * y,
        "df/dx": 2 * math.sin(x) * math.cos(x) + y,
        "df/dy": x,
        "d^2f/dxdx": 2 * math.cos(2 * x),
        "d^2f/dxdy": 1.0,
        "d^2f/dydy": 0.0,
    }
    printed = dict(line.split(" = ") for line in lines[1:])
    assert set(printed) == set(expected)
    for name, value in expected.items():
        assert float(printed[name]) == pytest.approx(value, abs=1e-9), name


@pytest.mark.parametrize("formula, x, value", [
    ("exp(-x^2)", 0.5, math.exp(-0.25)),  # ^ is a power with a power's precedence: -(x^2)
    ("x + 1^2 * 3", 1.0, 4.0),
    ("-x^2", 3.0, -9.0),
    ("2^x^2", 2.0, 16.0),  # right-associative, as in mathematics
    ("sigmoid(w*x+b)", None, None),
])
def test_formula_precedence(formula, x, value):
    f = tg.expr.Formula(formula)
    if value is None:
        assert f.variables == ("b", "w", "x")
        return
    assert f(x=x).item() == pytest.approx(value)


@pytest.mark.parametrize("formula, message", [
    ("__import__('os')", "unknown function '__import__'"),
    ("x.real", "attribute access ('.real') is not allowed"),
    ("().__class__", "attribute access"),
    ("foo(x)", "unknown function 'foo'"),
    ("x +* 2", "syntax error"),
    ("x + y", "no value for y"),
    ("[x]", "List is not allowed"),
    ("'a' + x", "only numbers"),
    ("sin", "'sin' is a function"),
    ("(lambda: 1)()", "only plain function names"),
    ("x if x else 1", "IfExp is not allowed"),
    ("sin(x, x)", "takes 1 argument, got 2"),
    ("_secret", "underscore"),
])
def test_bad_formulas_get_one_line_and_status_2(formula, message, capsys):
    assert main(["diff", formula, "--at", "x=1"]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and err.startswith("tinygrad-edu diff:")


@pytest.mark.parametrize("at, message", [("x", "name=value pairs"), ("x=abc", "'abc' is not a number"),
                                         ("x=1,z=2", "does not use")])
def test_bad_points(at, message, capsys):
    assert main(["diff", "x*2", "--at", at]) == 2
    assert message in capsys.readouterr().err


def test_import_is_refused_by_the_real_command():
    result = run("diff", "__import__('os').system('echo pwned')", "--at", "x=1")
    assert result.returncode == 2 and "pwned" not in result.stdout + result.stderr
    assert result.stderr.count("\n") == 1


def test_diff_trace_and_graph(tmp_path, capsys):
    dot = tmp_path / "f.dot"
    assert main(["diff", "x*exp(x)", "--at", "x=0", "--trace", "--graph", str(dot)]) == 0
    out = capsys.readouterr().out
    assert "backward: d %2 / d x" in out and dot.read_text().startswith("digraph")


@pytest.mark.skipif(__import__("shutil").which("dot") is None, reason="needs Graphviz's dot")
def test_diff_graph_svg(tmp_path, capsys):
    svg = tmp_path / "f.svg"
    assert main(["diff", "sin(x)*x", "--at", "x=1", "--graph", str(svg)]) == 0
    assert "sin" in "".join(ET.parse(svg).getroot().itertext())


def test_every_subcommand_has_help():
    for args in (["--help"], ["demo", "--help"], ["diff", "--help"], ["examples", "--help"]):
        result = run(*args)
        assert result.returncode == 0 and "usage: tinygrad-edu" in result.stdout


def test_examples_list_and_run(capsys):
    assert main(["examples"]) == 0
    listing = capsys.readouterr().out
    for name in ["trask_3layer", "loy", "rashid_basics", "simplenn_regression", "fann_gates"]:
        assert name in listing
    assert main(["examples", "run", "three_layer_forward"]) == 0
    assert "[0.40442364 0.59557636]" in capsys.readouterr().out
    assert main(["examples", "run", "nope"]) == 2
    assert "no example called 'nope'" in capsys.readouterr().err


def test_demo_writes_every_file_it_promises(tmp_path):
    result = run("demo", "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count(" same") == 6 and "DIFFERENT" not in out
    assert "output (ours):     0.00260572 0.99672209 0.99701711 0.00386759" in out
    assert out.count("AGREE") == 3 and "DISAGREE" not in out
    folder = tmp_path / "out"
    promised = ["graph.svg", "explore.html", "steps/index.html", "trace.txt", "trask_loss.png", "xor_loss.png",
                "derivatives.png", "decision_boundary.png", "index.html"]
    for name in promised:
        assert (folder / name).stat().st_size > 500, name
        assert name in out
    index = (folder / "index.html").read_text()
    assert all(f'href="{name}"' in index for name in promised if name != "index.html")
    assert ET.parse(folder / "graph.svg").getroot().tag.endswith("svg")
    assert "backward:" in (folder / "trace.txt").read_text()
