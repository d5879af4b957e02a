"""Command line: parse options, call one library function, print. Nothing else lives here."""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..atomic import OutputError
from ..campaign import Campaign, CampaignError, load_campaign
from ..naming import readable, shown
from ..report import ReportError
from ..spec import SpecError, SpecSet
from . import click_messages

EXIT_USAGE = 2
EXIT_OUTPUT = 3
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

click_messages.install()  # click's own usage errors and help headings in Vietnamese


class Problem(click.ClickException):
    """A user-facing failure, printed in Vietnamese on stderr with no traceback."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Lỗi: {self.format_message()}", err=True)


class ConfigProblem(Problem):
    """A usage or configuration problem: exit status 2."""

    exit_code = EXIT_USAGE


class OutputProblem(Problem):
    """Outputs could not be written: exit status 3."""

    exit_code = EXIT_OUTPUT


def with_campaign(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add `-c/--campaign` and pass the loaded Campaign and SpecSet to the command."""

    @click.option(
        "-c",
        "--campaign",
        "campaign_path",
        type=click.Path(path_type=Path),
        help="Tệp campaign.toml (mặc định: cấu hình có sẵn của Văn phòng UBND tỉnh).",
    )
    @functools.wraps(func)
    def wrapper(campaign_path: Path | None, **kwargs: Any) -> Any:
        campaign, specs = load_configuration(campaign_path)
        return func(campaign=campaign, specs=specs, **kwargs)

    return wrapper


def load_configuration(campaign_path: Path | None) -> tuple[Campaign, SpecSet]:
    try:
        campaign = load_campaign(campaign_path)
        return campaign, campaign.load_specs()
    except (CampaignError, SpecError) as exc:
        raise ConfigProblem(str(exc)) from exc


@click.group(cls=click_messages.Group)
@click.version_option(__version__, prog_name="dhtt-batch")
def cli() -> None:
    """Thu thập, kiểm tra, tổng hợp và báo cáo biểu mẫu đăng ký điển hình tiên tiến.

    Ví dụ:  dhtt-batch template -o bieu-mau.xlsx
    """


@cli.command()
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


@cli.command()
@with_campaign
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Tệp .xlsx cần tạo, hoặc thư mục khi dùng --all-units.",
)
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
    unit = campaign.unit(unit_code.strip().upper()) if unit_code else None
    if unit_code and unit is None:
        codes = ", ".join(u.code for u in campaign.units)
        raise ConfigProblem(f"Không có đơn vị mã '{unit_code}' trong danh sách ({codes}).")
    try:
        if all_units:
            paths = write_all_units(campaign, specs, output)
            click.echo(f"Đã tạo {len(paths)} biểu mẫu trong {output}", err=True)
        else:
            write_template(campaign, specs, output, unit)
            click.echo(f"Đã tạo biểu mẫu {output}", err=True)
    except OutputError as exc:
        raise OutputProblem(str(exc)) from exc


@cli.command()
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
    from ..outputs.feedback.jobs import write_all_feedback
    from ..outputs.validation_json import dumps, validation_document
    from ..validate import validate_paths

    missing = [readable(str(p)) for p in paths if not p.exists()]
    if missing:
        raise ConfigProblem(f"Không tìm thấy: {', '.join(missing)}.")
    result = validate_paths(paths, campaign, specs)
    if not result.submissions:
        raise ConfigProblem("Không có tệp nào để kiểm tra.")
    try:
        written = write_all_feedback(result, feedback_dir) if feedback_dir else []
    except OutputError as exc:
        raise OutputProblem(str(exc)) from exc
    if as_json:
        click.echo(dumps(validation_document(result)))
    else:
        print_validation(result, stdout_console())  # the report: `validate … > loi.txt`
        if written:
            click.echo(
                f"Đã ghi {len(written)} tệp phản hồi vào {readable(str(feedback_dir))}", err=True
            )
    if result.has_errors:
        raise SystemExit(1)


