"""Every tutorial example runs and prints what its tutorial printed (Trask's are in test_trask.py)."""
import subprocess
import sys

import numpy as np
import pytest

from .examples_loader import load


def test_relu_by_hand_gives_32_and_explained_gradients(capsys):
    module = load("relu_by_hand")
    module.main()
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == ["Enter the two values for input layers", "a = 2", "b = 3", "32"]
    output, weights = module.network(2, 3)
    output.backward()
    assert weights["node_0"].grad.tolist() == [4.0, 6.0]  # 2 * relu'(16) * [a, b]
    assert weights["node_1"].grad.tolist() == [[0.0, 0.0]]  # dead: its input is -7
    assert weights["output_node"].grad.tolist() == [16.0, 0.0]  # times node_1's output, 0


def test_three_layer_forward_pins_the_tutorial(capsys):
    load("three_layer_forward").main()
    lines = capsys.readouterr().out.splitlines()
    assert lines[1::2] == ["[0.31682708 0.69627909]", "[0.40442364 0.59557636]"]  # the tutorial's numbers
    assert lines[0::2] == ["identity output for the input [1.0, 0.5]:", "softmax output for the input [2, 1]:"]


def test_perceptron_gates_truth_tables_and_plot(capsys, tmp_path):
    module = load("perceptron_gates")
    module.main(["--out", str(tmp_path)])
    assert (tmp_path / "activations.png").stat().st_size > 10_000
    tables = {name: [module.gate_with_bias(name, *x) for x in module.INPUTS] for name in module.GATES}
    assert tables == {"AND": [0, 0, 0, 1], "NAND": [1, 1, 1, 0], "OR": [0, 1, 1, 1]}
    # the tutorial's point: the same weights with theta 0.4 make OR, not AND
    assert [1 if 0.5 * a + 0.5 * b > 0.4 else 0 for a, b in module.INPUTS] == tables["OR"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_digits_predicts_the_drawn_two(seed, capsys):
    module = load("digits")
    W1, W2, losses = module.train(seed=seed)
    assert round(module.predict(W1, W2)) == 2
    assert losses[-1] < losses[0]
    module.main()
    out = capsys.readouterr().out
    assert "Rounded Output: \n2\n" in out


def test_loy_loss_falls_monotonically_and_predictions_are_close(tmp_path, capsys):
    module = load("loy")
    losses, output = module.train()
    assert np.all(np.diff(losses) < 0)
    assert np.abs(output - module.y).max() < 0.05
    module.main(["--out", str(tmp_path)])
    assert (tmp_path / "loy_loss.png").stat().st_size > 10_000


def test_fann_and_gate_trains_saves_reloads_and_answers(tmp_path, capsys):
    module = load("fann_gates")
    module.main(["and", "--out", str(tmp_path)])
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Max epochs    10000. Desired error: 0.0000100000."
    assert out[1].startswith("Epochs        1. Current error:")
    assert out[2].startswith("Epochs     1000. Current error:") and out[2].endswith("Bit fail 0.")
    answer = next(line for line in out if line.startswith("and test (1.000000,-1.000000) -> "))
    assert float(answer.split("-> ")[1]) < -0.99  # about -1
    assert (tmp_path / "and_float.npz").exists()


def test_fann_xor_stops_at_max_epochs_or_desired_error():
    module = load("fann_gates")
    model, history = module.train_gate("xor", max_epochs=2000, epochs_between_reports=10_000)
    assert history.epochs == 2000 or history.loss[-1] <= 0.00001
    predictions = np.sign(model(np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])).data.ravel())
    assert predictions.tolist() == [-1, 1, 1, -1]


def test_rashid_basics(capsys):
    module = load("rashid_basics")
    assert module.km_to_miles(log=lambda *_: None) == pytest.approx(0.62137, abs=1e-5)
    history = module.bug_classifier(log=lambda *_: None)
    assert [round(a, 4) for a in history] == [0.3083, 1.6042]  # the book's numbers
    for gate in ["and", "or"]:
        predicted, wanted = module.linear_node(gate)
        assert np.array_equal(predicted, wanted)
    predicted, wanted = module.linear_node("xor")
    assert not np.array_equal(predicted, wanted)  # one linear node cannot do XOR
    predicted, wanted = module.two_layers("xor")
    assert np.array_equal(predicted, wanted)


