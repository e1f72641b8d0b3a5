"""fit(): learning XOR from several seeds, early stopping, callbacks, reports."""
import numpy as np
import pytest

import tinygrad_edu as tg


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_mlp_learns_xor_from_several_seeds(seed):
    X, y = tg.data.xor_gate()
    np.random.seed(seed)
    model = tg.nn.MLP([2, 4, 1], activation="tanh", output_activation="sigmoid")
    history = tg.fit(model, tg.nn.mse_loss, tg.optim.Adam(model, lr=0.05), (X, y), epochs=1500, verbose=False)
    predictions = model(X).data
    assert np.abs(predictions - y).max() < 0.05, predictions.ravel()
    assert history.loss[-1] < history.loss[0]


def test_desired_error_stops_early_like_fann():
    X, y = tg.data.and_gate()
    np.random.seed(0)
    model = tg.nn.MLP([2, 1], output_activation="sigmoid")
    history = tg.fit(model, tg.nn.mse_loss, tg.optim.SGD(model, lr=5.0), (X, y), epochs=10_000,
                     desired_error=0.01, verbose=False)
    assert history.stopped_early and history.loss[-1] <= 0.01 and history.epochs < 10_000


def test_callback_metrics_and_report_lines(capsys):
    X, y = tg.data.or_gate()
    np.random.seed(0)
    model = tg.nn.MLP([2, 1], output_activation="sigmoid")
    seen = []

    def callback(epoch, history, model):
        seen.append(epoch)
        return epoch == 7

    history = tg.fit(model, tg.nn.mse_loss, tg.optim.SGD(model, lr=1.0), (X, y), epochs=100, batch_size=2,
                     shuffle=True, seed=0, callback=callback, report_every=5,
                     metrics={"accuracy": lambda m: float(((m(X).data > 0.5) == y).mean())})
    assert seen == list(range(1, 8)) and history.stopped_early and history.epochs == 7
    assert len(history.metrics["accuracy"]) == 7
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(".")[0] for line in lines] == ["Epoch        1", "Epoch        5"]
