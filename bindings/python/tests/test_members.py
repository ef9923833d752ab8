"""Sharing: members added, listed, answered, removed, and the refusals on the way."""

from __future__ import annotations

import pytest

import cglance


def test_share_accept_list_and_remove(demo: cglance.Client, alt: cglance.Client, new_image) -> None:
    alt_project = alt.project_id()
    assert alt_project
    image = new_image(visibility="shared")
    added = demo.add_member(image.id, alt_project)
    assert added.member_id == alt_project and added.image_id == image.id
    assert added.status == "pending" and added.created_at and added.updated_at
    assert repr(added) == f"<Member {alt_project} of {image.id}: pending>"
    # Pending shares are not in alt's default listing.
    assert [i.id for i in alt.images(name=image.name)] == []
    assert [i.id for i in alt.images(name=image.name, member_status="pending")] == [image.id]

    accepted = alt.update_own_member_status(image.id, "accepted")
    assert accepted.status == "accepted"
    assert [i.id for i in alt.images(name=image.name)] == [image.id]
    assert demo.get_member(image.id, alt_project).status == "accepted"
    rejected = alt.update_member_status(image.id, alt_project, "rejected")
    assert rejected.status == "rejected"
    members = demo.members(image.id)
    assert [(m.member_id, m.status) for m in members] == [(alt_project, "rejected")]
    copy = members[0].copy()
    members[0].close()
    assert copy.status == "rejected" and repr(members[0]) == "<Member (closed)>"
    assert [m.member_id for m in alt.members(image.id)] == [alt_project]

    with pytest.raises(cglance.AlreadyMember) as caught:
        demo.add_member(image.id, alt_project)
    assert caught.value.http_status == 409 and isinstance(caught.value, cglance.Conflict)
    with pytest.raises(cglance.MemberStatusForbidden):
        demo.update_member_status(image.id, alt_project, "accepted")
    with pytest.raises(cglance.InvalidArgument):
        alt.update_own_member_status(image.id, "maybe")

    demo.remove_member(image.id, alt_project)
    assert demo.members(image.id) == []
    with pytest.raises(cglance.NotAMember) as gone:
        demo.get_member(image.id, alt_project)
    assert gone.value.http_status == 404 and isinstance(gone.value, cglance.NotFound)
    with pytest.raises(cglance.NotAMember):
        demo.remove_member(image.id, alt_project)


def test_a_private_image_cannot_be_shared(demo: cglance.Client, alt: cglance.Client, new_image) -> None:
    image = new_image(visibility="private")
    with pytest.raises(cglance.Unsharable) as caught:
        demo.add_member(image.id, alt.project_id() or "")
    assert caught.value.http_status == 403 and isinstance(caught.value, cglance.Forbidden)


def test_a_bare_token_does_not_know_its_project(demo: cglance.Client) -> None:
    bare = cglance.Client.from_token(demo.endpoint_url(), demo.auth_token())
    with bare:
        assert bare.project_id() is None and bare.user_id() is None
        with pytest.raises(cglance.ConfigError):
            bare.update_own_member_status("00000000-0000-4000-8000-000000000000", "accepted")
        with pytest.raises(cglance.NotFound):
            bare.members("00000000-0000-4000-8000-000000000000")
