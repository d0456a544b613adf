from django.db import migrations


def create_counter(apps, schema_editor):
    apps.get_model("certificates", "RegisterCounter").objects.get_or_create(name="global")


class Migration(migrations.Migration):
    """The global register (sổ vàng) counter exists from the start, so the first two decisions issued at
    the same time both wait on its row lock instead of racing to create it."""

    dependencies = [("certificates", "0001_initial")]
    operations = [migrations.RunPython(create_counter, migrations.RunPython.noop)]
