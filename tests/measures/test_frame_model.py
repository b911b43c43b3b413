"""The frame classifier: training, cross-validation, the model file, suggestions, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import skops.io

from briefing.cli import main
from briefing.errors import ParamsError
from briefing.measures import frame_train
from briefing.measures.frame_model import FORMAT, load_model, save_model
from briefing.measures.frame_suggest import least_certain
from briefing.measures.frame_train import TrainSettings, cross_validate, fit_model, group_folds, label_matrix

TOPICS = {
    "Economic": ["tariffs raised prices for farmers", "the budget deficit grew", "exports and jobs fell",
                 "investors fear the trade costs", "wages and inflation rose"],
    "Security": ["troops patrolled the border", "the army deployed soldiers", "a military threat loomed",
                 "defense officials warned of attacks", "weapons were seized by the navy"],
    "Health": ["the vaccine campaign began", "hospitals filled with patients", "doctors fought the virus",
               "a disease outbreak spread", "nurses treated the sick"],
}


def coded(n_each: int = 8) -> tuple[list[str], list[list[str]]]:
    rng = np.random.default_rng(0)
    texts, labels = [], []
    for i in range(n_each):
        for frame, phrases in TOPICS.items():
            texts.append(f"In city {i}, {phrases[i % 5]} on day {rng.integers(1, 99)}.")
            labels.append([frame])
        texts.append(f"Report {i}: {TOPICS['Economic'][i % 5]} while {TOPICS['Security'][(i + 1) % 5]}.")
        labels.append(["Economic", "Security"])
    return texts, labels


def test_training_is_deterministic_for_a_seed():
    texts, labels = coded()
    names, y = label_matrix(labels)
    a = fit_model(texts, y, names, TrainSettings(seed=7))
    b = fit_model(texts, y, names, TrainSettings(seed=7))
    assert np.array_equal(a.coef, b.coef) and np.array_equal(a.thresholds, b.thresholds)
    assert not np.array_equal(group_folds(texts, 5, 7), group_folds(texts, 5, 8))


def test_cross_validation_never_fits_on_a_test_fold(monkeypatch):
    texts, labels = coded()
    names, y = label_matrix(labels)
    seen: list[set[str]] = []
    real = frame_train.fit_weights

    def spy(train_texts, *args, **kwargs):
        seen.append(set(train_texts))
        return real(train_texts, *args, **kwargs)

    monkeypatch.setattr(frame_train, "fit_weights", spy)
    settings = TrainSettings(folds=3, inner_folds=3, seed=5)
    cv = cross_validate(texts, y, names, settings, None)
    folds = group_folds(texts, 3, 5)
    assert np.array_equal(cv.folds, folds)
    per_fold = settings.inner_folds + 1  # inner fits for the thresholds, then the fold's model
    assert len(seen) == 3 * per_fold
    for f in range(3):
        test = {t for t, k in zip(texts, folds, strict=True) if k == f}
        for fitted in seen[f * per_fold:(f + 1) * per_fold]:
            assert fitted and not fitted & test
    assert cv.predicted["model"].shape == y.shape


def test_repeated_texts_share_a_fold():
    folds = group_folds(["a b", "A  b", "c", "d", "e", "f"], 3, 1)
    assert folds[0] == folds[1]


def test_a_model_file_round_trips_and_another_format_version_is_refused(tmp_path):
    texts, labels = coded()
    names, y = label_matrix(labels)
    model = fit_model(texts, y, names, TrainSettings())
    model.meta = {"unit": "sentence", "n_items": len(texts)}
    path = save_model(model, tmp_path / "m.skops")
    back = load_model(path)
    assert np.allclose(back.proba(texts), model.proba(texts)) and back.names == names
    obj = skops.io.loads(path.read_bytes(), trusted=skops.io.get_untrusted_types(data=path.read_bytes()))
    obj["format_version"] = 99
    (tmp_path / "old.skops").write_bytes(skops.io.dumps(obj))
    with pytest.raises(ParamsError) as err:
        load_model(tmp_path / "old.skops")
    assert "format version 99" in str(err.value) and "\n" not in str(err.value)
    (tmp_path / "junk.skops").write_text("not a model")
    with pytest.raises(ParamsError, match="not a frame model"):
        load_model(tmp_path / "junk.skops")
    assert obj["format"] == FORMAT


def test_suggest_returns_the_least_certain_items():
    texts, labels = coded()
    names, y = label_matrix(labels)
    model = fit_model(texts, y, names, TrainSettings())
    pool = texts + ["The weather was mild today.", "Tariffs and troops and vaccines all at once."]
    table = least_certain(model, pool, 5)
    proba = model.proba(pool)
    logit = np.log(np.clip(proba, 1e-6, 1 - 1e-6) / (1 - np.clip(proba, 1e-6, 1 - 1e-6)))
    t = np.log(model.thresholds / (1 - model.thresholds))
    margin = np.abs(logit - t).min(axis=1)
    distinct = {}
    for i, text in enumerate(pool):
        distinct.setdefault(" ".join(text.split()).casefold(), i)
    expected = sorted(distinct.values(), key=lambda i: margin[i])[:5]
    assert table["item"].tolist() == expected
    assert table["margin"].is_monotonic_increasing


def _write_csv(path, texts, labels, sep=";"):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "frames"])
        for t, labs in zip(texts, labels, strict=True):
            w.writerow([t, sep.join(labs)])


@pytest.mark.parametrize("sep", [";", "|", ","])
def test_train_command_cross_validates_beside_the_lexicon_and_writes_the_model(tmp_path, capsys, sep):
    texts, labels = coded()
    texts, labels = texts + ["A rare one about judges."], labels + [["Courts"]]  # too rare for 5 folds
    _write_csv(tmp_path / "coded.csv", texts, labels, sep)
    assert main(["frames", "train", str(tmp_path / "coded.csv"), "--out", str(tmp_path / "m.skops")]) == 0
    out = capsys.readouterr().out
    assert "5-fold cross-validation" in out and "lexicon" in out and "name baseline" in out
    assert "frames left out" in out and "Courts (1)" in out
    model = load_model(tmp_path / "m.skops")
    assert sorted(model.names) == ["Economic", "Health", "Security"]
    meta = model.meta
    assert meta["n_items"] == len(texts) and len(meta["data_digest"]) == 64
    assert meta["cv"]["model"]["micro"]["f1"] > 0.8 and "scikit-learn" in meta["versions"]


@pytest.mark.parametrize("content, expected", [
    ("", "the file is empty"),
    ("words,labels\nx,y\n", "no 'text' column"),
])
def test_train_refuses_bad_files_in_one_line(tmp_path, capsys, content, expected):
    (tmp_path / "bad.csv").write_text(content)
    assert main(["frames", "train", str(tmp_path / "bad.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and "bad.csv" in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_unknown_model_path_is_one_line(tmp_path, capsys):
    assert main(["frames", "suggest", "--corpus", "params/biden-amlo-2022-vs-2023.yaml",
                 "--model", str(tmp_path / "none.skops")]) == 2
    err = capsys.readouterr().err.strip()
    assert "none.skops" in err and "not found" in err and len(err.splitlines()) == 1


def test_meta_is_plain_json():
    texts, labels = coded(5)
    names, y = label_matrix(labels)
    model = fit_model(texts, y, names, TrainSettings(folds=2))
    json.dumps(model.meta)
