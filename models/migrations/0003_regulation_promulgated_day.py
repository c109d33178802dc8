from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_laws_and_gazettes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Regulation',
            name='promulgated_day',
            field=fields.IntField(default=0, db_index=True),
        ),
    ]
