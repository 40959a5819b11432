"""One root for every error the appliance raises, with narrow subclasses people can act on."""


class ApplianceError(Exception):
    """Base class of the appliance's own errors; the CLI prints these as one line."""


class SettingsError(ApplianceError, ValueError):
    """A setting is missing, unknown or out of bounds; the message names the key."""


class StoreError(ApplianceError):
    """The call log or the settings file cannot be read or written."""


class PhoneBookError(ApplianceError, ValueError):
    """A phone book entry or CSV import was refused; the message says which line or field and why."""


class ScenarioError(ApplianceError, ValueError):
    """A simulation scenario file is malformed; the message names the key."""


class DriverError(ApplianceError):
    """A hardware driver cannot start or has failed (a modem not answering, a missing port)."""


class IllegalTransition(ApplianceError):
    """A call was asked to move between states the call model does not allow (a bug)."""


class AudioError(ApplianceError, ValueError):
    """Audio that cannot be used: not a WAV file, an unsupported encoding or rate, bad samples."""


class ModemError(DriverError):
    """An AT modem refused, failed or stopped answering a command."""


class AtTimeout(ModemError):
    """An AT command got no final result code in time; ``partial`` holds the lines that came."""

    def __init__(self, command: str, timeout_s: float, partial: list[str]):
        super().__init__(f"'{command}' got no final result within {timeout_s:g} s"
                         f" (partial reply: {partial or 'nothing'})")
        self.command, self.partial = command, partial


class CmeError(ModemError):
    """The modem answered ``+CME ERROR: <code>``; ``meaning`` says what the code means."""

    def __init__(self, command: str, code: int | None, meaning: str):
        super().__init__(f"'{command}' failed: +CME ERROR {code}: {meaning}")
        self.command, self.code, self.meaning = command, code, meaning


class SimPinRequired(CmeError):
    """The SIM card asks for its PIN and settings give none (or a wrong one)."""


class SimNotInserted(CmeError):
    """No SIM card in the module, or it is not making contact."""


class SimPukRequired(CmeError):
    """The SIM card is blocked after wrong PINs; only its PUK unblocks it."""


class CommandRejected(ModemError):
    """The modem ended a command with ERROR, NO CARRIER, BUSY or the like; ``final`` says which."""

    def __init__(self, command: str, final: str):
        super().__init__(f"'{command}' was answered '{final}'")
        self.command, self.final = command, final


class ModemGone(ModemError):
    """The modem's serial port vanished (USB cable pulled, module powered off)."""


class WrongModem(ModemError):
    """The module on the port is not the model the settings name."""
