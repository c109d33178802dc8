from tortoise import migrations
from tortoise.migrations import operations as ops
from models.base import Status
from models.news import ReviewDecision
from models.users import Role
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Column',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('slug', fields.CharField(unique=True, max_length=100)),
                ('name', fields.CharField(max_length=64)),
                ('description', fields.TextField(default='', unique=False)),
                ('parent', fields.ForeignKeyField('models.Column', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('position', fields.IntField(default=0)),
                ('review_stages', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'columns', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A column (栏目) of the official window. Columns form a tree.'},
            bases=['BaseModel', 'TimestampMixin'],
        ),
        ops.CreateModel(
            name='LoginFailure',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(db_index=True, max_length=64)),
                ('client_address', fields.CharField(db_index=True, max_length=64)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'login_failures', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One failed log-in, counted per username and per client address to lock out guessing.'},
            bases=['BaseModel'],
        ),
        ops.CreateModel(
            name='Tag',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=100)),
                ('name', fields.CharField(unique=True, max_length=64)),
            ],
            options={'table': 'tags', 'app': 'models', 'pk_attr': 'id'},
            bases=['BaseModel'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('username', fields.CharField(unique=True, max_length=64)),
                ('email', fields.CharField(null=True, unique=True, max_length=254)),
                ('phone', fields.CharField(null=True, max_length=32)),
                ('display_name', fields.CharField(default='', max_length=64)),
                ('role', fields.CharEnumField(default=Role.CITIZEN, db_index=True, description='CITIZEN: CITIZEN\nDEPUTY: DEPUTY\nMEMBER: MEMBER\nEDITOR: EDITOR\nCHIEF_EDITOR: CHIEF_EDITOR\nMODERATOR: MODERATOR\nOFFICE_STAFF: OFFICE_STAFF\nHANDLING_UNIT: HANDLING_UNIT\nADMIN: ADMIN', enum_type=Role, max_length=16)),
                ('password_hash', fields.CharField(max_length=255)),
                ('is_active', fields.BooleanField(default=True)),
                ('password_changed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'users', 'app': 'models', 'pk_attr': 'id'},
            bases=['BaseModel', 'TimestampMixin'],
        ),
        ops.CreateModel(
            name='Article',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('status', fields.CharEnumField(default=Status.DRAFT, db_index=True, description='DRAFT: DRAFT\nIN_REVIEW: IN_REVIEW\nPUBLISHED: PUBLISHED\nARCHIVED: ARCHIVED', enum_type=Status, max_length=16)),
                ('publish_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('published_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('title', fields.CharField(max_length=200)),
                ('subtitle', fields.CharField(default='', max_length=200)),
                ('slug', fields.CharField(unique=True, max_length=120)),
                ('summary', fields.TextField(default='', unique=False)),
                ('body', fields.TextField(default='', unique=False)),
                ('author', fields.CharField(default='', max_length=100)),
                ('source', fields.CharField(default='', max_length=100)),
                ('column', fields.ForeignKeyField('models.Column', source_field='column_id', db_constraint=True, to_field='id', related_name='articles', on_delete=OnDelete.RESTRICT)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='articles_created', on_delete=OnDelete.SET_NULL)),
                ('view_count', fields.IntField(default=0)),
                ('pinned', fields.BooleanField(default=False)),
                ('featured', fields.BooleanField(default=False)),
                ('review_stage', fields.IntField(default=0)),
                ('revision_count', fields.IntField(default=0)),
            ],
            options={'table': 'articles', 'app': 'models', 'indexes': [Index(fields=['status', 'published_at', 'id']), Index(fields=['column_id', 'status', 'published_at'])], 'pk_attr': 'id', 'table_description': 'A news article (新闻稿件).'},
            bases=['BaseModel', 'PublishableMixin'],
        ),
        ops.CreateModel(
            name='ArticleRevision',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('article', fields.ForeignKeyField('models.Article', source_field='article_id', db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('snapshot', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('note', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'article_revisions', 'app': 'models', 'unique_together': (('article', 'number'),), 'pk_attr': 'id', 'table_description': "A snapshot of an article's editable fields, stored on every save."},
            bases=['BaseModel'],
        ),
        ops.CreateModel(
            name='ArticleSlug',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=120)),
                ('article', fields.ForeignKeyField('models.Article', source_field='article_id', db_constraint=True, to_field='id', related_name='old_slugs', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'article_slugs', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A slug an article had before: old links keep finding the article.'},
            bases=['BaseModel'],
        ),
        ops.CreateModel(
            name='ArticleTag',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('article', fields.ForeignKeyField('models.Article', source_field='article_id', db_constraint=True, to_field='id', related_name='tag_links', on_delete=OnDelete.CASCADE)),
                ('tag', fields.ForeignKeyField('models.Tag', source_field='tag_id', db_constraint=True, to_field='id', related_name='article_links', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField(default=0)),
            ],
            options={'table': 'article_tags', 'app': 'models', 'unique_together': (('article', 'tag'),), 'pk_attr': 'id'},
            bases=['BaseModel'],
        ),
        ops.CreateModel(
            name='AuditLog',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('username', fields.CharField(default='', max_length=64)),
                ('action', fields.CharField(db_index=True, max_length=64)),
                ('target', fields.CharField(default='', max_length=128)),
                ('result', fields.CharField(max_length=16)),
                ('detail', fields.CharField(default='', max_length=255)),
                ('client_address', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'audit_log', 'app': 'models', 'pk_attr': 'id'},
            bases=['BaseModel'],
        ),
        ops.CreateModel(
            name='PasswordResetCode',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='reset_codes', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'password_reset_codes', 'app': 'models', 'pk_attr': 'id'},
            bases=['BaseModel'],
        ),
        ops.CreateModel(
            name='PreviewToken',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('article', fields.ForeignKeyField('models.Article', source_field='article_id', db_constraint=True, to_field='id', related_name='preview_tokens', on_delete=OnDelete.CASCADE)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'preview_tokens', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A share link for an unpublished article. Only its hash is stored.'},
            bases=['BaseModel'],
        ),
        ops.CreateModel(
            name='ReviewAction',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('article', fields.ForeignKeyField('models.Article', source_field='article_id', db_constraint=True, to_field='id', related_name='review_actions', on_delete=OnDelete.CASCADE)),
                ('decision', fields.CharEnumField(description='SUBMIT: SUBMIT\nAPPROVE: APPROVE\nSEND_BACK: SEND_BACK\nPUBLISH: PUBLISH\nSCHEDULE: SCHEDULE\nUNPUBLISH: UNPUBLISH\nARCHIVE: ARCHIVE', enum_type=ReviewDecision, max_length=16)),
                ('stage', fields.IntField(null=True)),
                ('stage_name', fields.CharField(default='', max_length=32)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('comment', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'review_actions', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One step of the editorial trail: who submitted, approved, sent back or published, and why.'},
            bases=['BaseModel'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('refresh_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('client_address', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'sessions', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A log-in: the refresh token (stored hashed) and the access tokens that carry its id.'},
            bases=['BaseModel'],
        ),
    ]
