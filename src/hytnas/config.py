"""Typed, validated view of ``params.yaml``.

``load_params(path)`` returns a frozen :class:`Params`; any unknown key, wrong type or value
out of range raises :class:`~hytnas.errors.ConfigError` with one line naming the file, the
key, the value and what is allowed. Stage scripts call it first, before doing any work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from hytnas.errors import ConfigError

PositiveInt = Annotated[int, Field(ge=1)]
NonNegativeInt = Annotated[int, Field(ge=0)]
Fraction = Annotated[float, Field(gt=0.0, lt=1.0)]


def check_person_height(person_height: Any) -> tuple[float, float]:
    """``(lowest, highest)`` as floats, or ValueError unless two numbers with 0 < lowest < highest
    (the generated persons' standing heights, fractions of the image side; shared by
    ``data.synthetic.person_height`` and :func:`hytnas.data.synth.generate`)."""
    try:
        if not isinstance(person_height, (list, tuple)):
            raise TypeError
        lo, hi = (float(v) for v in person_height)
    except (TypeError, ValueError):
        raise ValueError(f"person_height must be [lowest, highest], two fractions of the image side, got {person_height!r}") from None
    if not 0 < lo < hi:
        raise ValueError(f"person_height must be [lowest, highest] with 0 < lowest < highest, got {[lo, hi]}")
    return lo, hi


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class SyntheticConfig(_Section):
    images: Annotated[int, Field(ge=20)] = 2400
    image_size: Annotated[int, Field(ge=32, le=1024)] = 128
    seed: int = 0
    # Standing person heights as fractions of the image side: [lowest, highest], log-uniform.
    person_height: tuple[float, float] = (0.05, 0.9)

    @field_validator("person_height", mode="before")
    @classmethod
    def _valid_heights(cls, value: Any) -> tuple[float, float]:
        try:
            return check_person_height(value)
        except ValueError:
            raise ValueError("expected [lowest, highest] with 0 < lowest < highest, fractions of the image side") from None


class DetectScenesConfig(SyntheticConfig):
    """Stage ``synth_detect``: generated scenes for the detection stage (larger persons, less
    clutter than the VWW scenes, so a detector learns within the laptop budget)."""

    images: Annotated[int, Field(ge=20)] = 1500
    seed: int = 1
    person_height: tuple[float, float] = (0.3, 0.9)
    # most distractor objects per scene (0-5; the VWW scenes: 5)
    max_distractors: Annotated[int, Field(ge=0, le=5)] = 2
    # share of scenes with an unannotated occluder (the VWW scenes: 0.35)
    occluder_rate: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0


class DataConfig(_Section):
    source: Literal["synthetic", "coco"] = "synthetic"
    coco_root: str | None = None
    synthetic: SyntheticConfig = SyntheticConfig()
    variant: Literal["pyvww", "mlperf-tiny"] = "pyvww"
    # None: the variant's own value (pyvww 0.005 on segmentation area, mlperf-tiny 0.025 on box area).
    threshold: Fraction | None = None
    area_source: Literal["segmentation", "bbox"] | None = None
    val_ids_file: str | None = None
    val_fraction: Fraction = 0.2
    resolution: Annotated[int, Field(ge=16, le=1024)] = 64
    extra_resolutions: list[Annotated[int, Field(ge=16, le=1024)]] = []


class SampleConfig(_Section):
    space: str = "table1"
    sampler: Literal["uniform", "lhs"] = "lhs"
    accuracy_count: PositiveInt = 60
    latency_count: PositiveInt = 300
    resolution: Annotated[int, Field(ge=16, le=1024)] = 224

    @field_validator("space")
    @classmethod
    def _known_space(cls, value: str) -> str:
        from hytnas.space import list_spaces

        if value not in list_spaces():
            raise ValueError(f"unknown space; expected one of {', '.join(list_spaces())}")
        return value


class ExecutorConfig(_Section):
    kind: Literal["local", "dask"] = "local"
    workers: PositiveInt = 2
    threads: PositiveInt = 1
    address: str | None = None
    gpus: NonNegativeInt = 0
    connect_timeout: Annotated[float, Field(gt=0.0, le=600.0)] = 10.0


class ProxyConfig(_Section):
    epochs: PositiveInt = 5
    resolution: Annotated[int, Field(ge=16, le=1024)] = 64
    batch_size: PositiveInt = 64
    optimizer: Literal["adamw", "sgd"] = "adamw"
    lr: Annotated[float, Field(gt=0.0, le=10.0)] = 0.004
    weight_decay: Annotated[float, Field(ge=0.0, le=1.0)] = 0.02
    warmup_epochs: Annotated[float, Field(ge=0.0)] = 1.0
    label_smoothing: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.1
    augment: bool = True
    momentum: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.9
    train_images: PositiveInt | None = None
    amp: bool = True
    eval_every: PositiveInt = 1
    ema: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.0


class RemoteDeviceConfig(_Section):
    """``latency.remote``: the device that ``latency.backend: remote`` times on, over SSH."""

    host: str | None = None
    user: str = "pi"
    port: Annotated[int, Field(ge=1, le=65535)] = 22
    # private key file; None: the SSH agent's and ~/.ssh's default keys
    key: str | None = None
    # known_hosts file checked against the device's host key; None: ~/.ssh/known_hosts
    known_hosts: str | None = None
    # run on the device with {models} (the folder of copied models) and {image} (the ARM image of
    # the runtime: hytnas-latency-arm64:latest, or hytnas-latency-arm64-torch:latest for torch)
    # filled in; it must print one JSON record per model (the ARM image's timing program)
    command: Annotated[str, Field(min_length=1)] = "docker run --rm --network none -v {models}:/models {image}"
    # the device's runtime: onnxruntime (ONNX models; any 64-bit Pi) | torch (TorchScript models in
    # the image built with torch 2.10.0: Armv8.2 devices such as a Pi 5 only)
    runtime: Literal["onnxruntime", "torch"] = "onnxruntime"
    # seconds one batch may take on the device (copy, container start, timing)
    timeout: Annotated[float, Field(gt=0.0)] = 1800.0
    # models copied and timed per container start
    batch: PositiveInt = 10
    # working folder on the device (a subfolder per batch, removed afterwards)
    remote_dir: Annotated[str, Field(min_length=1)] = "/tmp/hytnas-latency"
    # ONNX opset of the exported models
    opset: Annotated[int, Field(ge=13, le=20)] = 17

    @field_validator("command")
    @classmethod
    def _has_models(cls, value: str) -> str:
        if "{models}" not in value:
            raise ValueError("expected a command containing {models}, the folder of the copied models")
        return value


class LatencyConfig(_Section):
    # local | import | any backend registered with hytnas.latency.register_backend (checked by the stage)
    backend: Annotated[str, Field(min_length=1)] = "local"
    device: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$")] = "local-cpu"
    resolution: Annotated[int, Field(ge=16, le=1024)] = 224
    threads: PositiveInt = 1
    warmup: NonNegativeInt = 10
    runs: Annotated[int, Field(ge=3)] = 50
    import_csv: str | None = None
    workers: PositiveInt = 1
    # time the calibration network right before each network (calibration_ms, latency_relative)
    calibrate: bool = False
    # re-time, once, each network whose calibration differs from the run's median calibration by
    # more than this fraction (needs calibrate); None: no re-timing
    retime_tolerance: Annotated[float, Field(gt=0.0, lt=1.0)] | None = None
    remote: RemoteDeviceConfig = RemoteDeviceConfig()

    @field_validator("retime_tolerance")
    @classmethod
    def _retime_needs_calibration(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and not info.data.get("calibrate"):
            raise ValueError("needs latency.calibrate: true (each measurement is judged by its calibration)")
        return value


class PredictorsConfig(_Section):
    """Stage ``fit_predictors``: the predictor comparison (:mod:`hytnas.predictors`)."""

    # pipeline (data/proxy/accuracy.csv, data/latency/<device>.csv) | released (authors' files)
    source: Literal["pipeline", "released"] = "pipeline"
    # folder holding models_acc_pr.csv and models_lat_pre.csv (needed when source is released)
    released_dir: str | None = None
    # predictors compared; costsum is the kernel-level cost sum (non-negative linear model)
    models: list[Literal["xgboost", "lightgbm", "mlp2", "mlp3", "costsum"]] = ["xgboost", "lightgbm", "mlp2", "mlp3"]
    folds: Annotated[int, Field(ge=2)] = 5
    repeats: PositiveInt = 3
    seed: int = 0
    # predictor inputs: encoding (the space's numbers) | costs (+ analytic per-stage and
    # per-kernel costs) | builder (+ hytnas.cost.stage_features: per-part params, MACs, tokens)
    feature_set: Literal["encoding", "costs", "builder"] = "costs"
    # repeated architectures in a table: keep (all rows, same fold) | mean | last (last row wins)
    duplicates: Literal["keep", "mean", "last"] = "last"
    # fewest rows with a usable target a table may keep after dropping bad rows
    min_rows: Annotated[int, Field(ge=10)] = 20
    # predictor written to models/predictors/<table>/: best (highest mean Kendall tau) or a model name
    chosen: Literal["best", "xgboost", "lightgbm", "mlp2", "mlp3", "costsum"] = "best"
    # models whose learning curve (Kendall tau vs training rows) is drawn
    curve_models: list[Literal["xgboost", "lightgbm", "mlp2", "mlp3", "costsum"]] = ["xgboost"]
    # training-set sizes of the learning curves (sizes above a training fold are skipped)
    curve_sizes: list[Annotated[int, Field(ge=10)]] = [25, 50, 100, 200, 500, 1000]


class StrategyVariant(_Section):
    """A named setting of a strategy for ``search.strategies``: ``options`` override the
    shared ``search`` keys (``initial``, ``batch``, ...) for that entry only."""

    # the registered strategy it runs (default: the variant's own name)
    strategy: str | None = None
    options: dict[str, Any] = {}


class SearchConfig(_Section):
    # random | nsga2 | gp-mobo | hytnas | qnehvi | hytnas-released | any registered strategy
    # or a name of search.variants (checked by the stage)
    strategies: Annotated[list[str], Field(min_length=1)] = [
        "random",
        "nsga2",
        "gp-mobo",
        "hytnas",
    ]
    seeds: PositiveInt = 3
    budget: PositiveInt = 500
    # initial design of the BO strategies: also the library's and `hytnas search`'s default
    initial: PositiveInt = 30
    batch: PositiveInt = 10
    ensemble: PositiveInt = 5
    ucb_beta: Annotated[float, Field(ge=0.0)] = 1.0
    # the BO loops' acquisition solver: start from the evaluated points (DGEMO) or uniform genomes
    warm_start: bool = False
    # its candidates: every point it visits, or its final population (DGEMO)
    solver_candidates: Literal["visited", "final"] = "visited"
    # the batch selection's HVI: on the UCB acquisition or the predicted mean (DGEMO) ...
    hvi_on: Literal["ucb", "mean", "sample"] = "ucb"
    # ... in the surrogates' score space (hytnas: ranks) or in objective values (DGEMO)
    hvi_space: Literal["rank", "value"] = "rank"
    # hytnas: each ranker fitted on its own bootstrap resample of the evaluated points
    bootstrap: bool = False
    # named strategy settings, usable in strategies: {name: {strategy: hytnas, options: {...}}};
    # a registered strategy's own name changes its options only (e.g. hytnas-released's batch)
    variants: dict[str, StrategyVariant] = {}
    released_dir: str | None = None
    bounds_sample: Annotated[int, Field(ge=100)] = 10_000
    reference_budget: Annotated[int, Field(ge=100)] = 5_000


INITIAL_DESIGN: int = SearchConfig.model_fields["initial"].default
"""The BO strategies' initial design size, declared once (``search.initial``)."""


