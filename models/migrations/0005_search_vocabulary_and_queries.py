from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_media_library')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SearchQueryDay',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField()),
                ('query', fields.CharField(max_length=200)),
                ('searches', fields.IntField(default=0)),
                ('empty', fields.IntField(default=0)),
            ],
            options={'table': 'search_query_days', 'app': 'models', 'unique_together': (('day', 'query'),), 'pk_attr': 'id', 'table_description': 'How often one query was searched on one day, and how often it found nothing.'},
            bases=['BaseModel'],
        ),
        ops.CreateModel(
            name='SearchSynonym',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('word', fields.CharField(unique=True, max_length=20)),
                ('terms', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('note', fields.CharField(default='', max_length=200)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'search_synonyms', 'app': 'models', 'pk_attr': 'id', 'table_description': "An everyday word citizens type and the legal terms it should also find (editors' vocabulary)."},
            bases=['BaseModel', 'TimestampMixin'],
        ),
    ]
