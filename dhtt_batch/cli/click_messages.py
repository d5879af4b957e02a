"""click's own messages (usage errors, help headings) in Vietnamese, like the rest of the CLI.

click builds every message it prints through gettext (`_()` / `ngettext()` in each of its
modules); `install()` points those at the table below. A message the table does not know stays
as click wrote it, so a click upgrade never breaks a command, and the CLI tests (missing option,
missing argument, bad value, unknown command, unknown option) catch a message that changed.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

VIETNAMESE: dict[str, str] = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: {command} {option}",
    "Missing argument": "Thiếu tham số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing command.": "Thiếu tên lệnh.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Argument {name!r} takes {nargs} values.": "Tham số {name!r} cần {nargs} giá trị.",
    "Value must be an iterable.": "Giá trị phải là một danh sách.",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải là {number_type} hợp lệ.",
    "{value} is not in the range {range}.": "{value} không nằm trong khoảng {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} không phải giá trị đúng/sai hợp lệ. Dùng một trong: {states}"
    ),
    "{name} {filename!r} does not exist.": "Không tìm thấy {name} {filename!r}.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là tệp, không phải thư mục.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là thư mục, không phải tệp.",
    "{name} {filename!r} is not readable.": "Không đọc được {name} {filename!r}.",
    "{name} {filename!r} is not writable.": "Không ghi được {name} {filename!r}.",
    "{name} {filename!r} is not executable.": "Không chạy được {name} {filename!r}.",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "unknown error": "lỗi không rõ",
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "Show this message and exit.": "Xem hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Xem phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Aborted!": "Đã dừng.",
    "default: {default}": "mặc định: {default}",
    "required": "bắt buộc",
    "env var: {var}": "biến môi trường: {var}",
    "(dynamic)": "(tùy lúc chạy)",
}
# (singular, plural) → (one, many): Vietnamese has one form, but the counts read differently.
VIETNAMESE_PLURAL: dict[tuple[str, str], tuple[str, str]] = {
    (
        "Got unexpected extra argument ({args})",
        "Got unexpected extra arguments ({args})",
    ): ("Thừa tham số ({args})", "Thừa các tham số ({args})"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "Tùy chọn {name!r} cần một giá trị.",
        "Tùy chọn {name!r} cần {nargs} giá trị.",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Có phải ý bạn là {possibility}?",
        "(Có phải ý bạn là một trong: {possibilities}?)",
    ),
    (
        "{value!r} does not match the format {format}.",
        "{value!r} does not match the formats {formats}.",
    ): ("{value!r} không đúng dạng {format}.", "{value!r} không đúng dạng nào trong {formats}."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} không phải {choice}.",
        "{value!r} không phải một trong {choices}.",
    ),
    (
        "Takes {nargs} values but 1 was given.",
        "Takes {nargs} values but {len} were given.",
    ): ("Cần {nargs} giá trị nhưng chỉ có 1.", "Cần {nargs} giá trị nhưng có {len}."),
}
_CLICK_MODULES = (
    "click.core",
    "click.exceptions",
    "click.parser",
    "click.types",
    "click.decorators",
    "click.formatting",
)


def translate(message: str) -> str:
    return VIETNAMESE.get(message, message)


def translate_plural(singular: str, plural: str, count: int) -> str:
    one, many = VIETNAMESE_PLURAL.get((singular, plural), (singular, plural))
    return one if count == 1 else many


def install() -> None:
    """Make click speak Vietnamese (idempotent)."""
    for name in _CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = translate_plural  # type: ignore[attr-defined]


class Command(click.Command):
    """A command whose usage line reads in Vietnamese too ("[TÙY CHỌN]")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[TÙY CHỌN]")
        super().__init__(*args, **kwargs)


class Group(click.Group):
    """The command group: its commands (and sub-groups) are the Vietnamese kind."""

    command_class = Command
    group_class = type  # sub-groups are Groups too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[TÙY CHỌN]")
        kwargs.setdefault("subcommand_metavar", "LỆNH [THAM SỐ]...")
        super().__init__(*args, **kwargs)
