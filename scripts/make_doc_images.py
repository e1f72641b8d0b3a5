"""Regenerate the pictures the docs show: python scripts/make_doc_images.py"""
import importlib.util
import pathlib

import tinygrad_edu as tg

ROOT = pathlib.Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"


def example(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    IMAGES.mkdir(parents=True, exist_ok=True)
    tg.viz.plot_derivatives(lambda x: x.sin() * x, (-4, 4), k=2, path=IMAGES / "derivatives.png", name="f")
    tg.viz.plot_tangent(lambda x: x**3 - 2 * x, 1.2, (-2.5, 2.5), path=IMAGES / "tangent.png")
    tg.viz.plot_taylor(tg.cos, 0.0, (2, 4, 6, 8), (-6, 6), path=IMAGES / "taylor.png", name="cos")
    example("loy").main([str(IMAGES / "loy_loss.png")])
    example("perceptron_gates").main([str(IMAGES / "activations.png")])
    example("simplenn_regression").main(["2000", str(IMAGES / "simplenn_surface.png")])  # about 40 s
    print(f"wrote the pictures to {IMAGES}")


if __name__ == "__main__":
    main()
