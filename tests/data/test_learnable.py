"""The generated default carries signal: a tiny CNN trained briefly beats chance on val."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from hytnas.config import DataConfig, SyntheticConfig
from hytnas.data.arrays import load_vww
from hytnas.data.loader import batches
from hytnas.data.prepare import prepare_vww
from hytnas.data.synth import generate
from hytnas.runs.local import LocalExecutor


def _tiny_cnn(width: int = 12) -> nn.Module:
    def block(cin: int, cout: int, stride: int) -> nn.Module:
        return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))

    w = width
    return nn.Sequential(
        block(3, w, 2), block(w, 2 * w, 2), block(2 * w, 2 * w, 1), block(2 * w, 4 * w, 2), block(4 * w, 4 * w, 1),
        block(4 * w, 8 * w, 2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8 * w, 2),
    )


@pytest.mark.slow
def test_tiny_cnn_beats_chance(tmp_path: Path) -> None:
    cfg = DataConfig(synthetic=SyntheticConfig(images=1500, image_size=128, seed=0), resolution=64, val_fraction=0.25)
    generate(tmp_path / "raw", images=cfg.synthetic.images, size=128, seed=0, val_fraction=0.25, split_seed=0, executor=LocalExecutor(2, 1, quiet=True))
    prepare_vww(cfg, raw=tmp_path / "raw", out=tmp_path / "vww", seed=0)
    data = load_vww(tmp_path / "vww", 64)

    torch.manual_seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        model = _tiny_cnn().to(memory_format=torch.channels_last)
        epochs = 6
        steps = epochs * -(-len(data.train_y) // 64)
        optimizer = torch.optim.AdamW(model.parameters(), lr=4e-3, weight_decay=0.02)
        schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, 4e-3, total_steps=steps)
        for epoch in range(epochs):
            model.train()
            for x, y in batches(data.train_x, data.train_y, 64, augment=True, shuffle=True, seed=epoch):
                loss = nn.functional.cross_entropy(model(x), y)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                schedule.step()
        model.eval()
        with torch.no_grad():
            correct = sum(int((model(x).argmax(1) == y).sum()) for x, y in batches(data.val_x, data.val_y, 256, augment=False, shuffle=False, seed=0))
    finally:
        torch.set_num_threads(threads)
    accuracy = correct / len(data.val_y)
    chance = max(data.val_y.mean(), 1 - data.val_y.mean())
    print(f"tiny CNN val accuracy {accuracy:.3f}, chance {chance:.3f}, {len(data.train_y)} train images")
    assert accuracy > chance + 0.08
