"""The async client for OpenRouter's Files API: a library that never imports Textual."""

from orbrowse.api.client import DEFAULT_BASE_URL, FilesClient, Progress
from orbrowse.api.models import FileObject, FilePage, KeyInfo, Workspace, WorkspacePage

__all__ = [
    "DEFAULT_BASE_URL",
    "FileObject",
    "FilePage",
    "FilesClient",
    "KeyInfo",
    "Progress",
    "Workspace",
    "WorkspacePage",
]
