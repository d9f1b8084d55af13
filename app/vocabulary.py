"""Controlled vocabularies shared by the content catalogue, the rules engine and the API.

Values are part of the public contract: add new ones freely, never rename or remove.
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    stretch = "stretch"
    mobility = "mobility"
    core = "core"
    strength = "strength"
    foam_roll = "foam_roll"


class TargetArea(StrEnum):
    lower_back = "lower_back"
    hip_flexors = "hip_flexors"
    glutes = "glutes"
    hamstrings = "hamstrings"
    quads = "quads"
    thoracic_spine = "thoracic_spine"
    core = "core"
    calves = "calves"


class TightArea(StrEnum):
    """The areas a runner can report as tight in `/assess` (a subset of TargetArea)."""

    lower_back = "lower_back"
    hip_flexors = "hip_flexors"
    glutes = "glutes"
    hamstrings = "hamstrings"
    quads = "quads"
    thoracic_spine = "thoracic_spine"


class Phase(StrEnum):
    acute = "acute"
    recovery = "recovery"
    prevention = "prevention"


class Equipment(StrEnum):
    none = "none"
    mat = "mat"
    foam_roller = "foam_roller"
    resistance_band = "resistance_band"
    chair = "chair"
    wall = "wall"
    step = "step"
    dumbbells = "dumbbells"
    kettlebell = "kettlebell"
    bench = "bench"
    massage_ball = "massage_ball"


class Difficulty(StrEnum):
    beginner = "beginner"
    intermediate = "intermediate"
    advanced = "advanced"
