"""A protected FSMField that is safe under a threaded server.

django-fsm-2 (4.2.x) lets a protected field be reloaded by switching `field.protected` off and on
again around `Model.refresh_from_db` (FSMModelMixin). The field object is shared by every instance
of the model in the process, so while one thread refreshes, another thread's refresh can find the
flag switched back on and fail with "Direct status modification is not allowed" (issue 18: 36 of
them, 22 requests answered 500, in a two-server soak). Here the switch is per thread: protection is
lifted only for the thread that is refreshing, for as long as it refreshes. Upstream, the clean fix
is for refresh_from_db to write the reloaded value into the instance's __dict__ instead of mutating
the field; until then this field keeps the library's behaviour and migrations unchanged."""

import threading

from django_fsm import FSMField

_lifted = threading.local()  # per thread: {id(field): how many refreshes of it are in progress}


class ThreadSafeFSMField(FSMField):
    @property
    def protected(self) -> bool:
        if not self.__dict__.get("_protected", False):
            return False
        return not getattr(_lifted, "depth", {}).get(id(self), 0)

    @protected.setter
    def protected(self, value) -> None:
        if "_protected" not in self.__dict__:  # FSMFieldMixin.__init__: the field's declared setting
            self.__dict__["_protected"] = bool(value)
            return
        depth = _lifted.__dict__.setdefault("depth", {})
        key = id(self)
        depth[key] = depth.get(key, 0) + (-1 if value else 1)
        if depth[key] <= 0:
            depth.pop(key, None)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django_fsm.FSMField", args, kwargs


class SafeRefreshMixin:
    """The library switches protection back on only when the reload succeeded: a refresh of a
    deleted row (DoesNotExist) would leave it off for good. Put it back whatever happens."""

    def refresh_from_db(self, *args, **kwargs):
        fields = [f for f in self._meta.concrete_fields if isinstance(f, ThreadSafeFSMField)]
        depth = _lifted.__dict__.setdefault("depth", {})
        before = {id(f): depth.get(id(f), 0) for f in fields}
        try:
            return super().refresh_from_db(*args, **kwargs)
        finally:
            for key, value in before.items():
                if value:
                    depth[key] = value
                else:
                    depth.pop(key, None)
