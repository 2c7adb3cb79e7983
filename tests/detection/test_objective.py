"""A detector trained by the one training loop: batches, flips, SSD's loss, mAP as the score."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from hytnas.data.synth import generate
from hytnas.detection.data import detection_sources, load_split
from hytnas.detection.objective import Detection, detection_batches
from hytnas.detection.ssdlite import DetectorSpec, build_detector
from hytnas.space import get_space
from hytnas.training import Recipe
from hytnas.training.loop import train

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def splits(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("det") / "raw"
    generate(root, images=30, size=96, seed=5, val_fraction=0.3, split_seed=0)
    train_source, val_source = detection_sources("synthetic", coco_root=None, raw=root)
    return load_split(train_source, 64, categories=["person"]), load_split(val_source, 64, categories=["person"])


def test_a_flipped_image_carries_its_flipped_boxes(splits) -> None:
    train_split, _ = splits
    index = next(i for i, b in enumerate(train_split.boxes) if len(b))
    plain = next(detection_batches(train_split, 1, indices=np.array([index])))
    for seed in range(20):  # a seed whose draw flips the image
        flipped = next(detection_batches(train_split, 1, augment=True, seed=seed, indices=np.array([index])))
        if not torch.equal(flipped[0], plain[0]):
            break
    assert torch.equal(flipped[0][0], plain[0][0].flip(-1))
    x1, _, x2, _ = plain[1][0]["boxes"][0].tolist()
    fx1, _, fx2, _ = flipped[1][0]["boxes"][0].tolist()
    assert (fx1, fx2) == pytest.approx((64 - x2, 64 - x1))


@pytest.mark.slow
def test_the_loop_trains_a_detector_and_scores_it_by_map(splits) -> None:
    train_split, val_split = splits
    space = get_space("table1")
    torch.manual_seed(0)
    model = build_detector(DetectorSpec(space.to_spec(space.sample(1, seed=2)[0]), train_split.num_classes, 64))
    recipe = Recipe(epochs=2, batch_size=8, lr=0.002, warmup_epochs=0.5, label_smoothing=0.0)

    def batches(epoch: int):
        return detection_batches(train_split, 8, augment=True, shuffle=True, seed=epoch, drop_last=True)

    result = train(model, batches, lambda: iter(()), recipe, steps_per_epoch=len(train_split) // 8, seed=0,
                   objective=Detection(val_split))
    assert result.epochs == 2 and all(math.isfinite(h.train_loss) for h in result.history)
    assert all(math.isnan(h.train_acc) for h in result.history)  # no accuracy for a detector
    assert 0.0 <= result.val_acc <= 100.0 and math.isnan(result.val_loss)