class FinalConfig(_Section):
    """Stage ``train_final`` (Table II). The optimiser, schedule and loss are the proxy
    recipe's (``proxy.*``); these keys set what differs. Baseline names are checked against
    :func:`hytnas.nn.list_model_specs` by the stage (not here: that would import torch in
    every stage)."""

    epochs: PositiveInt = 10
    resolution: Annotated[int, Field(ge=16, le=1024)] = 64
    seeds: PositiveInt = 1
    baselines: list[str] = ["mobilenetv1_025", "mobilenetv2_035", "proxylessnas_mobile", "mobilevit_xs", "mobilevit_s"]
    max_params: PositiveInt | None = None
    max_latency_ms: Annotated[float, Field(gt=0.0)] | None = None
    # Training images used per network (a seeded subset shared by all); None: all of them.
    train_images: PositiveInt | None = None
    # Random flips and padded crops on training batches.
    augment: bool = True
    # The baseline of the headline comparison (accuracy gain, parameter and latency ratios).
    reference: str = "mobilenetv1_025"
    # ONNX opset of the exported networks.
    onnx_opset: Annotated[int, Field(ge=13, le=20)] = 17

    @field_validator("baselines")
    @classmethod
    def _distinct_baselines(cls, value: list[str]) -> list[str]:
        repeated = sorted({name for name in value if value.count(name) > 1})
        if repeated:
            raise ValueError(f"baseline(s) listed twice: {', '.join(repeated)}")
        return value


