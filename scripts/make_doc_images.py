"""Regenerate the pictures the docs show: python scripts/make_doc_images.py"""
import pathlib

import tinygrad_edu as tg

IMAGES = pathlib.Path(__file__).resolve().parent.parent / "docs" / "images"


def main():
    IMAGES.mkdir(parents=True, exist_ok=True)
    tg.viz.plot_derivatives(lambda x: x.sin() * x, (-4, 4), k=2, path=IMAGES / "derivatives.png", name="f")
    tg.viz.plot_tangent(lambda x: x**3 - 2 * x, 1.2, (-2.5, 2.5), path=IMAGES / "tangent.png")
    tg.viz.plot_taylor(tg.cos, 0.0, (2, 4, 6, 8), (-6, 6), path=IMAGES / "taylor.png", name="cos")
    print(f"wrote the calculus pictures to {IMAGES}")


if __name__ == "__main__":
    main()