@cli.command()
@with_campaign
@click.argument("inbox", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(path_type=Path),
    required=True,
    help="Thư mục ghi kết quả (bảng tổng hợp, phản hồi, manifest.json).",
)
@click.option("--strict", is_flag=True, help="Loại cả tệp nếu tệp có bất kỳ lỗi nào.")
@click.option("--json", "as_json", is_flag=True, help="In manifest dạng JSON ra stdout.")
@click.option(
    "--report", "with_report", is_flag=True, help="Ghi thêm báo cáo .docx cạnh bảng tổng hợp."
)
@click.option(
    "--reply-drafts",
    is_flag=True,
    help="Soạn sẵn thư trả lời (và thư nhắc nộp) dạng .eml để xem rồi gửi.",
)
@click.option(
    "--export",
    "with_export",
    is_flag=True,
    help="Ghi thêm tệp đề nghị khen thưởng theo mẫu nhập của hệ thống của tỉnh.",
)
def merge(
    campaign: Campaign,
    specs: SpecSet,
    inbox: Path,
    outdir: Path,
    strict: bool,
    as_json: bool,
    with_report: bool,
    reply_drafts: bool,
    with_export: bool,
) -> None:
    """Kiểm tra và tổng hợp mọi tệp trong thư mục nhận; ghi bảng tổng hợp và phản hồi.

    Mã thoát: 0 đã ghi kết quả (tệp bị loại được báo, không làm dừng), 2 lỗi cách dùng hoặc
    cấu hình, 3 không ghi được kết quả.

    Ví dụ:  dhtt-batch merge inbox/ -o ket-qua/
    """
    from ..export import ExportError
    from ..merge import AccountingError
    from ..outputs.console import print_export, print_merge, stderr_console
    from ..outputs.merge_outputs import OutdirError, check_folders, run_merge

    if not inbox.is_dir():
        raise ConfigProblem(f"Không tìm thấy thư mục {readable(str(inbox))}.")
    try:
        check_folders(inbox, outdir)
    except OutdirError as exc:
        raise ConfigProblem(str(exc)) from exc
    console = stderr_console()
    try:
        with progress_bar(console, quiet=as_json) as progress:
            run = run_merge(
                inbox,
                outdir,
                campaign,
                specs,
                strict,
                progress,
                with_report,
                reply_drafts,
                with_export,
            )
    except (OutdirError, ExportError) as exc:
        raise ConfigProblem(str(exc)) from exc
    except OutputError as exc:
        raise OutputProblem(str(exc)) from exc
    except ReportError as exc:
        raise ConfigProblem(
            f"Chưa lập được báo cáo: {exc} Kết quả chưa được ghi (bộ kết quả trước giữ "
            "nguyên); hãy sửa mẫu báo cáo, hoặc chạy lại không có --report."
        ) from exc
    except AccountingError as exc:
        raise Problem(
            f"Lỗi chương trình: số dòng không khớp ({exc}). Hãy báo cho người phát "
            "triển; kết quả chưa được ghi."
        ) from exc
    if as_json:
        click.echo(run.manifest.read_text(encoding="utf-8"), nl=False)
        print_export(run, console)  # stderr: rows left out of the export must not go unseen
    else:
        print_merge(run, console)


@cli.command()
@with_campaign
@click.argument("consolidated", required=False, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Tệp báo cáo cần tạo: .docx, .html hoặc .pdf.",
)
@click.option(
    "--register",
    "from_register",
    is_flag=True,
    help="Báo cáo sơ kết / tổng kết từ sổ điển hình ([period] kind = midterm hoặc final).",
)
@click.option("--db", help="Sổ điển hình dùng với --register (xem dhtt-batch register --help).")
def report(
    campaign: Campaign,
    specs: SpecSet,
    consolidated: Path | None,
    output: Path,
    from_register: bool,
    db: str | None,
) -> None:
    """Lập báo cáo trình lãnh đạo (thể thức Nghị định 30/2020/NĐ-CP) từ bảng tổng hợp, hoặc
    báo cáo sơ kết, tổng kết giai đoạn từ sổ điển hình (--register).

    Ví dụ:  dhtt-batch report ket-qua/tong-hop-2025.xlsx -o bao-cao.docx
            dhtt-batch report --register -c tong-ket.toml -o bao-cao-tong-ket.docx
    """
    from ..report.render import render_report

    if from_register:
        if consolidated is not None:
            raise ConfigProblem("Dùng --register thì không ghi tệp bảng tổng hợp.")
        _review_report(campaign, specs, db, output)
        return
    if consolidated is None:
        raise ConfigProblem(
            "Cần tệp bảng tổng hợp (hoặc --register để lập báo cáo sơ kết, tổng kết từ sổ "
            "điển hình)."
        )
    if db:
        raise ConfigProblem("--db chỉ dùng cùng --register.")
    if not consolidated.is_file():
        raise ConfigProblem(f"Không tìm thấy tệp {readable(str(consolidated))}.")
    try:
        render_report(consolidated, output, campaign, specs)
    except ReportError as exc:
        raise ConfigProblem(str(exc)) from exc
    except OutputError as exc:
        raise OutputProblem(str(exc)) from exc
    click.echo(f"Đã lập báo cáo {readable(str(output))}", err=True)