def test_simplenn_loss_falls_and_draws_the_surfaces(tmp_path):
    module = load("simplenn_regression")
    model, losses, surface = module.train(epochs=15, log=lambda *_: None)
    assert losses[-1] < losses[0]
    module.plot_surfaces(model, surface, tmp_path / "surface.png")
    assert (tmp_path / "surface.png").stat().st_size > 20_000


EXAMPLES_THAT_WRITE = {"loy": [], "perceptron_gates": [], "fann_gates": ["and"], "simplenn_regression": ["--epochs", "3"]}


@pytest.mark.parametrize("name", sorted(EXAMPLES_THAT_WRITE))
def test_examples_write_into_their_output_folder_never_the_working_one(name, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    load(name).main(EXAMPLES_THAT_WRITE[name])
    assert [p.name for p in tmp_path.iterdir()] == ["examples-output"]
    written = list((tmp_path / "examples-output" / name).iterdir())
    assert written and all(str(p.relative_to(tmp_path)) in capsys.readouterr().out for p in written[:1])


def test_every_example_has_a_help_with_its_defaults(capsys):
    from tinygrad_edu.demo import EXAMPLES

    names = sorted(p.stem for p in EXAMPLES.glob("*.py") if not p.stem.startswith("_"))
    assert len(names) >= 14
    for name in names:
        with pytest.raises(SystemExit) as done:
            load(name).main(["--help"])
        assert done.value.code == 0
        text = capsys.readouterr().out
        assert text.startswith(f"usage: {name}.py"), name
        assert "(default: None)" not in text, name
        assert "(default:" in text or name in {"digits", "trask_2layer", "trask_3layer", "rashid_basics",
                                                "three_layer_forward"}, name


@pytest.mark.parametrize("name, option", [("mnist_cnn", "--epochs"), ("mnist_cnn", "--limit"), ("mnist_modern", "--limit"),
                                          ("names_mlp", "--steps"), ("rashid_mnist", "--hidden")])
def test_counts_must_be_whole_numbers_of_at_least_one(name, option, capsys):
    for bad in ("0", "-5", "2.5"):
        with pytest.raises(SystemExit) as done:
            load(name).main([option, bad])
        assert done.value.code == 2
        assert f"argument {option}: must be a whole number >= 1, got '{bad}'" in capsys.readouterr().err


@pytest.mark.parametrize("name, picture", [("loy", "loy_loss.png"), ("perceptron_gates", "activations.png"),
                                           ("simplenn_regression", "simplenn_surface.png")])
def test_without_matplotlib_an_example_prints_its_numbers_and_one_line(name, picture, tmp_path, capsys, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_matplotlib(module, *args, **kwargs):  # as after a plain pip install, without the [plots] extra
        if module.split(".")[0] == "matplotlib":
            raise ModuleNotFoundError("No module named 'matplotlib'", name="matplotlib")
        return real_import(module, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    monkeypatch.setattr("tinygrad_edu.viz.figures._CLASS", None)
    options = ["--epochs", "20"] if name == "simplenn_regression" else []
    load(name).main(["--out", str(tmp_path)] + options)
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == (f"Not drawn: {picture} -- matplotlib is not installed: "
                                    "pip install 'tinygrad-edu[plots]'")
    assert not (tmp_path / picture).exists()


def test_a_missing_module_that_is_not_matplotlib_is_not_called_matplotlib(tmp_path):
    # in a process of its own: matplotlib is there, one of its own dependencies (Pillow) is not
    code = """if True:
        import builtins, sys
        real_import = builtins.__import__
        def no_pil(module, *args, **kwargs):
            if module.split(".")[0] == "PIL":
                raise ModuleNotFoundError("No module named 'PIL'", name="PIL")
            return real_import(module, *args, **kwargs)
        builtins.__import__ = no_pil
        from tinygrad_edu.cli import main
        sys.exit(main(["examples", "run", "loy", "--out", sys.argv[1]]))
    """
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Not drawn" not in result.stdout
    assert result.stderr.strip().splitlines()[-1] == "ModuleNotFoundError: No module named 'PIL'"
