"""Register a unit's system, rotate its secret, or stop it, from the shell:

    manage.py api_client create --unit 12 --name "Phần mềm nhân sự" --scopes dossiers:read dossiers:write
    manage.py api_client rotate kt_0123456789abcdef
    manage.py api_client stop kt_0123456789abcdef

The secret is printed once; only its SHA-256 is stored."""

from django.core.management.base import BaseCommand, CommandError

from dossiers.errors import DossierError
from dossiers.models import Unit

from ... import services
from ...models import ApiClient, Scope


class Command(BaseCommand):
    help = "Create, rotate or stop an API client (hệ thống kết nối)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        create = sub.add_parser("create")
        create.add_argument("--unit", type=int, required=True)
        create.add_argument("--name", required=True)
        create.add_argument("--scopes", nargs="+", default=list(Scope.values), choices=Scope.values)
        create.add_argument("--rate", default="")
        for name in ("rotate", "stop"):
            sub.add_parser(name).add_argument("client_id")

    def handle(self, *args, **options):
        try:
            if options["command"] == "create":
                unit = Unit.objects.filter(pk=options["unit"]).first()
                if unit is None:
                    raise CommandError(f"unit {options['unit']} not found")
                client, secret = services.api_client_create(name=options["name"], unit=unit,
                                                            scopes=options["scopes"], rate=options["rate"])
                self.stdout.write(f"client_id={client.client_id}\nclient_secret={secret}")
                return
            client = ApiClient.objects.filter(client_id=options["client_id"]).first()
            if client is None:
                raise CommandError(f"client {options['client_id']} not found")
            if options["command"] == "rotate":
                self.stdout.write(f"client_secret={services.api_client_rotate_secret(client=client)}")
            else:
                services.api_client_update(client=client, is_active=False)
                self.stdout.write(f"{client.client_id} stopped")
        except DossierError as exc:
            raise CommandError(str(exc)) from None
