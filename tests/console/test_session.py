"""Line editing and the prompt/answer cycle of one session, over an in-memory byte stream."""
from __future__ import annotations

from appliance.console.commands import cmd_quit
from appliance.console.session import BANNER, LineEditor, Session
from appliance.console.table import CommandTable, ConsoleError


class Stream:
    """Hands out ``chunks`` one read at a time, then end of stream; keeps what was written."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks, self.out = list(chunks), b""

    def read(self, size: int) -> bytes:
        return self.chunks.pop(0) if self.chunks else b""

    def write(self, data: bytes) -> None:
        self.out += data


def echo_table() -> CommandTable:
    table = CommandTable()
    table.register("echo", lambda args: " ".join(args), "say it back", "echo WORDS")
    table.register("boom", lambda args: 1 / 0, "a bug", "boom")
    table.register("refuse", _refuse, "an error", "refuse")
    table.register("quit", cmd_quit, "leave", "quit")
    return table


def _refuse(args):
    raise ConsoleError("not today")


def test_cr_lf_and_crlf_each_end_one_line():
    editor = LineEditor()
    assert editor.feed(b"one\rtwo\nthree\r\nfour") == ["one", "two", "three"]
    assert editor.feed(b"\r\n") == ["four"]


def test_backspace_and_del_erase_and_ctrl_c_abandons():
    shown = []
    editor = LineEditor(shown.append)
    assert editor.feed(b"stattus\x7f\x7f\x7fus\r") == ["status"]
    assert editor.feed("caf\u00e9\x08e\r".encode()) == ["cafe"]
    assert editor.feed(b"pause ann\x03") == [LineEditor.INTERRUPTED]
    assert b"".join(shown).endswith(b"pause ann^C\r\n")
    assert b"\b \b" in b"".join(shown)


def test_control_bytes_are_ignored_and_lines_are_bounded():
    editor = LineEditor()
    assert editor.feed(b"\x1b[Aup\x1bOB\x1b[1;5Cx\r") == ["upx"]      # arrow keys are skipped
    assert editor.feed(b"x" * 5000 + b"\r") == ["x" * 1000]


def test_a_socket_session_prompts_and_answers_without_echo():
    stream = Stream(b"echo hi there\n", b"\n", b"refuse\nquit\necho never\n")
    assert Session(echo_table(), stream).run() is True
    assert stream.out.decode() == (f"{BANNER}\n> hi there\n> > error: not today\n> bye\n")


def test_a_serial_session_echoes_and_ends_lines_with_crlf():
    stream = Stream(b"echo a\r")
    assert Session(echo_table(), stream, serial=True).run() is False
    assert stream.out.decode() == f"{BANNER}\r\n> echo a\r\na\r\n> "


def test_a_failing_command_is_one_line_and_the_session_goes_on():
    stream = Stream(b"boom\necho still here\n")
    Session(echo_table(), stream).run()
    assert stream.out.decode().splitlines()[1:] == [
        "> error: the command failed inside the appliance (details in the log)",
        "> still here", "> "]


def test_a_stream_that_fails_ends_the_session_quietly():
    class Broken(Stream):
        def read(self, size):
            raise ConnectionResetError("peer gone")
    assert Session(echo_table(), Broken()).run() is False
