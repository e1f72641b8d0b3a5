"""First and second derivatives of random expression trees equal sympy's symbolic diff."""
import math

import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import tinygrad_edu as tg

X = sympy.Symbol("x")


def leaf():
    return st.one_of(
        st.just((X, lambda t: t)),
        st.sampled_from([0.5, 2.0, -1.5, 3.0]).map(lambda c: (sympy.Float(c), lambda t, c=c: c)),
    )


UNARY = {
    "exp": (sympy.exp, lambda t: tg.exp(t)),
    "log": (lambda u: sympy.log(1 + u**2), lambda t: tg.log(1 + t * t)),  # kept positive
    "sin": (sympy.sin, lambda t: tg.sin(t)),
    "cos": (sympy.cos, lambda t: tg.cos(t)),
    "tanh": (sympy.tanh, lambda t: tg.tanh(t)),
    "sigmoid": (lambda u: 1 / (1 + sympy.exp(-u)), lambda t: tg.sigmoid(t)),
    "neg": (lambda u: -u, lambda t: -t),
    # the rest of the calculus functions, each on arguments inside its domain
    "tan": (lambda u: sympy.tan(sympy.tanh(u)), lambda t: tg.tan(tg.tanh(t))),  # |tanh| < 1 < pi/2
    "arctan": (sympy.atan, lambda t: tg.arctan(t)),
    "arcsin": (lambda u: sympy.asin(sympy.tanh(u) / 2), lambda t: tg.arcsin(tg.tanh(t) / 2)),
    "arccos": (lambda u: sympy.acos(sympy.tanh(u) / 2), lambda t: tg.arccos(tg.tanh(t) / 2)),
    "sinh": (sympy.sinh, lambda t: tg.sinh(t)),
    "cosh": (sympy.cosh, lambda t: tg.cosh(t)),
    "log10": (lambda u: sympy.log(1 + u**2, 10), lambda t: tg.log10(1 + t * t)),
    "log2": (lambda u: sympy.log(1 + u**2, 2), lambda t: tg.log2(1 + t * t)),
    "log1p": (lambda u: sympy.log(1 + u**2), lambda t: tg.log1p(t * t)),
    "expm1": (lambda u: sympy.exp(u) - 1, lambda t: tg.expm1(t)),
}
BINARY = {
    "+": (lambda a, b: a + b, lambda a, b: a + b),
    "-": (lambda a, b: a - b, lambda a, b: a - b),
    "*": (lambda a, b: a * b, lambda a, b: a * b),
    "/": (lambda a, b: a / (1 + b**2), lambda a, b: a / (1 + b * b)),  # denominator >= 1
    "pow": (lambda a, b: (1 + a**2) ** sympy.tanh(b), lambda a, b: (1 + a * a) ** tg.tanh(b)),
    "atan2": (lambda a, b: sympy.atan2(a, 1 + b**2), lambda a, b: tg.arctan2(a, 1 + b * b)),  # x > 0
}


def _lift(t, value):
    return value if isinstance(value, tg.Tensor) else t * 0 + value


def expressions(depth=3):
    if depth == 0:
        return leaf()
    smaller = expressions(depth - 1)
    unary = st.tuples(st.sampled_from(sorted(UNARY)), smaller).map(
        lambda p: (UNARY[p[0]][0](p[1][0]), lambda t, p=p: UNARY[p[0]][1](_lift(t, p[1][1](t)))))
    binary = st.tuples(st.sampled_from(sorted(BINARY)), smaller, smaller).map(
        lambda p: (BINARY[p[0]][0](p[1][0], p[2][0]),
                   lambda t, p=p: BINARY[p[0]][1](_lift(t, p[1][1](t)), _lift(t, p[2][1](t)))))
    return st.one_of(leaf(), unary, binary)


@settings(max_examples=120, deadline=None)
@given(expr=expressions(), x0=st.floats(-1.5, 1.5))
def test_first_and_second_derivatives_equal_sympy(expr, x0):
    symbolic, build = expr

    def f(t):
        return _lift(t, build(t))

    for n in range(3):
        exact = float(sympy.diff(symbolic, X, n).subs(X, x0).evalf())
        assume(math.isfinite(exact) and abs(exact) < 1e8)
        ours = tg.derivative(f, n)(x0)
        assert math.isclose(ours, exact, rel_tol=1e-9, abs_tol=1e-9), (symbolic, n, ours, exact)
