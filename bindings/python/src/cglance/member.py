"""Image members: the projects an image is shared with, and their answers."""

from __future__ import annotations

from typing import Optional

from . import _ffi
from ._handle import Handle


class Member(Handle):
    """One project an image is shared with, and its answer (a snapshot)."""

    _free_function = "glance_member_free"

    @classmethod
    def _copy_of(cls, borrowed: int) -> "Member":
        return cls(_ffi.lib().glance_member_clone(borrowed))

    def copy(self) -> "Member":
        """An independent copy of this member."""
        return Member._copy_of(self._ptr)

    def _str(self, getter: str) -> Optional[str]:
        return _ffi.text(getattr(_ffi.lib(), getter)(self._ptr))

    @property
    def member_id(self) -> str:
        """The member project's id."""
        return self._str("glance_member_member_id") or ""

    @property
    def image_id(self) -> str:
        """The shared image's id."""
        return self._str("glance_member_image_id") or ""

    @property
    def status(self) -> str:
        """``pending``, ``accepted`` or ``rejected``."""
        return self._str("glance_member_status") or ""

    @property
    def created_at(self) -> Optional[str]:
        """When the image was shared, ISO 8601."""
        return self._str("glance_member_created_at")

    @property
    def updated_at(self) -> Optional[str]:
        """When the answer last changed, ISO 8601."""
        return self._str("glance_member_updated_at")

    def __repr__(self) -> str:
        if self.closed:
            return "<Member (closed)>"
        return f"<Member {self.member_id} of {self.image_id}: {self.status}>"
