"""``hytnas detect ...``: build a detector and describe it; score detections with COCOeval."""

from __future__ import annotations

import argparse
import json


def add_commands(sub: argparse._SubParsersAction) -> None:
    detect = sub.add_parser("detect", help="SSDLite detectors on our backbones; COCO mAP of detections")
    detect_sub = detect.add_subparsers(dest="detect_command", metavar="ACTION", required=True)

    build = detect_sub.add_parser("build", help="build an SSDLite detector; print its parameters, MACs and feature maps")
    build.add_argument("backbone", help="mobilenetv3_large, a network such as mobilevit_xxs, an arch_id (with --space) or a spec.json")
    build.add_argument("--space", default=None, help="search space of an arch_id backbone")
    build.add_argument("--resolution", type=int, default=320, help="input side in pixels (default 320)")
    build.add_argument("--classes", type=int, default=91, help="classes including the background (default 91, COCO's)")
    build.add_argument("--weights", default=None, help="classification checkpoint (torch.save of a state dict) to start the backbone from")
    build.set_defaults(func=_build)

    evaluate = detect_sub.add_parser("eval", help="COCOeval of a detections file against a ground-truth instances file")
    evaluate.add_argument("--gt", required=True, help="COCO instances JSON (the ground truth)")
    evaluate.add_argument("--dt", required=True, help="COCO results JSON: [{image_id, category_id, bbox, score}, ...]")
    evaluate.add_argument("--category", default=None, help="also report the AP of this category (e.g. person)")
    evaluate.add_argument("--json", action="store_true", help="print the numbers as JSON")
    evaluate.set_defaults(func=_eval)


def _build(args: argparse.Namespace) -> None:
    from hytnas.detection.backbones import resolve_backbone
    from hytnas.nn import count_params
    from hytnas.detection.ssdlite import DetectorSpec, build_detector, detector_macs, feature_shapes

    spec = DetectorSpec.for_backbone(resolve_backbone(args.backbone, space=args.space), args.classes, args.resolution,
                                     pretrained=args.weights is not None)
    model = build_detector(spec)
    if args.weights is not None:
        from hytnas.detection.pretrained import load_backbone_weights

        print(f"backbone weights: {load_backbone_weights(model, args.weights)} tensors from {args.weights}")
    backbone = sum(p.numel() for p in model.backbone.parameters())
    print(f"SSDLite with backbone {spec.name} at {args.resolution}x{args.resolution}, {args.classes} classes")
    print(f"params: {count_params(model):,} (backbone and extra blocks {backbone:,}, head {count_params(model.head):,})")
    print(f"MACs: {detector_macs(model, args.resolution):,}")
    for i, (c, h, w) in enumerate(feature_shapes(model, args.resolution)):
        print(f"feature map {i}: {c} x {h} x {w}")


def _eval(args: argparse.Namespace) -> None:
    from hytnas.detection.coco_eval import evaluate, read_detections, read_ground_truth

    gt = read_ground_truth(args.gt)
    detections = read_detections(args.dt, gt)
    stats = evaluate(gt, detections)
    if args.category:
        stats[f"{args.category}_ap"] = evaluate(gt, detections, category_ids=[gt.category_id(args.category)])["map"]
    if args.json:
        print(json.dumps(stats, indent=2))
        return
    print(f"{len(detections)} detections on {len(gt.images)} images, {len(gt.annotations)} ground-truth boxes")
    for name, value in stats.items():
        print(f"{name:<12} {value:7.4f}")
