"""The training loop: schedule, determinism, divergence, DVCLive curves, optimisers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch

from hytnas.nn import build_model
from hytnas.space import get_space
from hytnas.seeds import arch_seed
from hytnas.training import Recipe
from hytnas.training.loop import Diverged, WeightAverage, evaluate, lr_at, open_live, param_groups, train

RES = 32


pytestmark = pytest.mark.usefixtures("one_thread")


def tiny_model(seed: int = 0) -> torch.nn.Module:
    space = get_space("table1")
    torch.manual_seed(seed)
    return build_model(space.to_spec(tuple(0 for _ in space.dims)), num_classes=2)


def random_data(n: int = 48, batch: int = 16, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, RES, RES, generator=g)
    y = torch.randint(0, 2, (n,), generator=g)

    def train_batches(epoch: int):
        order = torch.randperm(n, generator=torch.Generator().manual_seed(seed * 100 + epoch))
        return [(x[order[i : i + batch]], y[order[i : i + batch]]) for i in range(0, n, batch)]

    def val_batches():
        return [(x[:batch], y[:batch])]

    return train_batches, val_batches, math.ceil(n / batch)


def test_lr_schedule_warms_up_then_decays_to_zero() -> None:
    total, warm, peak = 100, 10, 0.5
    lrs = [lr_at(s, total, warm, peak) for s in range(total)]
    assert lrs[0] == pytest.approx(peak / warm)
    assert lrs[warm - 1] == pytest.approx(peak)
    assert all(a < b for a, b in zip(lrs[:warm - 1], lrs[1:warm]))
    assert all(a >= b for a, b in zip(lrs[warm:], lrs[warm + 1 :]))
    assert lrs[-1] < 0.01 * peak
    assert lr_at(5, 10, 0, 1.0) == pytest.approx(0.5 * (1 + math.cos(math.pi * 0.5)))


def test_train_returns_finite_numbers_and_history() -> None:
    train_batches, val_batches, steps = random_data()
    result = train(tiny_model(), train_batches, val_batches, Recipe(epochs=2, batch_size=16), steps_per_epoch=steps, seed=1)
    assert result.epochs == 2 and len(result.history) == 2
    assert 0.0 <= result.val_acc <= 100.0 and result.best_val_acc >= result.val_acc
    assert math.isfinite(result.val_loss) and math.isfinite(result.train_loss)
    assert result.seconds > 0 and result.images_per_second > 0
    assert result.history[0].images == 48
    assert set(result.summary()) == {"val_acc", "best_val_acc", "val_loss", "train_loss", "epochs", "seconds", "images_per_second"}


def test_same_seed_same_result_other_seed_other_result() -> None:
    train_batches, val_batches, steps = random_data()
    recipe = Recipe(epochs=1, batch_size=16, warmup_epochs=0.5)
    a = train(tiny_model(3), train_batches, val_batches, recipe, steps_per_epoch=steps, seed=7)
    b = train(tiny_model(3), train_batches, val_batches, recipe, steps_per_epoch=steps, seed=7)
    c = train(tiny_model(4), train_batches, val_batches, recipe, steps_per_epoch=steps, seed=8)
    assert (a.train_loss, a.val_loss) == (b.train_loss, b.val_loss)
    assert a.train_loss != c.train_loss


def test_nan_loss_raises_diverged() -> None:
    train_batches, val_batches, steps = random_data()

    def poisoned(epoch: int):
        batches = train_batches(epoch)
        x, y = batches[1]
        return [batches[0], (torch.full_like(x, float("nan")), y), *batches[2:]]

    with pytest.raises(Diverged, match="step 2"):
        train(tiny_model(), poisoned, val_batches, Recipe(epochs=1, batch_size=16), steps_per_epoch=steps, seed=0)


def test_sgd_and_no_channels_last_run() -> None:
    train_batches, val_batches, steps = random_data(n=32)
    recipe = Recipe(epochs=1, batch_size=16, optimizer="sgd", lr=0.05, channels_last=False, label_smoothing=0.0)
    result = train(tiny_model(), train_batches, val_batches, recipe, steps_per_epoch=steps, seed=0)
    assert math.isfinite(result.train_loss)


def test_weight_decay_skips_biases_and_norms() -> None:
    model = tiny_model()
    decay, no_decay = param_groups(model, 0.05)
    assert decay["weight_decay"] == 0.05 and no_decay["weight_decay"] == 0.0
    assert all(p.ndim >= 2 for p in decay["params"]) and all(p.ndim < 2 for p in no_decay["params"])
    assert len(decay["params"]) + len(no_decay["params"]) == len(list(model.parameters()))


def test_evaluate_reports_percent_accuracy() -> None:
    model = tiny_model()
    x = torch.randn(8, 3, RES, RES)
    pred = model.eval()(x).argmax(1)
    loss, acc = evaluate(model, [(x, pred)])
    assert acc == 100.0 and loss > 0


def test_curves_go_to_dvclive(tmp_path: Path) -> None:
    train_batches, val_batches, steps = random_data(n=32)
    live = open_live(str(tmp_path / "live"))
    train(tiny_model(), train_batches, val_batches, Recipe(epochs=2, batch_size=16), steps_per_epoch=steps, seed=0, live=live)
    live.end()
    metrics = json.loads((tmp_path / "live" / "metrics.json").read_text())
    assert metrics["step"] == 1 and "acc" in metrics["val"]
    curve = (tmp_path / "live" / "plots" / "metrics" / "val" / "acc.tsv").read_text().splitlines()
    assert curve[0].split("\t") == ["step", "acc"] and len(curve) == 3
    assert not (tmp_path / "dvc.yaml").exists() and not (tmp_path / "live" / "dvc.yaml").exists()


def test_recipe_from_config_and_arch_seed() -> None:
    from hytnas.config import ProxyConfig

    recipe = Recipe.from_config(ProxyConfig(epochs=3, lr=0.01))
    assert (recipe.epochs, recipe.lr, recipe.optimizer) == (3, 0.01, "adamw")
    assert arch_seed(0, "a") == arch_seed(0, "a") != arch_seed(0, "b") != arch_seed(1, "a")
    assert 0 <= arch_seed(5, "x", "proxy") < 2**31


def test_eval_every_evaluates_only_those_epochs_and_the_last() -> None:
    train_batches, val_batches, steps = random_data(n=32)
    calls = []

    def counted():
        calls.append(1)
        return val_batches()

    result = train(tiny_model(), train_batches, counted, Recipe(epochs=3, batch_size=16), steps_per_epoch=steps, seed=0, eval_every=2)
    assert len(calls) == 2
    assert math.isnan(result.history[0].val_acc) and not math.isnan(result.history[1].val_acc)
    assert result.val_acc == result.history[2].val_acc


def test_weight_average_follows_the_formula_and_swaps_back() -> None:
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.BatchNorm1d(2))
    start = {k: v.clone() for k, v in model.state_dict().items()}
    average = WeightAverage(model, decay=0.5)
    with torch.no_grad():
        model[0].weight.add_(1.0)
        model[1].num_batches_tracked.fill_(7)
    average.update()  # t = 1: decay min(0.5, 2/11) = 2/11
    expected = start["0.weight"] + (1 - 2 / 11) * 1.0
    assert torch.allclose(average.state["0.weight"], expected)
    assert int(average.state["1.num_batches_tracked"]) == 7
    live = model[0].weight.detach().clone()
    average.swap(model)
    assert torch.allclose(model[0].weight, expected)
    average.swap(model)
    assert torch.equal(model[0].weight, live)


def test_ema_evaluates_and_returns_the_average() -> None:
    train_batches, val_batches, steps = random_data()
    plain = Recipe(epochs=2, batch_size=16, warmup_epochs=0.5)
    averaged = Recipe(epochs=2, batch_size=16, warmup_epochs=0.5, ema=0.9)
    a = train(tiny_model(3), train_batches, val_batches, plain, steps_per_epoch=steps, seed=7)
    model = tiny_model(3)
    b = train(model, train_batches, val_batches, averaged, steps_per_epoch=steps, seed=7)
    again = train(tiny_model(3), train_batches, val_batches, averaged, steps_per_epoch=steps, seed=7)
    assert a.train_loss == b.train_loss  # the average does not touch the training itself
    assert b.val_loss != a.val_loss and (b.val_loss, b.val_acc) == (again.val_loss, again.val_acc)
    loss, acc = evaluate(model, val_batches())
    assert (loss, acc) == pytest.approx((b.val_loss, b.val_acc))  # the returned model is the average
