"""batches(): shapes, normalisation, layout, seeded order and augmentation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from hytnas.data.loader import MEAN, STD, augment_batch, batches


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (70, 12, 12, 3), dtype=np.uint8), np.arange(70) % 2


def test_normalised_float_channels_last(data: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = data
    out = list(batches(x, y, 32, augment=False, shuffle=False, seed=0))
    assert [len(b) for b, _ in out] == [32, 32, 6]
    images, labels = out[0]
    assert images.shape == (32, 3, 12, 12) and images.dtype == torch.float32
    assert images.is_contiguous(memory_format=torch.channels_last)
    assert labels.dtype == torch.int64 and labels.tolist() == y[:32].tolist()
    expected = (torch.from_numpy(x[:32]).permute(0, 3, 1, 2).float() / 255 - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)
    assert torch.allclose(images, expected, atol=1e-5)
    plain, _ = next(batches(x, y, 32, augment=False, shuffle=False, seed=0, channels_last=False))
    assert plain.is_contiguous() and torch.equal(plain, images)


def test_memory_mapped_input(tmp_path, data: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = data
    np.save(tmp_path / "x.npy", x)
    mapped = np.load(tmp_path / "x.npy", mmap_mode="r")
    for (a, _), (b, _) in zip(batches(mapped, y, 16, augment=True, shuffle=True, seed=1), batches(x, y, 16, augment=True, shuffle=True, seed=1)):
        assert torch.equal(a, b)


def test_seeded_shuffle_visits_every_image_once(data: tuple[np.ndarray, np.ndarray]) -> None:
    x, _ = data
    ids = np.arange(len(x))
    first = torch.cat([yb for _, yb in batches(x, ids, 16, augment=True, shuffle=True, seed=5)])
    again = torch.cat([yb for _, yb in batches(x, ids, 16, augment=True, shuffle=True, seed=5)])
    other = torch.cat([yb for _, yb in batches(x, ids, 16, augment=True, shuffle=True, seed=6)])
    assert torch.equal(first, again) and not torch.equal(first, other)
    assert sorted(first.tolist()) == ids.tolist()
    a = [xb for xb, _ in batches(x, ids, 16, augment=True, shuffle=True, seed=5)]
    b = [xb for xb, _ in batches(x, ids, 16, augment=True, shuffle=True, seed=5)]
    assert all(torch.equal(p, q) for p, q in zip(a, b))


def test_augmentation_is_a_flip_and_a_padded_crop(data: tuple[np.ndarray, np.ndarray]) -> None:
    x, _ = data
    out = augment_batch(x, np.random.default_rng(2), crop_padding=3)
    assert out.shape == x.shape and out.dtype == np.uint8
    flips = 0
    for image, result in zip(x, out):
        padded = np.pad(image, ((3, 3), (3, 3), (0, 0)))
        found = [(f, dy, dx) for f in (False, True) for dy in range(7) for dx in range(7)
                 if np.array_equal((padded[:, ::-1] if f else padded)[dy : dy + 12, dx : dx + 12], result)]
        assert found, "each output is a crop of the padded (possibly flipped) image"
        flips += found[0][0]
    assert 10 < flips < 60
    assert np.array_equal(augment_batch(x, np.random.default_rng(2), crop_padding=3), out)


def test_mismatched_lengths(data: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = data
    with pytest.raises(ValueError, match="70 images but 69 labels"):
        next(batches(x, y[:-1], 8, augment=False, shuffle=False, seed=0))


def test_drop_last_skips_a_short_final_batch_unless_it_is_the_only_one(data: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = data
    assert [len(b) for b, _ in batches(x, y, 32, augment=False, shuffle=True, seed=0, drop_last=True)] == [32, 32]
    assert [len(b) for b, _ in batches(x, y, 35, augment=False, shuffle=True, seed=0, drop_last=True)] == [35, 35]
    assert [len(b) for b, _ in batches(x[:5], y[:5], 32, augment=False, shuffle=True, seed=0, drop_last=True)] == [5]
