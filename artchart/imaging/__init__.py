"""The pure imaging core: safe intake, thumbnails and formal-element analysis of artwork photos.

Pillow, numpy, scipy.ndimage and pillow-heif only; never Django. See docs/imaging.md.
"""

from artchart.imaging.derived import FEATURES_VERSION, Derived, derive
from artchart.imaging.intake import ImageRejected, Limits, LoadedImage, load

__all__ = ["FEATURES_VERSION", "Derived", "ImageRejected", "Limits", "LoadedImage", "derive", "load"]