def _review_report(campaign: Campaign, specs: SpecSet, db: str | None, output: Path) -> None:
    from ..register.db import resolve_url
    from ..report.review import render_review

    with register_errors():
        try:
            render_review(resolve_url(db, campaign), output, campaign, specs)
        except ReportError as exc:
            raise ConfigProblem(str(exc)) from exc
        except OutputError as exc:
            raise OutputProblem(str(exc)) from exc
    click.echo(f"Đã lập báo cáo {output}", err=True)


@cli.command()
@with_campaign
@click.argument("consolidated", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Tệp .xlsx cần tạo (khi chia: TÊN-1.xlsx, TÊN-2.xlsx, …).",
)
@click.option(
    "--format",
    "fmt",
    default="tdkt-quang-binh",
    show_default=True,
    help="Mẫu nhập của hệ thống nhận.",
)
@click.option(
    "--only",
    multiple=True,
    metavar="HÌNH_THỨC",
    help="Chỉ xuất các dòng có hình thức đề nghị này (dùng nhiều lần được).",
)
@click.option(
    "--skip-unmapped", is_flag=True, help="Bỏ ra (và liệt kê) các dòng có giá trị chưa có mã."
)
@click.option(
    "--split",
    type=click.IntRange(min=1),
    metavar="N",
    help="Chia thành nhiều tệp, mỗi tệp tối đa N dòng (hệ thống của tỉnh đọc 199 dòng).",
)
def export(
    campaign: Campaign,
    specs: SpecSet,
    consolidated: Path,
    output: Path,
    fmt: str,
    only: tuple[str, ...],
    skip_unmapped: bool,
    split: int | None,
) -> None:
    """Xuất các dòng đề nghị khen thưởng theo mẫu nhập của hệ thống thi đua - khen thưởng tỉnh.

    Giá trị nào chưa có mã trong bảng đối chiếu thì dừng và liệt kê (mã thoát 2), trừ khi
    dùng --skip-unmapped. Hệ thống của tỉnh chỉ đọc dòng 2-200: nhiều hơn 199 dòng thì dùng
    --split 199.

    Ví dụ:  dhtt-batch export ket-qua/tong-hop-2025.xlsx -o de-nghi.xlsx
    """
    from ..export import ExportError, describe_export, export_proposals

    if not consolidated.is_file():
        raise ConfigProblem(f"Không tìm thấy tệp {consolidated}.")
    try:
        result = export_proposals(
            consolidated, output, campaign, specs, fmt, only, skip_unmapped, split
        )
    except ExportError as exc:
        raise ConfigProblem(str(exc)) from exc
    except OutputError as exc:
        raise OutputProblem(str(exc)) from exc
    for line in describe_export(result):
        click.echo(line, err=True)


@cli.command()
@click.argument("source")
@click.option(
    "-o",
    "--output",
    "inbox",
    type=click.Path(path_type=Path),
    required=True,
    help="Thư mục nhận (inbox) để lưu các tệp đính kèm.",
)
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
    import os

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


# -- the exemplar register -----------------------------------------------------------------


@contextlib.contextmanager
def register_errors() -> Iterator[None]:
    from ..register import RegisterError, RegisterWriteError

    try:
        yield
    except RegisterError as exc:
        raise ConfigProblem(str(exc)) from exc
    except RegisterWriteError as exc:
        raise OutputProblem(str(exc)) from exc


