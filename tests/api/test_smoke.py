import pytest

pytestmark = pytest.mark.db


async def test_me_is_null_for_anonymous(anonymous):
    data = await anonymous.ok("{ me { id } }")
    assert data["me"] is None


async def test_editor_logs_in_and_sees_self(editor):
    data = await editor.ok("{ me { username role roleLabel } }")
    assert data["me"] == {"username": "editor", "role": "EDITOR", "roleLabel": "编辑"}
