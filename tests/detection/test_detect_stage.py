"""Stage detect end to end on tiny generated scenes; resuming; bad input stops before training."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hytnas.data.synth import generate
from hytnas.errors import ConfigError, DataError, SpaceError
from hytnas.latency.local import LocalBackend
from hytnas.latency.protocol import LatencyProtocol
from hytnas.pipeline.detect import DetectPaths, run
from hytnas.runs import Executor, InlineExecutor
from hytnas.space import get_space

from support.params import quick_params

pytestmark = pytest.mark.usefixtures("one_thread")


class InlineBackend(LocalBackend):
    def executor(self) -> Executor:
        return InlineExecutor(1)


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("detect") / "raw"
    generate(root, images=40, size=64, seed=2, val_fraction=0.3, split_seed=0)
    return root


def _final_models(root: Path) -> Path:
    """A train_final models folder whose hytnas_o is a tiny table1 architecture."""
    space = get_space("table1")
    arch = space.arch_id(space.sample(1, seed=0)[0])
    folder = root / "final" / "hytnas_o"
    folder.mkdir(parents=True)
    (folder / "spec.json").write_text(json.dumps({"label": "hytnas_o", "kind": "space", "ref": arch, "space": "table1"}))
    return root / "final"


def _params(**detect):
    cfg = {"backbones": ["hytnas_o", "mobilenetv3_large"], "resolution": 64, "epochs": 1, "batch_size": 8,
           "train_images": 16, "val_images": 8, **detect}
    return quick_params(detect=cfg)


def _run(params, raw: Path, root: Path, final: Path):
    paths = DetectPaths(final_models=final, raw=raw, cache=root / "cache", models=root / "models",
                        metrics=root / "detection.json", table=root / "table3.md", live=root / "live",
                        figure=root / "detections.png")
    backend = InlineBackend(LatencyProtocol.from_config(params.latency), params.executor)
    return run(params, paths, executor=InlineExecutor(), latency_backend=backend, progress=False), paths


@pytest.mark.slow
def test_detect_end_to_end_then_resume(raw: Path, tmp_path: Path) -> None:
    final = _final_models(tmp_path)
    first, paths = _run(_params(), raw, tmp_path / "out", final)
    metrics = json.loads(paths.metrics.read_text())
    for key in ("hytnas_o_map", "hytnas_o_person_ap", "mobilenetv3_large_params", "hytnas_o_latency_ms", "baseline_random_map"):
        assert key in metrics, key
    assert metrics["mobilenetv3_large_params"] > metrics["hytnas_o_params"]
    from torchvision.models.detection import ssdlite320_mobilenet_v3_large

    from hytnas.nn import count_params
    from hytnas.runs.store import ResultStore

    # the paper's setting is torchvision's own SSDLite320 at COCO's 80 categories and the background
    paper_setting = ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=81)
    assert metrics["mobilenetv3_large_params_paper_setting"] == count_params(paper_setting)
    assert metrics["hytnas_o_params_paper_setting"] > metrics["hytnas_o_params"]  # 81 classes, two more extra blocks
    table = paths.table.read_text()
    assert "| HyT-NAS-O |" in table and "| MobileNetV3-Large |" in table and "22.0" in table and "random boxes" in table
    assert paths.figure.is_file() and (paths.models / "hytnas_o" / "seed0.pt").is_file()
    assert (paths.live / "hytnas_o_s0" / "plots" / "metrics" / "val" / "map.tsv").is_file()
    again, _ = _run(_params(), raw, tmp_path / "out", final)
    assert json.loads(paths.metrics.read_text()) == metrics  # from the store: same numbers
    stored = len(ResultStore(tmp_path / "out" / "cache"))
    second_seed, _ = _run(_params(seeds=2), raw, tmp_path / "out", final)
    assert json.loads(paths.metrics.read_text())["hytnas_o_seeds"] == 2
    assert len(ResultStore(tmp_path / "out" / "cache")) == stored + 2  # only the new seed of each detector trained


def test_backbone_weights_start_a_detector_and_key_its_result(raw: Path, tmp_path: Path) -> None:
    """A detector whose backbone starts from a classification checkpoint trains under a key of
    its own (the from-scratch result is not reused) and the table says how it started."""
    import torch

    from hytnas.nn import build_model
    from hytnas.runs.store import ResultStore

    final = _final_models(tmp_path)
    spec = json.loads((final / "hytnas_o" / "spec.json").read_text())
    space = get_space("table1")
    torch.manual_seed(3)
    torch.save(build_model(space.to_spec(space.parse_arch_id(spec["ref"])), num_classes=2).state_dict(), tmp_path / "o.pt")
    _, paths = _run(_params(backbones=["hytnas_o"]), raw, tmp_path / "out", final)
    from_scratch = torch.load(paths.models / "hytnas_o" / "seed0.pt", weights_only=True)
    _run(_params(backbones=["hytnas_o"], backbone_weights={"hytnas_o": str(tmp_path / "o.pt")}), raw, tmp_path / "out", final)
    from_weights = torch.load(paths.models / "hytnas_o" / "seed0.pt", weights_only=True)
    stem = "backbone.to16.0.conv.weight"  # same seed, same batches: only the start differs
    assert from_weights.keys() == from_scratch.keys() and not torch.equal(from_weights[stem], from_scratch[stem])
    assert len(ResultStore(tmp_path / "out" / "cache")) == 3  # two detectors, one latency (the architecture is the same)
    assert "trained with the backbone weights of HyT-NAS-O (from o.pt) 1 epochs" in paths.table.read_text()
    assert json.loads(paths.metrics.read_text())["budget_start"].startswith("with the backbone weights of HyT-NAS-O")


@pytest.mark.parametrize(
    "detect, error, message",
    [
        ({"backbones": ["resnet9000"]}, SpaceError, "detect.backbones: unknown backbone 'resnet9000'"),
        ({"backbones": ["hytnas_ba"]}, DataError, "hytnas_ba/spec.json: not found; expected the spec.json of train_final's pick hytnas_ba, which detect.backbones names"),
        ({"categories": ["person", "unicorn"]}, DataError, "detect.categories: 'unicorn' not among the categories"),
        ({"resolution": 16}, Exception, "detect.resolution"),
        ({"backbone_weights": {"mobilevit_xs": "w.pt"}}, ConfigError, "detect.backbone_weights: 'mobilevit_xs' not in detect.backbones"),
        ({"backbone_weights": {"hytnas_o": "/nonexistent/o.pt"}}, DataError, "detect.backbone_weights.hytnas_o = /nonexistent/o.pt: file not found"),
        ({"backbone_weights": {"mobilenetv3_large": "WRONG"}}, DataError, "does not fit the backbone's"),
    ],
)
def test_bad_input_stops_before_training(raw: Path, tmp_path: Path, detect, error, message: str) -> None:
    final = _final_models(tmp_path)
    if detect.get("backbone_weights", {}).get("mobilenetv3_large") == "WRONG":  # a checkpoint of another network
        import torch

        from hytnas.nn import get_model

        torch.save(get_model("mobilevit_xxs", 2).state_dict(), tmp_path / "xxs.pt")
        detect = {"backbone_weights": {"mobilenetv3_large": str(tmp_path / "xxs.pt")}}
    if detect.get("resolution") == 16:
        from hytnas.errors import ConfigError

        with pytest.raises(ConfigError, match="detect.resolution = 16"):
            _params(**detect)
        return
    with pytest.raises(error) as err:
        _run(_params(**detect), raw, tmp_path / "out", final)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert not (tmp_path / "out").exists()


def test_stage_on_a_coco2017_tree_with_every_category(tmp_path: Path) -> None:
    from support.coco import write_coco2017_tree

    tree = write_coco2017_tree(tmp_path / "coco")
    final = _final_models(tmp_path)
    params = _params(source="coco", coco_root=str(tree), categories=None, backbones=["hytnas_o"], train_images=None, val_images=None)
    _, paths = _run(params, tmp_path / "no-scenes", tmp_path / "out", final)
    metrics = json.loads(paths.metrics.read_text())
    assert metrics["budget_data"] == "coco" and metrics["budget_train_images"] == 6 and metrics["budget_val_images"] == 3
    names = metrics["budget_categories"].split(", ")
    assert len(names) == 80 and names[0] == "person" and names[-1] == "toothbrush"
    assert "hytnas_o_map" in metrics and "| HyT-NAS-O |" in paths.table.read_text()


def test_stage_refuses_a_coco_box_outside_its_image_before_training(tmp_path: Path) -> None:
    from support.coco import write_coco2017_tree

    tree = write_coco2017_tree(tmp_path / "coco", bad_box=True)
    with pytest.raises(DataError) as err:
        _run(_params(source="coco", coco_root=str(tree)), tmp_path / "no-scenes", tmp_path / "out", _final_models(tmp_path))
    assert "instances_train2017.json" in str(err.value) and "\n" not in str(err.value)
    assert not (tmp_path / "out").exists()
