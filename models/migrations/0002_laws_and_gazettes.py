from tortoise import migrations
from tortoise.migrations import operations as ops
from models.base import Status
from models.gazettes import GazetteEntryKind
from models.laws import HeadingLevel, RegulationLevel
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='GazetteIssue',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('status', fields.CharEnumField(default=Status.DRAFT, db_index=True, description='DRAFT: DRAFT\nIN_REVIEW: IN_REVIEW\nPUBLISHED: PUBLISHED\nARCHIVED: ARCHIVED', enum_type=Status, max_length=16)),
                ('publish_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('published_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('year', fields.SmallIntField(db_index=True)),
                ('number', fields.SmallIntField()),
                ('title', fields.CharField(max_length=128)),
                ('published_on', fields.DateField(null=True, db_index=True)),
                ('pdf_asset_id', fields.BigIntField(null=True)),
            ],
            options={'table': 'gazette_issue', 'app': 'models', 'unique_together': (('year', 'number'),), 'pk_attr': 'id', 'table_description': 'One numbered issue of the gazette: `2024年第3号` is year 2024, number 3.'},
            bases=['BaseModel', 'PublishableMixin'],
        ),
        ops.CreateModel(
            name='Regulation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('status', fields.CharEnumField(default=Status.DRAFT, db_index=True, description='DRAFT: DRAFT\nIN_REVIEW: IN_REVIEW\nPUBLISHED: PUBLISHED\nARCHIVED: ARCHIVED', enum_type=Status, max_length=16)),
                ('publish_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('published_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('slug', fields.CharField(unique=True, max_length=100)),
                ('title', fields.CharField(max_length=255)),
                ('short_title', fields.CharField(max_length=255)),
                ('level', fields.CharEnumField(db_index=True, description='CONSTITUTION: CONSTITUTION\nLAW: LAW\nADMINISTRATIVE_REGULATION: ADMINISTRATIVE_REGULATION\nLOCAL_REGULATION: LOCAL_REGULATION\nDECISION: DECISION\nJUDICIAL_INTERPRETATION: JUDICIAL_INTERPRETATION\nOTHER: OTHER', enum_type=RegulationLevel, max_length=32)),
                ('issuing_body', fields.CharField(default='', max_length=128)),
                ('region', fields.CharField(null=True, db_index=True, max_length=32)),
                ('category', fields.CharField(default='', db_index=True, max_length=64)),
                ('document_number', fields.CharField(default='', max_length=128)),
                ('repealed', fields.BooleanField(default=False)),
                ('repealed_on', fields.DateField(null=True)),
            ],
            options={'table': 'regulation', 'app': 'models', 'indexes': [Index(fields=['short_title', 'region'])], 'pk_attr': 'id', 'table_description': 'A law or regulation across all its versions (立法法 is one regulation with several versions).'},
            bases=['BaseModel', 'PublishableMixin'],
        ),
        ops.CreateModel(
            name='GazetteEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('issue', fields.ForeignKeyField('models.GazetteIssue', source_field='issue_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('kind', fields.CharEnumField(default=GazetteEntryKind.OTHER, description='REGULATION: REGULATION\nDECISION: DECISION\nAPPOINTMENT: APPOINTMENT\nREPORT: REPORT\nOTHER: OTHER', enum_type=GazetteEntryKind, max_length=16)),
                ('title', fields.CharField(max_length=255)),
                ('regulation', fields.ForeignKeyField('models.Regulation', source_field='regulation_id', null=True, db_constraint=True, to_field='id', related_name='gazette_entries', on_delete=OnDelete.SET_NULL)),
                ('page', fields.IntField(null=True)),
                ('anchor', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'gazette_entry', 'app': 'models', 'unique_together': (('issue', 'position'),), 'pk_attr': 'id', 'table_description': 'A document listed in an issue, optionally linked to the regulation it publishes.'},
            bases=['BaseModel'],
        ),
        ops.CreateModel(
            name='RegulationVersion',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('regulation', fields.ForeignKeyField('models.Regulation', source_field='regulation_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=255)),
                ('adopted_on', fields.DateField(null=True)),
                ('promulgated_on', fields.DateField(null=True, db_index=True)),
                ('effective_from', fields.DateField(null=True, db_index=True)),
                ('history', fields.TextField(default='', unique=False)),
                ('source_id', fields.CharField(null=True, unique=True, max_length=64)),
                ('source_path', fields.CharField(null=True, db_index=True, max_length=500)),
                ('content_hash', fields.CharField(default='', max_length=64)),
                ('expired', fields.BooleanField(default=False)),
                ('body', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('appendix', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('sequence', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'regulation_version', 'app': 'models', 'indexes': [Index(fields=['regulation_id', 'sequence'])], 'pk_attr': 'id', 'table_description': 'One text of a regulation as adopted or amended on a date (`立法法(2023-03-13).md`).'},
            bases=['BaseModel'],
        ),
        ops.CreateModel(
            name='RegulationHeading',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.ForeignKeyField('models.RegulationVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='headings', on_delete=OnDelete.CASCADE)),
                ('parent', fields.ForeignKeyField('models.RegulationHeading', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.CASCADE)),
                ('level', fields.CharEnumField(description='PART: PART\nCHAPTER: CHAPTER\nSECTION: SECTION\nSUBSECTION: SUBSECTION', enum_type=HeadingLevel, max_length=16)),
                ('label', fields.CharField(default='', max_length=32)),
                ('title', fields.CharField(default='', max_length=255)),
                ('depth', fields.SmallIntField(default=0)),
                ('position', fields.IntField()),
            ],
            options={'table': 'regulation_heading', 'app': 'models', 'unique_together': (('version', 'position'),), 'pk_attr': 'id', 'table_description': '编 / 章 / 节 heading of a version. `position` orders headings and articles together.'},
            bases=['BaseModel'],
        ),
        ops.CreateModel(
            name='RegulationArticle',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.ForeignKeyField('models.RegulationVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='articles', on_delete=OnDelete.CASCADE)),
                ('heading', fields.ForeignKeyField('models.RegulationHeading', source_field='heading_id', null=True, db_constraint=True, to_field='id', related_name='articles', on_delete=OnDelete.SET_NULL)),
                ('number', fields.IntField()),
                ('suffix', fields.SmallIntField(default=0)),
                ('label', fields.CharField(max_length=32)),
                ('heading_path', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('position', fields.IntField()),
                ('paragraphs', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('text', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'regulation_article', 'app': 'models', 'unique_together': (('version', 'position'),), 'indexes': [Index(fields=['version_id', 'number', 'suffix'])], 'pk_attr': 'id', 'table_description': '条: an article of a version, with its paragraphs (款) and items (项).'},
            bases=['BaseModel'],
        ),
    ]
