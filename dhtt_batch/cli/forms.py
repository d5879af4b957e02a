"""Commands around the forms units fill: set up a working folder, make the template, collect
the filled forms from the mail, check them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from ..atomic import OutputError
from ..campaign import Campaign, CampaignError
from ..naming import readable
from ..spec import SpecSet
from .click_messages import Command
from .options import ConfigProblem, OutputProblem, output_option, with_campaign
from .progress import status_line

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


@click.command(cls=Command)
@click.argument("directory", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Tạo thư mục làm việc: campaign.toml để sửa, thư mục inbox/ và hướng dẫn.

    Ví dụ:  dhtt-batch init thi-dua-2025
    """
    from ..workdir import InitError, init_workdir

    try:
        created = init_workdir(directory)
    except InitError as exc:
        raise ConfigProblem(str(exc)) from exc
    for path in created:
        click.echo(f"Đã tạo {path}", err=True)
    click.echo(
        f"Bước tiếp theo: sửa {directory / 'campaign.toml'} rồi chạy "
        f"dhtt-batch template -c {directory / 'campaign.toml'} --all-units "
        f"-o {directory / 'bieu-mau'}",
        err=True,
    )


@click.command(cls=Command)
@with_campaign
@output_option("Tệp .xlsx cần tạo, hoặc thư mục khi dùng --all-units.")
@click.option(
    "--unit", "unit_code", help="Mã đơn vị (ví dụ KT): ghi sẵn tên đơn vị trong biểu mẫu."
)
@click.option("--all-units", is_flag=True, help="Tạo một biểu mẫu riêng cho mỗi đơn vị.")
def template(
    campaign: Campaign, specs: SpecSet, output: Path, unit_code: str | None, all_units: bool
) -> None:
    """Tạo biểu mẫu Excel để các đơn vị điền.

    Ví dụ:  dhtt-batch template --unit HCTC -o bieu-mau-HCTC.xlsx
    """
    from ..template import write_all_units, write_template

    if unit_code and all_units:
        raise ConfigProblem("Chỉ dùng một trong hai tùy chọn --unit hoặc --all-units.")
    if all_units and output.suffix.lower() in SPREADSHEET_SUFFIXES:
        raise ConfigProblem(
            f"--all-units tạo một tệp cho mỗi đơn vị: -o phải là một thư mục (ví dụ bieu-mau/), "
            f"không phải tệp {output.name}."
        )
    if not all_units and (output.is_dir() or output.suffix.lower() != ".xlsx"):
        raise ConfigProblem(
            f"-o phải là tệp .xlsx (ví dụ bieu-mau.xlsx), không phải '{output}'. Để tạo biểu "
            "mẫu cho mọi đơn vị vào một thư mục, dùng --all-units."
        )
    try:
        unit = campaign.lookup_unit(unit_code) if unit_code else None
    except CampaignError as exc:
        raise ConfigProblem(str(exc)) from exc
    try:
        if all_units:
            paths = write_all_units(campaign, specs, output)
            click.echo(f"Đã tạo {len(paths)} biểu mẫu trong {output}", err=True)
        else:
            write_template(campaign, specs, output, unit)
            click.echo(f"Đã tạo biểu mẫu {output}", err=True)
    except OutputError as exc:
        raise OutputProblem(str(exc)) from exc


@click.command(cls=Command)
@with_campaign
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON ra stdout.")
@click.option(
    "--feedback",
    "feedback_dir",
    type=click.Path(path_type=Path),
    help="Thư mục ghi bản sao đã đánh dấu lỗi cho từng tệp có lỗi.",
)
def validate(
    campaign: Campaign,
    specs: SpecSet,
    paths: tuple[Path, ...],
    as_json: bool,
    feedback_dir: Path | None,
) -> None:
    """Kiểm tra các tệp biểu mẫu đã điền (tệp hoặc thư mục), chỉ rõ lỗi theo từng ô.

    Mã thoát: 0 không có lỗi (có thể có cảnh báo), 1 có lỗi, 2 lỗi cách dùng hoặc cấu hình.

    Ví dụ:  dhtt-batch validate inbox/ --feedback phan-hoi/
    """
    from ..outputs.console import print_validation, stdout_console
    from ..outputs.validate_outputs import NothingToValidate, run_validate
    from ..outputs.validation_json import dumps, validation_document

    try:
        run = run_validate(paths, campaign, specs, feedback_dir)
    except NothingToValidate as exc:
        raise ConfigProblem(str(exc)) from exc
    except OutputError as exc:
        raise OutputProblem(str(exc)) from exc
    result = run.result
    if as_json:
        click.echo(dumps(validation_document(result)))
    else:
        print_validation(result, stdout_console())  # the report: `validate … > loi.txt`
        if run.feedback:
            click.echo(
                f"Đã ghi {len(run.feedback)} tệp phản hồi vào {readable(str(feedback_dir))}",
                err=True,
            )
    if result.has_errors:
        raise SystemExit(1)


@click.command(cls=Command)
@click.argument("source")
@output_option("Thư mục nhận (inbox) để lưu các tệp đính kèm.", "inbox")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]),
    help="Chỉ lấy thư từ ngày này (2025-12-01 hoặc 01/12/2025).",
)
@click.option(
    "--password-env",
    default="DHTT_IMAP_PASSWORD",
    show_default=True,
    help="Biến môi trường chứa mật khẩu IMAP; không có thì hỏi.",
)
@click.option(
    "--cafile",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Chứng thư gốc (CA) của máy chủ thư nội bộ, nếu cần.",
)
def collect(source: str, inbox: Path, since: Any, password_env: str, cafile: Path | None) -> None:
    """Lấy tệp biểu mẫu đính kèm từ thư điện tử vào thư mục nhận.

    SOURCE là thư mục chứa tệp .eml, tệp mbox, thư mục Maildir, hoặc hộp thư IMAP
    (imaps://tai-khoan@may-chu/INBOX). Hộp thư chỉ được đọc: không xóa, không chuyển, không
    đánh dấu thư. Chạy lại không lấy trùng.

    Ví dụ:  dhtt-batch collect imaps://hctc@mail.quangbinh.gov.vn/INBOX -o inbox/
    """
    from ..mail import MailError
    from ..mail import collect as collect_mail
    from ..outputs.console import print_collect, stderr_console

    password = None
    if source.startswith(("imap://", "imaps://")):
        password = os.environ.get(password_env) or click.prompt(
            "Mật khẩu IMAP", hide_input=True, err=True
        )
    console = stderr_console()
    try:
        with status_line(console) as progress:
            report = collect_mail(
                source, inbox, since.date() if since else None, password, cafile, progress
            )
    except MailError as exc:
        raise ConfigProblem(str(exc)) from exc
    except OutputError as exc:
        raise OutputProblem(str(exc)) from exc
    print_collect(report, inbox, console)
