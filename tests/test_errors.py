"""Every error the core raises names the op, the shapes and the fix."""
import numpy as np
import pytest

import tinygrad_edu as tg


def test_matmul_shape_mismatch_names_both_shapes_and_suggests_transpose():
    a = tg.ones(2, 3)
    with pytest.raises(ValueError) as info:
        a @ a
    message = str(info.value)
    assert "matmul" in message and "(2, 3) @ (2, 3)" in message and "a @ b.T" in message


def test_matmul_of_a_scalar_says_use_star():
    with pytest.raises(ValueError, match=r"use \* to multiply by a scalar"):
        tg.tensor(2.0) @ tg.ones(2)


def test_broadcast_mismatch_names_op_shapes_and_fix():
    with pytest.raises(ValueError) as info:
        tg.ones(2, 3) + tg.ones(4)
    message = str(info.value)
    assert message.startswith("add:") and "(2, 3)" in message and "(4,)" in message
    assert "reshape" in message


def test_non_scalar_backward_names_the_shape():
    x = tg.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        (x * 2).backward()
    message = str(info.value)
    assert "(2, 3)" in message and "gradient=" in message and ".sum()" in message


def test_gradient_argument_of_wrong_shape():
    x = tg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"gradient= has shape \(3,\) but the output has shape \(2,\)"):
        (x * 2).backward(gradient=np.ones(3))


def test_backward_through_freed_graph_names_retain_graph():
    x = tg.tensor(2.0, requires_grad=True)
    y = x * x
    y.backward()
    with pytest.raises(RuntimeError, match=r"already freed.*retain_graph=True"):
        y.backward()


def test_backward_on_constant_explains_why():
    with pytest.raises(RuntimeError, match="does not require grad.*requires_grad=True"):
        (tg.ones(2) * 2).sum().backward()


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda: tg.tensor([1.0]), "created with requires_grad=False"),
        (lambda: tg.tensor([1.0], requires_grad=True).detach(), "detach"),
        (lambda: tg.tensor([1.0]) * 2, "constant"),
        (lambda: tg.tensor([1.0], requires_grad=True), "no backward"),
        (lambda: tg.tensor([1.0], requires_grad=True) * 2, "retain_grad"),
    ],
)
def test_explain_grad_gives_the_reason(make, reason):
    assert reason in tg.explain_grad(make())


def test_explain_grad_no_grad_block():
    w = tg.tensor([1.0], requires_grad=True)
    with tg.no_grad():
        y = w * 2
    assert "no_grad" in tg.explain_grad(y)


def test_ragged_list_is_a_clear_error():
    with pytest.raises(ValueError, match="rectangular"):
        tg.tensor([[1.0, 2.0], [3.0]])


@pytest.mark.parametrize("data, what", [([1 + 2j], "complex"), (["a"], "strings"), ([object()], "Python objects")])
def test_unsupported_data_types(data, what):
    with pytest.raises(TypeError, match=what):
        tg.tensor(data)


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(TypeError, match="only floating-point"):
        tg.tensor([1, 2], dtype=np.int64, requires_grad=True)


def test_item_of_many_elements():
    with pytest.raises(ValueError, match=r"item\(\).*\(2, 2\)"):
        tg.ones(2, 2).item()


def test_ambiguous_truth_value():
    with pytest.raises(ValueError, match="ambiguous"):
        bool(tg.ones(3) > 0)


def test_in_place_shape_change_is_refused():
    t = tg.ones(3)
    with pytest.raises(ValueError, match=r"'\+=': cannot update a tensor of shape \(3,\)"):
        t += tg.ones(2, 3)


def test_reshape_to_wrong_size():
    with pytest.raises(ValueError, match=r"reshape: cannot apply to inputs of shapes \(2, 3\).*number of elements"):
        tg.ones(2, 3).reshape(4, 2)


def test_reduction_axis_out_of_range():
    with pytest.raises(ValueError, match=r"sum: axis 2 is out of range for a tensor of shape \(2, 3\) \(valid: -2 to 1\)"):
        tg.ones(2, 3).sum(axis=2)


def test_float_index_tensor_is_refused_with_fix():
    with pytest.raises(TypeError, match="integers or booleans.*dtype=np.int64"):
        tg.ones(3)[tg.tensor([0.0, 1.0])]


def test_grad_of_input_that_does_not_require_grad():
    x = tg.tensor(1.0)
    with pytest.raises(RuntimeError, match="does not require grad"):
        tg.autograd.grad(x * 2, x)


def test_assigning_grad_of_wrong_shape():
    x = tg.ones(3, requires_grad=True)
    with pytest.raises(ValueError, match=r"shape \(2,\) to a tensor of shape \(3,\)"):
        x.grad = np.ones(2)


def test_transpose_with_wrong_number_of_axes():
    with pytest.raises(ValueError, match=r"transpose: \(0,\) is not an order of all 2 axes"):
        tg.ones(2, 3).transpose(0)
    assert tg.ones(2, 3, 4).transpose(2, 0, 1).shape == (4, 2, 3)  # NumPy's loose permutation
    with pytest.raises(ValueError, match=r"transpose: \(0,\) is not an order of all 2 axes"):
        tg.ones(2, 3).transpose((0,))
    with pytest.raises(ValueError, match=r"permute: \(0, 0\) is not an order of all 2 axes"):
        tg.ones(2, 3).permute(0, 0)


