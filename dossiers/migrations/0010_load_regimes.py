"""Load the shipped legal regimes and base salaries (regimes/*.yaml) and pin each existing campaign to the
regime in force on its opening day (the 2023 campaign of Kế hoạch 170/KH-UBND: Nghị định 91/2017/NĐ-CP).
Later regime files are loaded with manage.py load_regime (the files are append-only data)."""

from django.db import migrations
from django.db.models import Q


def load(apps, schema_editor):
    from dossiers.regimes import parse, shipped_files, write

    def model(name):
        return apps.get_model("dossiers", name)

    for path in shipped_files():
        write(parse(path.read_text(encoding="utf-8"), source=path.name), model=model)
    LegalRegime = model("LegalRegime")
    for campaign in model("Campaign").objects.filter(regime__isnull=True):
        regime = (LegalRegime.objects.filter(effective_from__lte=campaign.period_start)
                  .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=campaign.period_start))
                  .order_by("-effective_from", "-version").first())
        if regime is not None:
            campaign.regime = regime
            campaign.save(update_fields=["regime"])


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0009_regimes")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
