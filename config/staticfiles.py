"""Static files in production: WhiteNoise's compressed storage with hashed names (cached for a year)."""

from django.apps import apps
from django.contrib.staticfiles import finders
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """A file referenced by a collected CSS file but missing fails collectstatic (as it should)."""


class AppDirectoriesFinder(finders.AppDirectoriesFinder):
    """Static files of the installed apps, except viewflow's: 49 MB of a material-design frontend this
    project does not use (its pages are plain templates), which would triple collectstatic's output
    and take minutes to compress."""

    skipped = {"viewflow"}
    # drf-spectacular's sidecar carries ReDoc beside Swagger UI; the API documents itself with Swagger UI only.
    skipped_paths = ("drf_spectacular_sidecar/redoc/",)

    def __init__(self, app_names=None, *args, **kwargs):
        names = [config.name for config in apps.get_app_configs() if config.name not in self.skipped]
        super().__init__([n for n in names if app_names is None or n in app_names], *args, **kwargs)

    def list(self, ignore_patterns):
        for path, storage in super().list(ignore_patterns):
            if not path.startswith(self.skipped_paths):
                yield path, storage
