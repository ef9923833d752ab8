"""Tasks: import/export work the server does in the background."""

from __future__ import annotations

import json
from typing import Any, List, Optional

from . import _ffi
from ._paging import Page, Pager, Record


class Task(Record):
    """A task as the server described it (a snapshot: fetch it again to see it move on)."""

    _free_function = "glance_task_free"
    _clone_function = "glance_task_clone"

    def copy(self) -> "Task":
        """An independent copy of this task."""
        return Task._copy_of(self._ptr)

    def _str(self, getter: str) -> Optional[str]:
        return _ffi.text(getattr(_ffi.lib(), getter)(self._ptr))

    @property
    def id(self) -> str:
        """The task id."""
        return self._str("glance_task_id") or ""

    @property
    def type(self) -> str:
        """``import``, ``export``, ``api_image_import``, ..."""
        return self._str("glance_task_type") or ""

    @property
    def status(self) -> str:
        """``pending``, ``processing``, ``success`` or ``failure``."""
        return self._str("glance_task_status") or ""

    @property
    def is_finished(self) -> bool:
        """Whether the task has succeeded or failed."""
        return bool(_ffi.lib().glance_task_is_finished(self._ptr))

    @property
    def message(self) -> Optional[str]:
        """Why the task failed; empty while it has not, None when absent."""
        return self._str("glance_task_message")

    @property
    def owner(self) -> Optional[str]:
        """The project that created the task."""
        return self._str("glance_task_owner")

    @property
    def image_id(self) -> Optional[str]:
        """The image the task made or worked on; None when there is none yet."""
        return self._str("glance_task_image_id")

    @property
    def expires_at(self) -> Optional[str]:
        """When the server will forget the finished task, ISO 8601."""
        return self._str("glance_task_expires_at")

    @property
    def created_at(self) -> Optional[str]:
        """The creation time, ISO 8601."""
        return self._str("glance_task_created_at")

    @property
    def updated_at(self) -> Optional[str]:
        """The last update time, ISO 8601."""
        return self._str("glance_task_updated_at")

    @property
    def input(self) -> Any:
        """The task's input, parsed from JSON; None when absent."""
        raw = self._str("glance_task_input")
        return None if raw is None else json.loads(raw)

    @property
    def result(self) -> Any:
        """The task's result, parsed from JSON (e.g. ``{"image_id": ...}``); None until there is one."""
        raw = self._str("glance_task_result")
        return None if raw is None else json.loads(raw)

    def __repr__(self) -> str:
        if self.closed:
            return "<Task (closed)>"
        return f"<Task {self.id} {self.type}: {self.status}>"


class TaskPage(Page[Task]):
    """One page of a task listing."""

    _free_function = "glance_task_page_free"
    _record = Task

    def _c(self, name: str) -> Any:
        return getattr(_ffi.lib(), f"glance_task_page_{name}")

    @property
    def tasks(self) -> List[Task]:
        """The tasks of the page (copies that outlive it)."""
        return list(self)


class TaskIterator(Pager[Task]):
    """Every task of a listing, page after page, fetched lazily."""

    _free_function = "glance_task_iter_free"
    _next_function = "glance_task_iter_next"
    _record = Task
