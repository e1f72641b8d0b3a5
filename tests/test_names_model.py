"""The character-level language model of first names (issue 19): the data, and a short run
that must beat the uniform and bigram baselines."""
import numpy as np
import pytest

import tinygrad_edu as tg

from .examples_loader import load


def test_the_census_names_and_their_contexts():
    words = tg.data.load_names()
    assert len(words) == 5163 and words[:3] == ["aaron", "abbey", "abbie"]
    X, Y = tg.data.char_dataset(["emma"], context=3)
    assert X.tolist() == [[0, 0, 0], [0, 0, 5], [0, 5, 13], [5, 13, 13], [13, 13, 1]]
    assert Y.tolist() == [5, 13, 13, 1, 0]


def test_a_damaged_names_list_is_refused(tmp_path):
    (tmp_path / "dist.female.first").write_text("MARY 2.6 2.6 1\nR2D2 1 1 2\n")
    (tmp_path / "dist.male.first").write_text("JAMES 3.3 3.3 1\n")
    with pytest.raises(tg.data.NamesError, match="line 2: 'R2D2' is not a name of letters a-z"):
        tg.data.load_names(tmp_path)


def test_the_names_model_beats_both_baselines():
    names = load("names_mlp")
    model, report = names.train(steps=4000, verbose=False)
    assert report["uniform"] == pytest.approx(np.log(27))
    assert report["validation"] < report["bigram"] < report["uniform"]
    assert len(names.sample(model, count=5)) == 5
