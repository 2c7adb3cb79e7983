"""User-facing errors: each carries one line saying what is wrong and what was expected.

The CLI and the stage scripts print ``str(error)`` alone and exit with code 2.
"""


class HytnasError(Exception):
    """Base class of errors caused by bad input rather than by a bug."""


class ConfigError(HytnasError):
    """A params file or option has an unknown key, a wrong type or a value out of range."""


class SpaceError(HytnasError, ValueError):
    """An unknown space, a malformed ``arch_id`` or a value outside a dimension's choices."""


class DataError(HytnasError):
    """An input file is missing, malformed, or does not follow the expected schema."""


class DeviceError(HytnasError):
    """A remote measuring device cannot be reached, refuses the login, or its timing command
    fails, times out or prints something that is not a timing record."""