def test_clip_needs_a_bound():
    with pytest.raises(ValueError, match="clip: give min=, max= or both"):
        tg.ones(2).clip()


@pytest.mark.parametrize("call, error, message", [
    (lambda: tg.autograd.backward([tg.ones(1, requires_grad=True) * 2] * 2, [np.ones(1)]), ValueError,
     "2 outputs but 1 gradients"),
    (lambda: tg.autograd.grad([tg.ones(1, requires_grad=True) * 2], [tg.ones(1, requires_grad=True)],
                              grad_outputs=[1.0, 2.0]), ValueError, "1 outputs but 2 grad_outputs"),
    (lambda: len(tg.tensor(1.0)), TypeError, "len\\(\\) of a 0-d tensor"),
    (lambda: tg.concatenate([]), ValueError, "concatenate: needs at least one tensor"),
    (lambda: tg.stack([]), ValueError, "stack: needs at least one tensor"),
    (lambda: tg.tensor(1.0).requires_grad_(False) and (tg.ones(1, requires_grad=True) * 2).requires_grad_(False),
     RuntimeError, "use .detach\\(\\)"),
    (lambda: tg.tensor([1.0]).retain_grad(), RuntimeError, "retain_grad\\(\\) on a tensor that does not require grad"),
    (lambda: tg.tensor([1.0]).register_hook(print), RuntimeError, "register_hook\\(\\) on a tensor"),
    (lambda: tg.zeros(3).__setitem__(slice(None), np.ones(2)), ValueError, "t\\[...\\] = value: .*value of shape \\(2,\\)"),
    (lambda: tg.check_formula(lambda a, b: (a * b).sum(), [np.ones(2), np.ones(2)], lambda a, b: [a]), ValueError,
     "formula returned 1 gradients for 2 inputs"),
    (lambda: tg.save({3: np.ones(1)}, "unused.npz"), ValueError, "parameter names must be strings"),
    (lambda: tg.save({"w": np.array(["a"])}, "unused.npz"), TypeError, "only numeric arrays can be saved"),
    (lambda: tg.trace(tg.ones(2) * 2, backward=True), ValueError, "nothing in this graph requires grad"),
    (lambda: tg.draw_graph(tg.ones(1), collapse="layer"), ValueError, "collapse must be None or 'module'"),
    (lambda: tg.expr.Formula(""), tg.expr.FormulaError, "the formula is empty"),
    (lambda: tg.expr.Formula("x+" * 1001 + "x"), tg.expr.FormulaError, "longer than 2,000 characters"),
    (lambda: tg.expr.Formula("x & 1"), tg.expr.FormulaError, "the operator BitAnd is not allowed"),
    (lambda: tg.expr.Formula("not x"), tg.expr.FormulaError, "the operator Not is not allowed"),
    (lambda: tg.expr.Formula("x * y")(x=1.0), tg.expr.FormulaError, "no value given for y"),
    (lambda: tg.expr.Formula("sin(x=1)"), tg.expr.FormulaError, "takes no keyword arguments"),
    (lambda: tg.nn.MLP([3]), ValueError, "sizes needs at least an input and an output size"),
    (lambda: tg.nn.Linear(2, 1, bias=[1.0, 2.0]), ValueError, r"bias has shape \(2,\), expected \(1,\)"),
    (lambda: tg.nn.cross_entropy(tg.ones(2, 3), [0.5, 1.0]), TypeError, "labels must be integers"),
    (lambda: tg.optim.SGD([tg.ones(1, requires_grad=True)], lr=-1), ValueError, r"lr must lie in \(0, inf\)"),
    (lambda: tg.grad(lambda x: x, argnums=0)(np.array([True])), TypeError, "must hold floats"),
])
def test_more_error_messages(call, error, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=message):
        call()


def test_cli_usage_errors(capsys):
    from tinygrad_edu.cli import main

    assert main(["diff", "x", "--at", "x=1", "--order", "-1"]) == 2
    assert "--order must be 0 or more" in capsys.readouterr().err
    assert main(["diff", "x", "--at", "x=1", "--graph", "f.gif"]) == 2
    assert "--graph: write .svg, .png, .pdf or .dot" in capsys.readouterr().err
    assert main(["examples", "run"]) == 2
    assert "usage: tinygrad-edu examples [run NAME [ARGS]]; NAME is one of digits" in capsys.readouterr().err


def test_an_unknown_example_names_the_known_ones(capsys):
    import tinygrad_edu.demo as demo
    from tinygrad_edu.cli import main

    assert main(["examples", "run", "nope"]) == 2
    assert "no example called 'nope'; the examples are" in capsys.readouterr().err
    with pytest.raises(FileNotFoundError, match="no example named 'nope'; the examples are: .*trask_3layer"):
        demo.load_example("nope")


def test_plots_without_matplotlib_say_how_to_install_it(monkeypatch):
    import sys

    from tinygrad_edu.viz import figures

    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # makes the import fail
    monkeypatch.setattr(figures, "_CLASS", None)
    with pytest.raises(ImportError, match=r"plots need matplotlib: pip install 'tinygrad-edu\[plots\]'"):
        tg.viz.plot_derivatives(tg.sin)
