"""save/load: exact round trips, and clear refusals that leave the model untouched."""
import pickle
import zipfile

import numpy as np
import pytest

import tinygrad_edu as tg


@pytest.fixture
def model():
    np.random.seed(3)
    return tg.nn.MLP([3, 4, 2], activation="tanh")


def snapshot(m):
    return {k: v.copy() for k, v in m.state_dict().items()}


def test_round_trip_is_exact(model, tmp_path):
    path = tmp_path / "model.npz"
    tg.save(model, path)
    other = tg.nn.MLP([3, 4, 2], activation="tanh")
    tg.load(path, into=other)
    for name, array in model.state_dict().items():
        assert np.array_equal(other.state_dict()[name], array)
    state = tg.load(path)
    assert list(state) == [n for n, _ in model.named_parameters()]
    assert not list(tmp_path.glob("*.tmp")), "a temporary file was left behind"


def test_save_a_plain_dict(tmp_path):
    path = tmp_path / "weights.npz"
    tg.save({"w": tg.tensor([1.0, 2.0]), "b": np.zeros(2)}, path)
    assert tg.load(path)["w"].tolist() == [1.0, 2.0]


def test_truncated_file_is_refused_and_model_unchanged(model, tmp_path):
    path = tmp_path / "model.npz"
    tg.save(model, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = snapshot(model)
    with pytest.raises(ValueError, match="model.npz"):
        tg.load(path, into=model)
    assert all(np.array_equal(model.state_dict()[k], v) for k, v in before.items())


def test_wrong_shapes_name_the_key_and_leave_model_unchanged(model, tmp_path):
    path = tmp_path / "small.npz"
    tg.save(tg.nn.MLP([3, 5, 2], activation="tanh"), path)
    before = snapshot(model)
    with pytest.raises(ValueError, match=r"'layers.0.weight' has shape \(3, 5\) in the file but \(3, 4\) in the model"):
        tg.load(path, into=model)
    assert all(np.array_equal(model.state_dict()[k], v) for k, v in before.items())


def test_pickled_file_is_refused_not_unpickled(tmp_path):
    path = tmp_path / "evil.npz"
    path.write_bytes(pickle.dumps({"weight": np.ones(2)}))
    with pytest.raises(ValueError, match="is not an .npz file"):
        tg.load(path)


def test_object_array_inside_npz_is_refused(tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, **{"__tinygrad_edu_format__": np.array(1), "w": np.array([{"a": 1}], dtype=object)})
    with pytest.raises(ValueError, match="entry 'w'.*without pickle"):
        tg.load(path)


def test_foreign_npz_and_missing_file(tmp_path):
    path = tmp_path / "foreign.npz"
    np.savez(path, anything=np.ones(3))
    with pytest.raises(ValueError, match="not one written by tinygrad_edu.save"):
        tg.load(path)
    with pytest.raises(FileNotFoundError, match="no such file"):
        tg.load(tmp_path / "nothing.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ValueError, match="is not an .npz file"):
        tg.load(tmp_path / "text.npz")


def test_corrupted_member_is_named(model, tmp_path):
    path = tmp_path / "model.npz"
    tg.save(model, path)
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    members["layers.0.weight.npy"] = members["layers.0.weight.npy"][:60]
    with zipfile.ZipFile(path, "w") as z:
        for name, blob in members.items():
            z.writestr(name, blob)
    with pytest.raises(ValueError, match="layers.0.weight"):
        tg.load(path)
