"""Progress bars (issue 17): tqdm counts batches in tg.fit and records in the examples, with the
loss and metrics beside it; verbose=False (or TINYGRAD_EDU_PROGRESS=0) silences them; a History
prints a summary, not every loss."""
import numpy as np

import tinygrad_edu as tg

from .examples_loader import load


def _fit(verbose, **options):
    X, y = tg.data.xor_gate()
    np.random.seed(0)
    model = tg.nn.MLP([2, 4, 1], activation="tanh", output_activation="sigmoid")
    return tg.fit(model, tg.nn.mse_loss, tg.optim.Adam(model.parameters(), lr=0.05), (X, y), epochs=30,
                  batch_size=2, verbose=verbose, metrics={"accuracy": lambda m: 0.5}, **options)


def test_fit_shows_a_bar_per_batch_with_the_loss_and_metrics(capsys):
    history = _fit(True)
    err = capsys.readouterr().err
    assert "training: 100%" in err and "60/60" in err  # 30 epochs x 2 batches
    assert "epoch=30/30" in err and "loss=" in err and "accuracy=0.5" in err
    assert history.epochs == 30


def test_verbose_false_and_the_environment_silence_the_bar(capsys, monkeypatch):
    _fit(False)
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("TINYGRAD_EDU_PROGRESS", "0")
    _fit(True)
    assert capsys.readouterr().err == ""


def test_history_prints_a_summary():
    history = _fit(False)
    text = repr(history)
    assert text.startswith("History(30 epochs, loss ") and "accuracy 0.5" in text and text.endswith(" s)")
    assert len(text) < 120 and repr(tg.training.History()) == "History(no epochs)"


def test_the_rashid_bar_reaches_the_last_record(capsys):
    module = load("rashid_mnist")
    X = np.random.default_rng(0).integers(0, 256, size=(1234, 784), dtype=np.uint8)
    y = np.random.default_rng(1).integers(0, 10, size=1234).astype(np.uint8)
    module.train(10, 0.3, 1, data=(X, y, X[:10], y[:10]))
    err = capsys.readouterr().err
    assert "1234/1234" in err and "1001/1234" not in err.split("\r")[-1]


def test_bars_redraw_often_in_place_and_rarely_in_logs(monkeypatch):
    from tinygrad_edu.progress import refresh_seconds

    from tqdm.notebook import tqdm as notebook_bar

    class NotebookBar(notebook_bar):  # what tqdm.auto gives in Jupyter: its own class, on tqdm.notebook's
        __module__ = "tqdm.auto"

    class TextBar:
        __module__ = "tqdm.std"

    class Terminal:
        def isatty(self):
            return True

    class LogFile:
        def isatty(self):
            return False

    monkeypatch.setattr("sys.stderr", LogFile())
    assert refresh_seconds(TextBar) == 10.0  # a redraw in a log file is one more line
    assert refresh_seconds(NotebookBar) == 0.2
    monkeypatch.setattr("sys.stderr", Terminal())
    assert refresh_seconds(TextBar) == 0.2
