"""One root for every error the appliance raises, with narrow subclasses people can act on."""


class ApplianceError(Exception):
    """Base class of the appliance's own errors; the CLI prints these as one line."""


class SettingsError(ApplianceError, ValueError):
    """A setting is missing, unknown or out of bounds; the message names the key."""


class StoreError(ApplianceError):
    """The call log or the settings file cannot be read or written."""


class ScenarioError(ApplianceError, ValueError):
    """A simulation scenario file is malformed; the message names the key."""


class DriverError(ApplianceError):
    """A hardware driver cannot start or has failed (a modem not answering, a missing port)."""


class DriverNotBuilt(DriverError):
    """The settings name a driver this firmware does not include yet."""


class IllegalTransition(ApplianceError):
    """A call was asked to move between states the call model does not allow (a bug)."""


class AudioError(ApplianceError, ValueError):
    """Audio that cannot be used: not a WAV file, an unsupported encoding or rate, bad samples."""
