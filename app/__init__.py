"""Lower-back-pain guidance for runners, as a JSON API."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("backpain-api")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