class DetectConfig(_Section):
    """Stage ``detect`` (Table III): SSDLite detectors on the HyT-NAS pick and reference
    backbones. Backbone names are checked by the stage (``hytnas.detection.backbones``)."""

    # synthetic (the generated scenes of synth_detect) | coco (detect.coco_root: COCO 2017, else 2014)
    source: Literal["synthetic", "coco"] = "synthetic"
    coco_root: str | None = None
    synthetic: DetectScenesConfig = DetectScenesConfig()
    # category names to detect; None: every category of the annotation files
    categories: Annotated[list[str], Field(min_length=1)] | None = ["person"]
    # hytnas_o / hytnas_bl / hytnas_ba (train_final's picks), mobilenetv3_large, or a zoo network
    backbones: Annotated[list[str], Field(min_length=1)] = ["hytnas_o", "mobilenetv3_large", "mobilevit_xxs", "mobilevit_xs"]
    # backbone label -> classification checkpoint its backbone starts from (hytnas.detection.pretrained); {}: all from scratch
    backbone_weights: dict[str, str] = {}
    resolution: Annotated[int, Field(ge=32, le=1024)] = 128
    epochs: PositiveInt = 4
    batch_size: PositiveInt = 8
    optimizer: Literal["adamw", "sgd"] = "adamw"
    lr: Annotated[float, Field(gt=0.0, le=10.0)] = 0.005
    weight_decay: Annotated[float, Field(ge=0.0, le=1.0)] = 0.02
    momentum: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.9
    warmup_epochs: Annotated[float, Field(ge=0.0)] = 0.5
    # training and validation images (seeded subsets shared by every detector); None: all
    train_images: PositiveInt | None = 600
    val_images: PositiveInt | None = 200
    augment: bool = True
    seeds: PositiveInt = 1
    # boxes drawn per validation image by the random baseline
    baseline_boxes: PositiveInt = 20

    @field_validator("backbones", "categories")
    @classmethod
    def _distinct(cls, value: list[str] | None) -> list[str] | None:
        repeated = sorted({name for name in value or [] if value.count(name) > 1})
        if repeated:
            raise ValueError(f"listed twice: {', '.join(repeated)}")
        return value


