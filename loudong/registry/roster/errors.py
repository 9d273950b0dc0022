"""The error every roster reader raises when a file as a whole cannot be imported."""

UNREADABLE = "无法读取这个文件：请上传 Excel（.xlsx、.xls）、WPS（.et）、.ods 表格或 CSV 文件"


class RosterError(Exception):
    """The file as a whole cannot be imported; the message is Chinese."""
