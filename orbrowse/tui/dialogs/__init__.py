"""Modal dialogs: each is a :class:`~orbrowse.tui.dialogs.base.Dialog` that ends with
``dismiss(result)``.

The base gives every dialog scoped styles, Escape to cancel, ``?`` (or F1) to list its keys,
and a frame that scrolls in a short terminal. Dialogs that run a long operation own its
worker, so dismissing the dialog cancels the work. Server-provided text is always shown as
plain data.
"""

from orbrowse.tui.dialogs.base import Dialog
from orbrowse.tui.dialogs.confirm import ConfirmDialog
from orbrowse.tui.dialogs.confirm_delete import ConfirmDeleteDialog
from orbrowse.tui.dialogs.copy_menu import CopyMenu
from orbrowse.tui.dialogs.delete_progress import DeleteProgressDialog
from orbrowse.tui.dialogs.download import DownloadDialog
from orbrowse.tui.dialogs.help import HelpScreen
from orbrowse.tui.dialogs.upload import UploadDialog

__all__ = [
    "ConfirmDeleteDialog",
    "ConfirmDialog",
    "CopyMenu",
    "DeleteProgressDialog",
    "Dialog",
    "DownloadDialog",
    "HelpScreen",
    "UploadDialog",
]
