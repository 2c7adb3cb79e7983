"""Object outlines for generated scenes: articulated persons and person-like distractors.

Every builder returns a list of :class:`Part` (a polygon and its RGB colour) in image pixel
coordinates (x right, y down) around the origin, to be moved into place with
:func:`translate`. Sizes are in pixels; angles in radians. All random choices come from the
``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

Colour = tuple[float, float, float]
Rng = np.random.Generator

SKIN: tuple[Colour, ...] = (
    (0.97, 0.82, 0.71),
    (0.92, 0.74, 0.58),
    (0.82, 0.60, 0.45),
    (0.65, 0.45, 0.31),
    (0.47, 0.32, 0.22),
    (0.33, 0.22, 0.15),
)
HAIR: tuple[Colour, ...] = (
    (0.08, 0.06, 0.05),
    (0.25, 0.15, 0.08),
    (0.45, 0.30, 0.15),
    (0.80, 0.65, 0.35),
    (0.60, 0.60, 0.58),
    (0.55, 0.22, 0.10),
)


@dataclass(frozen=True)
class Part:
    """One filled polygon of an object: ``k x 2`` float points (x, y) in pixels, RGB in [0, 1]."""

    points: np.ndarray
    colour: Colour


def translate(parts: list[Part], dx: float, dy: float) -> list[Part]:
    """The parts moved by ``(dx, dy)`` pixels."""
    shift = np.array([dx, dy])
    return [Part(p.points + shift, p.colour) for p in parts]


def extent(parts: list[Part]) -> tuple[float, float, float, float]:
    """``(x0, y0, x1, y1)`` of all points, pixels."""
    points = np.concatenate([p.points for p in parts])
    return float(points[:, 0].min()), float(points[:, 1].min()), float(points[:, 0].max()), float(points[:, 1].max())


# ---------------------------------------------------------------- geometry helpers


def _ellipse(cx: float, cy: float, rx: float, ry: float, angle: float = 0.0, n: int = 14) -> np.ndarray:
    t = np.linspace(0.0, 2.0 * math.pi, n, endpoint=False)
    x, y = rx * np.cos(t), ry * np.sin(t)
    c, s = math.cos(angle), math.sin(angle)
    return np.stack([cx + c * x - s * y, cy + s * x + c * y], axis=1)


def _capsule(p: np.ndarray, q: np.ndarray, width: float, n: int = 5) -> np.ndarray:
    """A thick segment from ``p`` to ``q`` with round ends, ``width`` pixels across."""
    r = max(width / 2.0, 0.3)
    d = q - p
    heading = math.atan2(d[1], d[0])
    a = np.linspace(-math.pi / 2, math.pi / 2, n)
    end_q = q + r * np.stack([np.cos(heading + a), np.sin(heading + a)], axis=1)
    end_p = p + r * np.stack([np.cos(heading + math.pi + a), np.sin(heading + math.pi + a)], axis=1)
    return np.concatenate([end_q, end_p])


def _rotate(parts: list[Part], angle: float) -> list[Part]:
    c, s = math.cos(angle), math.sin(angle)
    rot = np.array([[c, -s], [s, c]])
    return [Part(p.points @ rot.T, p.colour) for p in parts]


def _mirror(parts: list[Part]) -> list[Part]:
    flip = np.array([-1.0, 1.0])
    return [Part(p.points * flip, p.colour) for p in parts]


def _down(angle: float) -> np.ndarray:
    """Unit vector pointing down (y down) rotated by ``angle`` towards +x."""
    return np.array([math.sin(angle), math.cos(angle)])


def shade(colour: Colour, factor: float) -> Colour:
    return tuple(float(min(1.0, max(0.0, c * factor))) for c in colour)  # type: ignore[return-value]


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return tuple(float(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def random_colour(rng: Rng, saturation: tuple[float, float] = (0.0, 1.0), value: tuple[float, float] = (0.1, 1.0)) -> Colour:
    """A colour drawn uniformly in HSV within the given saturation and value ranges."""
    h = rng.random()
    s = rng.uniform(*saturation)
    v = rng.uniform(*value)
    i = int(h * 6.0) % 6
    f = h * 6.0 - int(h * 6.0)
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    return [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]


def skin_colour(rng: Rng) -> Colour:
    i = rng.integers(0, len(SKIN) - 1)
    base = _mix(SKIN[i], SKIN[i + 1], float(rng.random()))
    return shade(base, rng.uniform(0.9, 1.1))


def person_like_colour(rng: Rng) -> Colour:
    """Skin, hair or clothing colour: what distractors borrow to look like persons."""
    kind = rng.random()
    if kind < 0.45:
        return skin_colour(rng)
    if kind < 0.6:
        return HAIR[rng.integers(len(HAIR))]
    return random_colour(rng)


# ---------------------------------------------------------------- persons

POSES = ("stand", "walk", "run", "wave", "sit", "bend", "lie")
_POSE_P = (0.26, 0.22, 0.1, 0.14, 0.12, 0.1, 0.06)


def _pose_angles(rng: Rng, pose: str, side: bool) -> tuple[float, list[float], list[float], list[float], list[float]]:
    """Torso lean and per-limb angles (radians) of a pose: ``lean, arms, elbows, legs, knees``.

    Limbs are measured from straight down, positive towards +x (the facing direction in side
    view); index 0 is the left or far limb, 1 the right or near one. Elbow and knee angles
    are bends relative to the upper segment.
    """
    lean = rng.normal(0.0, 0.05)
    arms = [0.0, 0.0]
    elbows = [0.0, 0.0]
    legs = [0.0, 0.0]
    knees = [0.0, 0.0]
    if pose in ("stand", "wave", "lie"):
        if side:
            arms = [rng.normal(0, 0.15), rng.normal(0, 0.15)]
            elbows = [rng.uniform(0, 0.5), rng.uniform(0, 0.5)]
            legs = [rng.normal(0, 0.08), rng.normal(0, 0.08)]
        else:
            arms = [-rng.uniform(0.08, 0.4), rng.uniform(0.08, 0.4)]
            elbows = [rng.uniform(-0.4, 0.2), rng.uniform(-0.2, 0.4)]
            legs = [-rng.uniform(0.0, 0.15), rng.uniform(0.0, 0.15)]
        if pose == "wave":
            raised = [0, 1] if rng.random() < 0.35 else [int(rng.integers(2))]
            for i in raised:
                sign = -1.0 if (i == 0 and not side) else 1.0
                arms[i] = sign * rng.uniform(1.9, 3.0)
                elbows[i] = sign * rng.uniform(-0.3, 0.8)
    elif pose == "walk":
        swing = rng.uniform(0.2, 0.45)
        legs = [swing, -swing]
        knees = [rng.uniform(0.0, 0.25), rng.uniform(0.2, 0.7)]
        arms = [-rng.uniform(0.2, 0.6), rng.uniform(0.2, 0.6)]
        elbows = [rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8)]
        lean = rng.uniform(0.0, 0.1)
    elif pose == "run":
        swing = rng.uniform(0.45, 0.85)
        legs = [swing, -swing * rng.uniform(0.6, 1.0)]
        knees = [rng.uniform(0.3, 1.0), rng.uniform(0.9, 1.7)]
        arms = [-rng.uniform(0.5, 1.0), rng.uniform(0.5, 1.1)]
        elbows = [rng.uniform(1.0, 1.7), rng.uniform(1.0, 1.7)]
        lean = rng.uniform(0.1, 0.35)
    elif pose == "sit":
        lean = rng.uniform(-0.2, 0.1)
        legs = [rng.uniform(1.3, 1.7), rng.uniform(1.3, 1.7)]
        knees = [legs[0] + rng.uniform(-0.25, 0.25), legs[1] + rng.uniform(-0.25, 0.25)]
        arms = [rng.uniform(0.2, 0.9), rng.uniform(0.2, 0.9)]
        elbows = [rng.uniform(0.3, 1.3), rng.uniform(0.3, 1.3)]
    elif pose == "bend":
        lean = rng.uniform(0.5, 1.3)
        legs = [rng.uniform(-0.2, 0.6), rng.uniform(-0.2, 0.6)]
        knees = [rng.uniform(0.0, 1.2), rng.uniform(0.0, 1.2)]
        arms = [rng.uniform(-0.3, 0.6), rng.uniform(-0.3, 0.8)]
        elbows = [rng.uniform(0.0, 0.8), rng.uniform(0.0, 0.8)]

    return lean, arms, elbows, legs, knees


def person(rng: Rng, height: float) -> list[Part]:
    """An articulated figure (head, hair, neck, torso, two-segment arms and legs, hands, feet).

    Args:
        height: standing height in pixels (the figure's extent depends on its pose).
    """
    child = rng.random() < 0.15
    u = height / (5.8 if child else 7.4)  # head height
    pose = POSES[rng.choice(len(POSES), p=_POSE_P)]
    side = pose in ("walk", "run", "sit", "bend") or rng.random() < 0.3
    width_k = rng.uniform(0.85, 1.25)
    view = rng.uniform(0.45, 0.65) if side else rng.uniform(0.85, 1.05)

    skin = skin_colour(rng)
    hair = HAIR[rng.integers(len(HAIR))]
    shirt = random_colour(rng)
    trousers = random_colour(rng, value=(0.08, 0.8)) if rng.random() < 0.7 else random_colour(rng)
    shoes = random_colour(rng, value=(0.05, 0.5))
    sleeves = rng.choice(["short", "long", "none"], p=[0.45, 0.4, 0.15])
    legwear = rng.choice(["trousers", "shorts", "skirt"], p=[0.6, 0.2, 0.2])
    hat = rng.random() < 0.15
    long_hair = rng.random() < 0.3

    def jitter() -> float:
        return float(rng.uniform(0.92, 1.08))

    upper_arm, forearm = 1.45 * u * jitter(), 1.3 * u * jitter()
    thigh, shin = 1.95 * u * jitter(), 1.9 * u * jitter()
    torso_len = 2.6 * u * jitter()
    arm_w, fore_w = 0.5 * u * width_k, 0.42 * u * width_k
    thigh_w, shin_w = 0.68 * u * width_k, 0.5 * u * width_k
    shoulder_w, hip_w = 1.8 * u * width_k * view, 1.3 * u * width_k * view

    lean, arms, elbows, legs, knees = _pose_angles(rng, pose, side)

    pelvis = np.zeros(2)
    up = -_down(-lean)  # torso direction (y down, so up is -y)
    across = np.array([-up[1], up[0]])  # to the figure's +x side
    neck = pelvis + torso_len * up
    shoulders = [neck - across * shoulder_w / 2 - up * 0.25 * u, neck + across * shoulder_w / 2 - up * 0.25 * u]
    hips = [pelvis - across * hip_w / 2, pelvis + across * hip_w / 2]
    tilt = lean + rng.normal(0.0, 0.15)
    head_dir = -_down(-tilt)
    head_c = neck + head_dir * 0.62 * u
    head_rx, head_ry = 0.42 * u * (1.05 if side else 1.0), 0.52 * u

    sleeve_upper = skin if sleeves == "none" else shirt
    sleeve_lower = shirt if sleeves == "long" else skin
    thigh_c = trousers if legwear in ("trousers", "shorts") else skin
    shin_c = trousers if legwear == "trousers" else skin

    def arm(i: int, factor: float) -> list[Part]:
        elbow = shoulders[i] + upper_arm * _down(arms[i])
        wrist = elbow + forearm * _down(arms[i] + elbows[i])
        return [
            Part(_capsule(shoulders[i], elbow, arm_w), shade(sleeve_upper, factor)),
            Part(_capsule(elbow, wrist, fore_w), shade(sleeve_lower, factor)),
            Part(_ellipse(*(wrist + 0.12 * u * _down(arms[i] + elbows[i])), 0.22 * u, 0.22 * u, n=8), shade(skin, factor)),
        ]

    def leg(i: int, factor: float) -> list[Part]:
        knee = hips[i] + thigh * _down(legs[i])
        ankle = knee + shin * _down(legs[i] - knees[i])
        toe_dir = np.array([1.0, 0.15]) if side else np.array([0.35 * (1 if i else -1), 1.0])
        toe = ankle + 0.5 * u * toe_dir / np.linalg.norm(toe_dir)
        return [
            Part(_capsule(hips[i], knee, thigh_w), shade(thigh_c, factor)),
            Part(_capsule(knee, ankle, shin_w), shade(shin_c, factor)),
            Part(_capsule(ankle, toe, 0.32 * u), shade(shoes, factor)),
        ]

    waist = [shoulders[0] * 0.4 + hips[0] * 0.6 + across * 0.06 * u, shoulders[1] * 0.4 + hips[1] * 0.6 - across * 0.06 * u]
    torso = Part(
        np.stack([
            shoulders[0] + up * 0.3 * u - across * 0.05 * u,
            neck + up * 0.1 * u,
            shoulders[1] + up * 0.3 * u + across * 0.05 * u,
            shoulders[1] - up * 0.35 * u + across * 0.12 * u,
            waist[1],
            hips[1] - up * 0.3 * u + across * 0.05 * u,
            hips[1] - up * 0.05 * u,
            pelvis - up * 0.35 * u,
            hips[0] - up * 0.05 * u,
            hips[0] - up * 0.3 * u - across * 0.05 * u,
            waist[0],
            shoulders[0] - up * 0.35 * u - across * 0.12 * u,
        ]),
        shirt,
    )
    parts_back: list[Part] = []
    parts_front: list[Part] = []
    if long_hair:
        parts_back.append(Part(_capsule(head_c, head_c - up * 1.0 * u - head_dir * 0.1 * u, 0.9 * u), hair))
    far = 0.78
    if side:
        parts_back += arm(0, far) + leg(0, far)
        parts_front += leg(1, 1.0)
    else:
        parts_back += leg(0, 1.0) + leg(1, 1.0)
    if legwear == "skirt":
        hem = 0.55 * thigh
        parts_front.append(
            Part(
                np.stack([hips[0] - across * 0.05 * u - up * 0.2 * u, hips[1] + across * 0.05 * u - up * 0.2 * u,
                          hips[1] + across * 0.3 * u - up * hem, hips[0] - across * 0.3 * u - up * hem]),
                trousers,
            )
        )
    neck_part = Part(_capsule(neck - up * 0.1 * u, head_c, 0.38 * u), skin)
    head = Part(_ellipse(*head_c, head_rx, head_ry, angle=tilt, n=14), skin)
    # Hair or hat: the upper half of a slightly larger ellipse.
    cap_pts = _ellipse(0.0, 0.0, head_rx * 1.1, head_ry * 1.08, n=16)
    cap_pts = cap_pts[cap_pts[:, 1] <= 0.1 * head_ry]
    if side:
        cap_pts = cap_pts - np.array([0.12 * u, 0.0])
    c, s = math.cos(tilt), math.sin(tilt)
    cap_pts = cap_pts @ np.array([[c, -s], [s, c]]).T + head_c
    cap = Part(cap_pts, random_colour(rng) if hat else hair)
    arms_front = arm(1, 1.0) if side else arm(0, 1.0) + arm(1, 1.0)
    parts = parts_back + [torso] + parts_front + [neck_part, head, cap] + arms_front

    angle = rng.normal(0.0, 0.08)
    if pose == "lie":
        angle = float(rng.choice([-1.0, 1.0])) * rng.uniform(1.35, 1.75)
    parts = _rotate(parts, angle)
    if rng.random() < 0.5:
        parts = _mirror(parts)
    return parts


# ---------------------------------------------------------------- distractors


def teddy_bear(rng: Rng, size: float) -> list[Part]:
    """Seated bear: round head with ears and muzzle, oval body, stubby limbs. ``size``: height, px."""
    fur = person_like_colour(rng) if rng.random() < 0.5 else skin_colour(rng)
    light = shade(fur, 1.25)
    s = size
    body = Part(_ellipse(0, -0.3 * s, 0.24 * s, 0.3 * s), fur)
    head_c = np.array([0.0, -0.72 * s])
    parts = [
        Part(_ellipse(-0.15 * s, -0.9 * s, 0.08 * s, 0.08 * s, n=8), fur),
        Part(_ellipse(0.15 * s, -0.9 * s, 0.08 * s, 0.08 * s, n=8), fur),
        body,
        Part(_ellipse(0, -0.28 * s, 0.14 * s, 0.18 * s), light),
        Part(_ellipse(*head_c, 0.2 * s, 0.18 * s), fur),
        Part(_ellipse(0, -0.66 * s, 0.08 * s, 0.06 * s, n=8), light),
        Part(_capsule(np.array([-0.2, -0.45]) * s, np.array([-0.34, -0.22]) * s, 0.13 * s), fur),
        Part(_capsule(np.array([0.2, -0.45]) * s, np.array([0.34, -0.22]) * s, 0.13 * s), fur),
        Part(_capsule(np.array([-0.14, -0.08]) * s, np.array([-0.28, 0.0]) * s, 0.16 * s), fur),
        Part(_capsule(np.array([0.14, -0.08]) * s, np.array([0.28, 0.0]) * s, 0.16 * s), fur),
    ]
    return _rotate(parts, rng.normal(0, 0.15))


def dog(rng: Rng, size: float) -> list[Part]:
    """Quadruped: body, four two-tone legs, head with snout and ear, tail. ``size``: body length, px."""
    coat = person_like_colour(rng) if rng.random() < 0.6 else HAIR[rng.integers(len(HAIR))]
    s = size
    h = 0.45 * s * rng.uniform(0.8, 1.3)  # leg length
    body_y = -h
    parts = []
    for x0, k in ((-0.32, 0.8), (0.28, 0.8), (-0.26, 1.0), (0.34, 1.0)):
        top = np.array([x0 * s, body_y])
        foot = np.array([x0 * s + rng.normal(0, 0.06) * s, 0.0])
        parts.append(Part(_capsule(top, foot, 0.1 * s), shade(coat, k)))
    parts.append(Part(_ellipse(0, body_y - 0.05 * s, 0.45 * s, 0.17 * s), coat))
    tail_dir = rng.uniform(-2.6, -1.2)
    tail0 = np.array([-0.42 * s, body_y - 0.08 * s])
    parts.append(Part(_capsule(tail0, tail0 + 0.3 * s * np.array([math.cos(tail_dir), math.sin(tail_dir)]), 0.06 * s), coat))
    head_c = np.array([0.5 * s, body_y - 0.28 * s])
    parts += [
        Part(_capsule(np.array([0.35 * s, body_y - 0.1 * s]), head_c, 0.18 * s), coat),
        Part(_ellipse(*head_c, 0.15 * s, 0.13 * s), coat),
        Part(_capsule(head_c, head_c + np.array([0.18 * s, 0.06 * s]), 0.11 * s), shade(coat, 1.15)),
        Part(_ellipse(head_c[0] - 0.06 * s, head_c[1] + 0.02 * s, 0.05 * s, 0.11 * s, angle=0.3, n=8), shade(coat, 0.7)),
    ]
    parts = _rotate(parts, rng.normal(0, 0.05))
    return _mirror(parts) if rng.random() < 0.5 else parts


def chair(rng: Rng, size: float) -> list[Part]:
    """Side or front view: back rest, seat and legs (limb-like sticks). ``size``: height, px."""
    colour = person_like_colour(rng) if rng.random() < 0.5 else random_colour(rng)
    s = size
    w = s * rng.uniform(0.35, 0.55)
    seat_y = -0.5 * s
    leg_w = 0.05 * s
    parts = [
        Part(_capsule(np.array([-w / 2, seat_y]), np.array([-w / 2, 0.0]), leg_w), shade(colour, 0.8)),
        Part(_capsule(np.array([w / 2, seat_y]), np.array([w / 2 + rng.normal(0, 0.03) * s, 0.0]), leg_w), shade(colour, 0.8)),
        Part(np.array([[-w / 2 - leg_w, seat_y - 0.04 * s], [w / 2 + leg_w, seat_y - 0.04 * s],
                       [w / 2 + leg_w, seat_y + 0.05 * s], [-w / 2 - leg_w, seat_y + 0.05 * s]]), colour),
        Part(_capsule(np.array([-w / 2, seat_y]), np.array([-w / 2 - 0.05 * s, -s]), leg_w * 1.2), colour),
        Part(np.array([[-w / 2 - 0.05 * s, -s], [w / 2 - 0.03 * s, -s], [w / 2, -0.72 * s], [-w / 2, -0.72 * s]]), shade(colour, 1.1)),
    ]
    return _mirror(parts) if rng.random() < 0.5 else parts


def bottle(rng: Rng, size: float) -> list[Part]:
    """Body, shoulder, neck and cap. ``size``: height, px."""
    glass = person_like_colour(rng) if rng.random() < 0.5 else random_colour(rng, value=(0.2, 0.9))
    s = size
    w = s * rng.uniform(0.2, 0.34)
    parts = [
        Part(np.array([[-w / 2, 0.0], [w / 2, 0.0], [w / 2, -0.6 * s], [w / 4, -0.75 * s], [-w / 4, -0.75 * s], [-w / 2, -0.6 * s]]), glass),
        Part(np.array([[-w / 5, -0.75 * s], [w / 5, -0.75 * s], [w / 5, -0.95 * s], [-w / 5, -0.95 * s]]), shade(glass, 0.85)),
        Part(np.array([[-w / 4, -0.93 * s], [w / 4, -0.93 * s], [w / 4, -s], [-w / 4, -s]]), random_colour(rng)),
        Part(np.array([[-w / 2, -0.2 * s], [w / 2, -0.2 * s], [w / 2, -0.45 * s], [-w / 2, -0.45 * s]]), random_colour(rng)),
    ]
    angle = rng.normal(0, 0.1) if rng.random() < 0.85 else rng.choice([-1.0, 1.0]) * math.pi / 2
    return _rotate(parts, angle)


def fire_hydrant(rng: Rng, size: float) -> list[Part]:
    """Barrel with a domed cap and two side nozzles (arm-like stubs). ``size``: height, px."""
    paint = [(0.8, 0.1, 0.08), (0.9, 0.75, 0.1), (0.75, 0.75, 0.72)][rng.integers(3)] if rng.random() < 0.6 else person_like_colour(rng)
    s = size
    parts = [
        Part(np.array([[-0.3 * s, 0.0], [0.3 * s, 0.0], [0.3 * s, -0.1 * s], [-0.3 * s, -0.1 * s]]), shade(paint, 0.8)),
        Part(np.array([[-0.2 * s, -0.1 * s], [0.2 * s, -0.1 * s], [0.2 * s, -0.72 * s], [-0.2 * s, -0.72 * s]]), paint),
        Part(_capsule(np.array([-0.35 * s, -0.5 * s]), np.array([0.35 * s, -0.5 * s]), 0.14 * s), shade(paint, 0.9)),
        Part(_ellipse(0.0, -0.75 * s, 0.24 * s, 0.22 * s), shade(paint, 1.1)),
        Part(_capsule(np.array([0.0, -0.9 * s]), np.array([0.0, -s]), 0.08 * s), shade(paint, 0.8)),
    ]
    return _rotate(parts, rng.normal(0, 0.05))


def umbrella(rng: Rng, size: float) -> list[Part]:
    """Open canopy on a shaft with a hooked handle, or closed and leaning. ``size``: height, px."""
    cloth = random_colour(rng) if rng.random() < 0.6 else person_like_colour(rng)
    s = size
    if rng.random() < 0.7:
        t = np.linspace(math.pi, 2 * math.pi, 11)
        canopy = np.stack([0.55 * s * np.cos(t), -0.72 * s + 0.28 * s * np.sin(t)], axis=1)
        canopy = np.concatenate([canopy, np.array([[0.38 * s, -0.68 * s], [0.18 * s, -0.72 * s], [0.0, -0.68 * s], [-0.18 * s, -0.72 * s], [-0.38 * s, -0.68 * s]])])
        parts = [
            Part(_capsule(np.array([0.0, -0.72 * s]), np.array([0.0, -0.08 * s]), 0.035 * s), (0.15, 0.12, 0.1)),
            Part(_capsule(np.array([0.0, -0.08 * s]), np.array([0.08 * s, 0.0]), 0.05 * s), (0.15, 0.12, 0.1)),
            Part(canopy, cloth),
        ]
    else:
        parts = [
            Part(np.array([[0.0, -s], [0.09 * s, -0.3 * s], [0.0, -0.2 * s], [-0.09 * s, -0.3 * s]]), cloth),
            Part(_capsule(np.array([0.0, -0.22 * s]), np.array([0.0, -0.05 * s]), 0.04 * s), (0.15, 0.12, 0.1)),
            Part(_capsule(np.array([0.0, -0.05 * s]), np.array([0.07 * s, 0.0]), 0.05 * s), (0.15, 0.12, 0.1)),
        ]
    return _rotate(parts, rng.normal(0, 0.3))


def potted_plant(rng: Rng, size: float) -> list[Part]:
    """Tapered pot with a stem and leaves (green, or flowering). ``size``: height, px."""
    pot = person_like_colour(rng) if rng.random() < 0.6 else random_colour(rng)
    s = size
    parts = [Part(np.array([[-0.2 * s, -0.35 * s], [0.2 * s, -0.35 * s], [0.14 * s, 0.0], [-0.14 * s, 0.0]]), pot)]
    green = (rng.uniform(0.1, 0.35), rng.uniform(0.35, 0.7), rng.uniform(0.05, 0.3))
    for _ in range(int(rng.integers(3, 8))):
        angle = rng.uniform(-1.2, 1.2)
        length = s * rng.uniform(0.3, 0.6)
        base = np.array([rng.normal(0, 0.04) * s, -0.35 * s])
        tip = base + length * np.array([math.sin(angle), -math.cos(angle)])
        parts.append(Part(_ellipse(*((base + tip) / 2), 0.09 * s, length / 2, angle=angle, n=10), shade(green, rng.uniform(0.8, 1.2))))
    if rng.random() < 0.3:
        flower = person_like_colour(rng)
        for _ in range(int(rng.integers(1, 4))):
            parts.append(Part(_ellipse(rng.normal(0, 0.2) * s, -s * rng.uniform(0.6, 0.95), 0.07 * s, 0.07 * s, n=8), flower))
    return parts


def sports_ball(rng: Rng, size: float) -> list[Part]:
    """A ball with a seam band: a head-sized round hard negative. ``size``: diameter, px."""
    colour = person_like_colour(rng) if rng.random() < 0.5 else random_colour(rng)
    r = size / 2
    angle = rng.uniform(0, math.pi)
    return [
        Part(_ellipse(0.0, -r, r, r, n=16), colour),
        Part(_ellipse(0.0, -r, r * 0.95, r * 0.18, angle=angle, n=12), shade(colour, 0.6)),
    ]


@dataclass(frozen=True)
class Category:
    """A COCO category the generator can draw, and the size range of its drawings."""

    id: int
    name: str
    supercategory: str
    build: Callable[[Rng, float], list[Part]]
    size: tuple[float, float]  # the builder's size argument as a fraction of the image side


PERSON = Category(1, "person", "person", person, (0.05, 0.9))
DISTRACTORS: tuple[Category, ...] = (
    Category(11, "fire hydrant", "outdoor", fire_hydrant, (0.08, 0.5)),
    Category(18, "dog", "animal", dog, (0.1, 0.6)),
    Category(28, "umbrella", "accessory", umbrella, (0.12, 0.7)),
    Category(37, "sports ball", "sports", sports_ball, (0.03, 0.18)),
    Category(44, "bottle", "kitchen", bottle, (0.08, 0.6)),
    Category(62, "chair", "furniture", chair, (0.15, 0.7)),
    Category(64, "potted plant", "furniture", potted_plant, (0.1, 0.6)),
    Category(88, "teddy bear", "indoor", teddy_bear, (0.08, 0.6)),
)
CATEGORIES: tuple[Category, ...] = (PERSON, *DISTRACTORS)
