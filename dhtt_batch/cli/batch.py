"""Commands over the whole batch: merge the inbox, report to the leadership, export the
proposals."""

from __future__ import annotations

from pathlib import Path

import click

from ..atomic import OutputError
from ..campaign import Campaign
from ..naming import readable
from ..report import ReportError
from ..spec import SpecSet
from .click_messages import Command
from .options import (
    ConfigProblem,
    OutputProblem,
    Problem,
    output_option,
    register_errors,
    with_campaign,
)
from .progress import progress_bar


@click.command(cls=Command)
@with_campaign
@click.argument("inbox", type=click.Path(path_type=Path))
@output_option("Thư mục ghi kết quả (bảng tổng hợp, phản hồi, manifest.json).", "outdir")
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
    try:  # before the progress display starts (on a terminal it would flash, else a blank line)
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


@click.command(cls=Command)
@with_campaign
@click.argument("consolidated", required=False, type=click.Path(path_type=Path))
@output_option("Tệp báo cáo cần tạo: .docx, .html hoặc .pdf.")
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
    from ..register.address import resolve_url
    from ..report.review import render_review

    with register_errors():
        try:
            render_review(resolve_url(db, campaign), output, campaign, specs)
        except ReportError as exc:
            raise ConfigProblem(str(exc)) from exc
        except OutputError as exc:
            raise OutputProblem(str(exc)) from exc
    click.echo(f"Đã lập báo cáo {output}", err=True)


@click.command(cls=Command)
@with_campaign
@click.argument("consolidated", type=click.Path(path_type=Path))
@output_option("Tệp .xlsx cần tạo (khi chia: TÊN-1.xlsx, TÊN-2.xlsx, …).")
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
