"""Image metrics: the feature network, Frechet distance / inception score / PRDC on its
features, and the evaluation report on images (looked at in headless Chromium)."""

import base64
import io
import re
import shutil
import subprocess

import numpy as np
import pytest
import torch

from skgen.metrics import ImageFeatureExtractor, evaluate, image_feature_extractor, image_scores


def _two_class_images(n, random_state=0):
    """8x8 images in 5 grey levels: class 0 is bright on top, class 1 bright on the left."""
    rng = np.random.default_rng(random_state)
    y = rng.integers(0, 2, size=n)
    images = rng.integers(0, 2, size=(n, 8, 8))
    images[y == 0, :4] += 3
    images[y == 1, :, :4] += 3
    return images.astype(np.uint8), y


@pytest.fixture(scope="module")
def extractor():
    X, y = _two_class_images(200)
    return ImageFeatureExtractor(
        channels=(8,), n_features=8, max_epochs=20, lr=0.01, random_state=0
    ).fit(X, y)


def test_extractor_learns_the_classes(extractor):
    X, y = _two_class_images(100, random_state=1)
    assert extractor.score(X, y) > 0.95
    assert extractor.transform(X).shape == (100, 8)
    np.testing.assert_allclose(extractor.predict_proba(X).sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="shape"):
        extractor.transform(np.zeros((2, 5, 5)))


def test_scores_of_real_against_itself_and_against_noise(extractor):
    X, y = _two_class_images(150, random_state=2)
    same = image_scores(X, X, extractor=extractor, synthetic_y=y)
    assert same["frechet_distance"] == pytest.approx(0.0, abs=1e-6)
    assert same["precision"] == same["recall"] == same["coverage"] == 1.0
    assert same["conditional_accuracy"] == extractor.score(X, y)
    assert 1.0 <= same["inception_score"] <= 2.0 + 1e-9
    assert same["inception_score"] > 1.8  # confident, balanced classes
    noise = np.random.default_rng(3).integers(0, 5, size=(150, 8, 8)).astype(np.uint8)
    other = _two_class_images(150, random_state=4)[0]
    held_out = image_scores(X, other, extractor=extractor)
    bad = image_scores(X, noise, extractor=extractor)
    assert bad["frechet_distance"] > 5 * held_out["frechet_distance"]
    assert bad["precision"] < held_out["precision"] and bad["inception_score"] < 1.5
    one_class = image_scores(X, X[y == 0], extractor=extractor)
    assert one_class["inception_score"] < 1.2 and one_class["coverage"] < 0.7  # no diversity


def test_extractor_is_reproducible_and_leaves_global_generators_alone():
    X, y = _two_class_images(60)
    state = torch.random.get_rng_state()
    params = dict(channels=(4,), n_features=4, max_epochs=1, random_state=3)
    first = ImageFeatureExtractor(**params).fit(X, y).transform(X[:5])
    np.testing.assert_array_equal(first, ImageFeatureExtractor(**params).fit(X, y).transform(X[:5]))
    assert torch.equal(torch.random.get_rng_state(), state)


def test_extractor_is_cached_per_dataset():
    X, y = _two_class_images(60)
    params = dict(channels=(4,), n_features=4, max_epochs=1)
    first = image_feature_extractor(X, y, **params)
    assert image_feature_extractor(X.copy(), y, **params) is first
    assert image_feature_extractor(X[:50], y[:50], **params) is not first
    with pytest.raises(ValueError, match="image_shape"):
        image_scores(X.reshape(60, -1), X.reshape(60, -1))


@pytest.fixture(scope="module")
def image_report():
    real, y = _two_class_images(120, random_state=5)
    fake = _two_class_images(100, random_state=6)[0]
    train = _two_class_images(120, random_state=7)[0]
    return evaluate(real, fake, train=train, y=y)


def _inline_pngs(document):
    return [
        base64.b64decode(data)
        for data in re.findall(r'<img alt="[^"]*" src="data:image/png;base64,([^"]+)">', document)
    ]


def test_evaluate_on_images_reports_image_metrics_and_grids(image_report):
    metrics = set(image_report.scores["metric"])
    assert {"frechet_distance", "inception_score", "precision", "coverage", "dcr_ratio"} <= metrics
    assert "shape_similarity" not in metrics  # no per-pixel column tables
    assert "images" in image_report.summary()
    pytest.importorskip("matplotlib")
    from matplotlib.image import imread

    document = image_report.to_html()
    assert document.count("<img ") == 2 and "Real and generated images" in document
    for png in _inline_pngs(document):
        picture = imread(io.BytesIO(png))
        assert picture.shape[0] > 100 and picture[..., :3].std() > 0.05  # drawn, not blank


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs headless Chromium")
def test_report_opens_in_a_browser_with_every_figure_loaded(image_report, tmp_path):
    """What a person sees: Chromium loads every figure (naturalWidth > 0) and draws a page."""
    pytest.importorskip("matplotlib")
    from matplotlib.image import imread

    check = (
        "<script>window.addEventListener('load', () => document.body.setAttribute("
        "'data-figures', [...document.images].map(i => i.complete && i.naturalWidth > 0)"
        ".join(',')));</script></body>"
    )
    page = tmp_path / "report.html"
    page.write_text(image_report.to_html().replace("</body>", check), encoding="utf-8")
    shot = tmp_path / "report.png"
    common = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    dom = subprocess.run(
        [*common, "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    ).stdout  # fmt: skip
    assert 'data-figures="true,true"' in dom
    subprocess.run(
        [*common, "--window-size=1200,1600", f"--screenshot={shot}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    picture = imread(shot)[..., :3]
    dark = (picture.mean(axis=2) < 0.5).mean(axis=1)  # share of dark pixels per screen row
    assert picture.shape[:2] == (1600, 1200) and (dark > 0.05).sum() > 100  # text and images
