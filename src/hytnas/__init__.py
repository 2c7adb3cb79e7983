"""hytnas: hardware-aware search of hybrid convolution-transformer networks (HyT-NAS)."""

__version__ = "0.1.0"
