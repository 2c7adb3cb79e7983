"""Fast seeded mini-batches of uint8 images as normalised float tensors.

Everything is done per batch with one numpy gather (crop and flip together) and a few torch
ops, never per image, so the loader costs a small fraction of a training step even at 64 px.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import torch

#: ImageNet channel statistics, on the [0, 1] scale.
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
_SCALE = torch.tensor([1.0 / (255.0 * s) for s in STD])  # per channel, last axis of NHWC
_NEG_SHIFT = torch.tensor([-m / s for m, s in zip(MEAN, STD)])


def normalise(x: np.ndarray, *, channels_last: bool = True) -> torch.Tensor:
    """``n x h x w x 3`` uint8 RGB -> ``n x 3 x h x w`` float32, ``(x / 255 - MEAN) / STD``.

    The arithmetic runs on the NHWC buffer (one fused multiply-add), whose ``n x 3 x h x w``
    view is already in ``torch.channels_last`` memory format; ``channels_last=False`` copies
    it to the default contiguous layout.
    """
    if not (x.flags.c_contiguous and x.flags.writeable):
        x = np.array(x, dtype=np.uint8, order="C")
    out = torch.addcmul(_NEG_SHIFT, torch.from_numpy(x).float(), _SCALE).permute(0, 3, 1, 2)
    return out if channels_last else out.contiguous()


def augment_batch(x: np.ndarray, rng: np.random.Generator, crop_padding: int = 4) -> np.ndarray:
    """Random horizontal flip and random crop after zero padding, for ``n x h x w x c`` arrays.

    Each image gets its own flip (probability 1/2) and its own offsets in
    ``[0, 2 * crop_padding]``; one gather through a sliding-window view does every crop.

    Returns:
        A new ``n x h x w x c`` array of the same dtype.
    """
    n, h, w, c = x.shape
    p = int(crop_padding)
    flip = rng.random(n) < 0.5
    dy = rng.integers(0, 2 * p + 1, size=n)
    dx = rng.integers(0, 2 * p + 1, size=n)
    padded = np.zeros((n, h + 2 * p, w + 2 * p, c), dtype=x.dtype)
    padded[:, p : p + h, p : p + w] = x
    windows = np.lib.stride_tricks.sliding_window_view(padded, (h, w), axis=(1, 2))  # n, 2p+1, 2p+1, c, h, w
    out = np.ascontiguousarray(windows[np.arange(n), dy, dx].transpose(0, 2, 3, 1))  # n x h x w x c
    if flip.any():
        out[flip] = out[flip][:, :, ::-1]
    return out


def batches(
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    *,
    augment: bool,
    shuffle: bool,
    seed: int,
    channels_last: bool = True,
    crop_padding: int = 4,
    drop_last: bool = False,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """One pass over ``(x, y)`` in mini-batches.

    Args:
        x: ``n x h x w x 3`` uint8 RGB images (a memory map is fine).
        y: ``n`` integer labels.
        batch_size: images per batch; the last batch may be smaller.
        augment: random horizontal flips and random crops with ``crop_padding`` zero padding.
        shuffle: visit the images in a random order.
        seed: seed of the order and of the augmentation: same seed, same batches.
        channels_last: return images in ``torch.channels_last`` memory format.
        crop_padding: zero padding of the random crops, pixels.
        drop_last: skip a final batch smaller than ``batch_size`` unless it is the only one
            (training: a batch of one image breaks BatchNorm on a 1 x 1 feature map).

    Yields:
        ``b x 3 x h x w`` float32 images normalised with ImageNet mean and std, and ``b``
        int64 labels.
    """
    if len(x) != len(y):
        raise ValueError(f"{len(x)} images but {len(y)} labels")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x)) if shuffle else np.arange(len(x))
    labels = np.asarray(y, dtype=np.int64)
    stop = len(x) - len(x) % batch_size if drop_last and len(x) >= batch_size else len(x)
    for start in range(0, stop, batch_size):
        index = order[start : start + batch_size]
        images = np.asarray(x[index]) if shuffle else np.asarray(x[start : start + len(index)])
        if augment:
            images = augment_batch(images, rng, crop_padding)
        yield normalise(images, channels_last=channels_last), torch.from_numpy(labels[index])
