"""Read an uploaded file into raw sheets: CSV (UTF-8, comma or semicolon), XLSX, or a zip of CSVs.

The content decides the format, not the name: a zip holding `xl/workbook.xml` is a
workbook, a zip of `.csv` files is one CSV per sheet, anything else is read as CSV
(`service.transfer.csvfile`). A file named `.xlsx` whose content is not a zip is refused
(it is usually a CSV renamed). Reading is bounded by the import limits, counted as the file
is unpacked and parsed (`service.transfer.limits`); it runs in a worker thread.
"""

from pathlib import PurePosixPath

from service.i18n import gettext as _
from service.transfer.archives import read_archive
from service.transfer.csvfile import Read, read_csv
from service.transfer.limits import Meter
from service.transfer.sheets import file_problem

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the pre-2007 binary .xls format


def read_file(data: bytes, filename: str, meter: Meter) -> Read:
    """The sheets of an uploaded file, and the problems that stop it from being read.

    Raises LimitExceeded as soon as the file passes a limit of `meter`.
    """
    if not data:
        return [], [file_problem(_("The file is empty."), "empty_file")]
    suffix = PurePosixPath(filename).suffix.lower()
    if data.startswith(ZIP_MAGIC):
        return read_archive(data, meter)
    if data.startswith(OLE_MAGIC):
        message = _("The file is an old .xls workbook: save it as .xlsx (or CSV UTF-8).")
        return [], [file_problem(message, "unsupported_format")]
    if suffix in (".xlsx", ".xlsm"):
        message = _(
            "The file is named %(suffix)s but is not an Excel workbook: its content is plain"
            " text (a CSV?). Save it as a workbook, or rename it to .csv."
        ) % {"suffix": suffix}
        return [], [file_problem(message, "not_a_workbook")]
    return read_csv(data, filename, meter)
