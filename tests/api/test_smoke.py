import pytest

pytestmark = pytest.mark.db


async def test_me_is_null_for_anonymous(anonymous):
    data = await anonymous.ok("{ me { id } }")
    assert data["me"] is None


async def test_editor_logs_in_and_sees_self(editor):
    data = await editor.ok("{ me { username role roleLabel } }")
    assert data["me"] == {"username": "editor", "role": "EDITOR", "roleLabel": "编辑"}


async def test_node_of_an_id_beyond_any_row_is_null_not_an_error(anonymous):
    import base64

    huge = base64.urlsafe_b64encode(b"Article:99999999999999999999999").decode().rstrip("=")
    body = await anonymous.run("query($id: ID!) { node(id: $id) { id } nodes(ids: [$id]) { id } }", {"id": huge})
    assert body == {"data": {"node": None, "nodes": [None]}}