def with_register(func: Callable[..., Any]) -> Callable[..., Any]:
    """`-c` and `--db`: pass the campaign, the specs and the register's URL to the command."""

    @functools.wraps(func)
    def wrapper(campaign: Campaign, specs: SpecSet, db: str | None, **kwargs: Any) -> Any:
        from ..register.db import resolve_url

        url = resolve_url(db, campaign)
        with register_errors():
            return func(campaign=campaign, specs=specs, url=url, **kwargs)

    return click.option(
        "--db",
        help="Sổ điển hình: tệp SQLite hoặc postgresql://người-dùng@máy-chủ/tên-csdl (mặc định: "
        "[register] db trong campaign.toml, không có thì dhtt-register.sqlite).",
    )(with_campaign(wrapper))


def exemplar_id(_ctx: click.Context, _param: click.Parameter, value: str) -> int:
    text = value.strip().lstrip("#")
    if not text.isdigit():
        raise click.BadParameter(f"'{value}' không phải mã điển hình (ví dụ 12 hoặc #12).")
    return int(text)


BY_OPTION = click.option("--by", help="Người quyết định (mặc định: tên đăng nhập máy tính).")
NOTE_OPTION = click.option("--note", help="Ghi chú lý do.")
CRITERION_OPTION = click.option("--criterion", help="Chỉ một tiêu chí (a, b, c hoặc tên sheet).")
MIN_YEARS_OPTION = click.option(
    "--min-years",
    type=click.IntRange(min=0),
    default=0,
    help="Chỉ điển hình đã đăng ký ít nhất N năm.",
)


@cli.group()
def register() -> None:
    """Sổ theo dõi điển hình tiên tiến qua các năm (SQLite, hoặc PostgreSQL dùng chung).

    Cuối mỗi năm ghi bảng tổng hợp vào sổ (add); khi sơ kết, tổng kết: xem danh sách (list),
    xét các cặp có thể là một người (review, link, unlink), xuất lịch sử (export) và lập báo
    cáo (dhtt-batch report --register).

    Ví dụ:  dhtt-batch register add ket-qua/tong-hop-2025.xlsx
    """


@register.command("add")
@with_register
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@BY_OPTION
def register_add(
    campaign: Campaign, specs: SpecSet, url: str, paths: tuple[Path, ...], by: str | None
) -> None:
    """Ghi mọi dòng hợp lệ của bảng tổng hợp vào sổ. Ghi lại cùng bảng không thay đổi gì;
    bảng mới hơn của cùng kỳ thay thế các dòng của kỳ đó.

    Mã thoát: 0 đã ghi, 2 có tệp không ghi được (tệp không phải bảng tổng hợp, cũ hơn bảng
    đã ghi) hoặc lỗi cấu hình, 3 không ghi được vào sổ.

    Ví dụ:  dhtt-batch register add ket-qua/tong-hop-2025.xlsx
    """
    from ..register.api import AddFailure, add_files
    from ..register.console import print_added, stderr_console
    from ..register.db import display_url
    from ..register.identity import who

    results = add_files(url, paths, specs, who(by))
    print_added(results, display_url(url), stderr_console())
    if any(isinstance(r, AddFailure) for r in results):
        raise SystemExit(EXIT_USAGE)


@register.command("list")
@with_register
@click.option("--json", "as_json", is_flag=True, help="In danh sách dạng JSON ra stdout.")
@CRITERION_OPTION
@MIN_YEARS_OPTION
def register_list(
    campaign: Campaign,
    specs: SpecSet,
    url: str,
    as_json: bool,
    criterion: str | None,
    min_years: int,
) -> None:
    """Liệt kê điển hình trong sổ: các năm đăng ký, tiêu chí, danh hiệu và quyết định, phạm
    vi lan tỏa theo năm.

    Ví dụ:  dhtt-batch register list --min-years 3
    """
    from ..register.api import list_register

    found = list_register(url, campaign, specs, criterion, min_years)
    if as_json:
        click.echo(json.dumps([e.as_json() for e in found], ensure_ascii=False))
    else:
        from ..register.console import print_list, stderr_console

        print_list(found, stderr_console())


