from tortoise import migrations
from tortoise.migrations import operations as ops
from models.media import MediaKind, MediaRole
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_regulation_promulgated_day')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MediaAsset',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(db_index=True, description='IMAGE: IMAGE\nDOCUMENT: DOCUMENT', enum_type=MediaKind, max_length=16)),
                ('storage_key', fields.CharField(unique=True, max_length=255)),
                ('file_name', fields.CharField(default='', max_length=255)),
                ('content_type', fields.CharField(max_length=100)),
                ('size', fields.BigIntField()),
                ('sha256', fields.CharField(unique=True, max_length=64)),
                ('width', fields.IntField(null=True)),
                ('height', fields.IntField(null=True)),
                ('alt_text', fields.CharField(default='', max_length=500)),
                ('caption', fields.TextField(default='', unique=False)),
                ('owner', fields.ForeignKeyField('models.User', source_field='owner_id', null=True, db_constraint=True, to_field='id', related_name='media_assets', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('public', fields.BooleanField(default=False)),
                ('renditions', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'media_assets', 'app': 'models', 'indexes': [Index(fields=['kind', 'created_at', 'id'])], 'pk_attr': 'id', 'table_description': 'An uploaded image or PDF, checked and cleaned (images re-encoded without metadata).'},
            bases=['BaseModel'],
        ),
        ops.CreateModel(
            name='MediaUpload',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('upload_id', fields.CharField(unique=True, max_length=64)),
                ('storage_key', fields.CharField(max_length=255)),
                ('owner', fields.ForeignKeyField('models.User', source_field='owner_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('file_name', fields.CharField(default='', max_length=255)),
                ('content_type', fields.CharField(max_length=100)),
                ('declared_size', fields.BigIntField()),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'media_uploads', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A direct upload in progress: the client PUTs the bytes to `incoming/<upload_id>`, then confirms.'},
            bases=['BaseModel'],
        ),
        ops.CreateModel(
            name='MediaUsage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('asset', fields.ForeignKeyField('models.MediaAsset', source_field='asset_id', db_constraint=True, to_field='id', related_name='usages', on_delete=OnDelete.RESTRICT)),
                ('target_type', fields.CharField(max_length=32)),
                ('target_id', fields.BigIntField()),
                ('role', fields.CharEnumField(description='COVER: COVER\nINLINE: INLINE\nPDF: PDF\nPORTRAIT: PORTRAIT\nPOSTER: POSTER', enum_type=MediaRole, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'media_usages', 'app': 'models', 'unique_together': (('asset', 'target_type', 'target_id', 'role'),), 'indexes': [Index(fields=['target_type', 'target_id'])], 'pk_attr': 'id', 'table_description': 'One use of an asset by a piece of content, for uses that are not a column of the content.'},
            bases=['BaseModel'],
        ),
        ops.AddField(
            model_name='Article',
            name='cover_asset',
            field=fields.ForeignKeyField('models.MediaAsset', source_field='cover_asset_id', null=True, db_constraint=True, to_field='id', related_name='covered_articles', on_delete=OnDelete.RESTRICT),
        ),
    ]