class Params(_Section):
    """All of ``params.yaml``; sections mirror the pipeline stages."""

    seed: int = 0
    data: DataConfig = DataConfig()
    sample: SampleConfig = SampleConfig()
    executor: ExecutorConfig = ExecutorConfig()
    proxy: ProxyConfig = ProxyConfig()
    latency: LatencyConfig = LatencyConfig()
    predictors: PredictorsConfig = PredictorsConfig()
    search: SearchConfig = SearchConfig()
    final: FinalConfig = FinalConfig()
    detect: DetectConfig = DetectConfig()


def _describe(error: dict[str, Any]) -> str:
    """One human line for one pydantic error."""
    key = ".".join(str(part) for part in error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown key {key!r}"
    if kind == "missing":
        return f"missing key {key!r}"
    value = error.get("input")
    message = error["msg"]
    if kind == "literal_error":
        message = "expected " + message.removeprefix("Input should be ")
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    else:
        message = message.replace("Input should be", "expected")
    return f"{key} = {value!r}: {message}"


def parse_params(data: Any, source: str = "params") -> Params:
    """Validate a mapping (e.g. parsed YAML); :class:`ConfigError` on the first problem."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of sections at the top level, got {type(data).__name__}")
    try:
        return Params.model_validate(data)
    except ValidationError as err:
        errors = err.errors()
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ConfigError(f"{source}: {_describe(errors[0])}{more}") from None


def load_params(path: str | Path = "params.yaml") -> Params:
    """Read and validate a params file."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise ConfigError(f"{path}: cannot read params file ({err.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}: not valid YAML{where}") from None
    return parse_params(data, source=str(path))