@register.command("review")
@with_register
@click.option("--json", "as_json", is_flag=True, help="In các cặp dạng JSON ra stdout.")
def register_review(campaign: Campaign, specs: SpecSet, url: str, as_json: bool) -> None:
    """Liệt kê các cặp điển hình có thể là một (tên gần giống, chuyển đơn vị, đơn vị đổi tên)
    để cán bộ xác nhận bằng link hoặc unlink; không gộp gì tự động.

    Ví dụ:  dhtt-batch register review
    """
    from ..register.api import review_register

    matches = review_register(url)
    if as_json:
        click.echo(json.dumps([m.as_json() for m in matches], ensure_ascii=False, indent=1))
    else:
        from ..register.console import print_review, stderr_console

        print_review(matches, stderr_console())


@register.command("link")
@with_register
@click.argument("first", callback=exemplar_id)
@click.argument("second", callback=exemplar_id)
@BY_OPTION
@NOTE_OPTION
def register_link(
    campaign: Campaign,
    specs: SpecSet,
    url: str,
    first: int,
    second: int,
    by: str | None,
    note: str | None,
) -> None:
    """Xác nhận hai mã trong sổ là cùng một điển hình (ghi người và thời điểm xác nhận).

    Ví dụ:  dhtt-batch register link 12 40 --note "Chuyển công tác năm 2024"
    """
    from ..register.api import link_exemplars
    from ..register.identity import who

    outcome = link_exemplars(url, first, second, who(by), note)
    click.echo(outcome.message, err=True)


@register.command("unlink")
@with_register
@click.argument("first", callback=exemplar_id)
@click.argument("second", callback=exemplar_id)
@BY_OPTION
@NOTE_OPTION
def register_unlink(
    campaign: Campaign,
    specs: SpecSet,
    url: str,
    first: int,
    second: int,
    by: str | None,
    note: str | None,
) -> None:
    """Ghi hai mã là hai điển hình khác nhau (bỏ liên kết nếu có; review không đề xuất lại).

    Ví dụ:  dhtt-batch register unlink 12 40
    """
    from ..register.api import unlink_exemplars
    from ..register.identity import who

    outcome = unlink_exemplars(url, first, second, who(by), note)
    click.echo(outcome.message, err=True)


@register.command("export")
@with_register
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Tệp .xlsx cần tạo.",
)
@CRITERION_OPTION
@MIN_YEARS_OPTION
def register_export(
    campaign: Campaign,
    specs: SpecSet,
    url: str,
    output: Path,
    criterion: str | None,
    min_years: int,
) -> None:
    """Xuất sổ ra bảng tính: danh sách điển hình và, cho mỗi điển hình, bảng Năm | Danh hiệu
    thi đua / hình thức khen thưởng | Số, ngày tháng năm của quyết định; cơ quan ban hành.

    Ví dụ:  dhtt-batch register export -o lich-su.xlsx
    """
    from ..register.api import export_register

    try:
        count = export_register(url, campaign, specs, output, criterion, min_years)
    except OutputError as exc:
        raise OutputProblem(str(exc)) from exc
    click.echo(f"Đã xuất {count} điển hình vào {output}", err=True)


@contextlib.contextmanager
def progress_bar(console: Any, quiet: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A transient progress bar on stderr while files are read; nothing when quiet."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    if quiet:
        yield None
        return
    columns = (
        TextColumn("Đang đọc tệp"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("", total=None)

        def advance(name: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=shown(name))

        yield advance


@contextlib.contextmanager
def status_line(console: Any) -> Iterator[Callable[[str], None]]:
    """A transient one-line status on stderr (for work whose total is unknown)."""
    with console.status("Đang đọc thư…") as status:
        yield lambda text: status.update(f"Đang đọc thư: {shown(text[:60])}")


# A batch keeps a few million small objects (cell values) alive until it ends; with Python's
# default thresholds the collector rescans them every few hundred allocations (~15 % of a
# province-scale merge). Collections still happen, just less often.
GC_THRESHOLDS = (100_000, 50, 1_000)


def main() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        cli(prog_name="dhtt-batch")
    except SystemExit as done:
        if done.code is not None and not isinstance(done.code, int):
            raise
        # Every output is written and closed (atomically) by now. Tearing down millions of
        # objects one by one would only delay the prompt by ~0.5 s at province scale.
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(done.code or 0)
