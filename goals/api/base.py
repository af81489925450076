"""Building blocks every fractal-scoped endpoint uses.

The URL names the fractal (``/api/fractals/<root_id>/...``); the view resolves it once with
``get_fractal_for_user`` (404 for strangers) and every queryset, related field and filter
choice below it is limited to that fractal.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from goals.access import get_fractal_for_user
from goals.dates import RANGE_MESSAGE, is_sane

from .exceptions import django_error_detail


def fractal_of(request):
    """The fractal the current request is scoped to (None while the schema is generated)."""
    return getattr(request, "fractal", None) if request is not None else None


def scoped_choices(model):
    """A django-filter queryset callable: live rows of ``model`` in the request's fractal."""

    def choices(request):
        fractal = fractal_of(request)
        if fractal is None:
            return model.objects.none()
        return model.objects.filter(root_id=fractal.pk)

    return choices


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id that must name a live object of the view's fractal; anything else is a 400."""

    default_error_messages = {
        "does_not_exist": "No such object in this fractal: {pk_value}.",
        "incorrect_type": "Give an id (UUID), not {data_type}.",
    }

    def __init__(self, model=None, **kwargs):
        self.model = model
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", model.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        fractal = fractal_of(self.context.get("request"))
        if fractal is None:
            return self.model.objects.none()
        return self.model.objects.filter(root_id=fractal.pk)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except (DjangoValidationError, ValueError):
            self.fail("does_not_exist", pk_value=data)

    def use_pk_only_optimization(self):
        return True


class FractalFilterSet(django_filters.FilterSet):
    """Live rows by default; ``?deleted=true`` lists the trash instead."""

    deleted = django_filters.BooleanFilter(method="filter_deleted", label="List deleted rows instead of live ones.")

    def filter_deleted(self, queryset, name, value):
        return queryset

    def is_valid(self):
        """Also refuse dates outside the accepted years (see goals.dates), in ranges too."""
        valid = super().is_valid()
        if valid:
            for name, value in list(self.form.cleaned_data.items()):
                values = [value.start, value.stop] if isinstance(value, slice) else [value]
                if not all(is_sane(item) for item in values):
                    self.form.add_error(name, RANGE_MESSAGE)
                    valid = False
        return valid

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("deleted"):
            return queryset.filter(deleted_at__isnull=False)
        return queryset.filter(deleted_at__isnull=True)


class IdListSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.UUIDField(), allow_empty=True, max_length=1000)


def run_model_operation(operation, *args, **kwargs):
    """Call a domain operation; its ValidationError becomes a DRF 400 with field messages."""
    try:
        return operation(*args, **kwargs)
    except DjangoValidationError as error:
        raise serializers.ValidationError(django_error_detail(error)) from None


def clean_and_save(instance, exclude=None):
    """Full model validation (fields, rules, unique constraints) then save, as one 400 or success."""
    run_model_operation(instance.full_clean, exclude=exclude)
    instance.save()
    return instance


class FractalScopedMixin(viewsets.GenericViewSet):
    """Resolves the fractal of the URL once; every queryset below is limited to it."""

    model = None
    lookup_value_converter = "uuid"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.fractal = get_fractal_for_user(request.user, kwargs.get("root_id"))
        request.fractal = self.fractal

    def scoped_queryset(self):
        """Every row of the model in the fractal, live and deleted (filters pick which)."""
        return self.model.all_objects.filter(root_id=self.fractal.pk)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        queryset = self.scoped_queryset()
        if self.action == "list":
            return queryset  # FractalFilterSet shows live rows unless ?deleted=true
        if self.action == "restore":
            return queryset.filter(deleted_at__isnull=False)
        return queryset.filter(deleted_at__isnull=True)

    def perform_destroy(self, instance):
        run_model_operation(instance.delete)


class RestoreMixin:
    @extend_schema(request=None)
    @action(detail=True, methods=["post"], filter_backends=[])
    def restore(self, request, *args, **kwargs):
        """Bring a deleted object (and what its delete removed with it) back from the trash."""
        instance = get_object_or_404(self.get_queryset(), pk=kwargs[self.lookup_field])
        run_model_operation(instance.restore)
        self.action = "retrieve"
        return Response(self.get_serializer(self.get_object()).data, status=status.HTTP_200_OK)


class FractalScopedViewSet(
    RestoreMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    FractalScopedMixin,
):
    """CRUD plus restore for a resource inside one fractal."""


class ReadOnlyFractalScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, FractalScopedMixin):
    http_method_names = ["get", "head", "options"]


class ScopedModelSerializer(serializers.ModelSerializer):
    """Creates and updates through full model validation; top-level rows get the URL's fractal."""

    def build_instance(self, validated_data):
        instance = self.Meta.model(**validated_data)
        fractal = fractal_of(self.context.get("request"))
        instance.root_id = fractal.pk
        return instance

    def pop_many_to_many(self, validated_data):
        names = {field.name for field in self.Meta.model._meta.many_to_many}
        return {name: validated_data.pop(name) for name in list(validated_data) if name in names}

    def create(self, validated_data):
        many = self.pop_many_to_many(validated_data)
        instance = clean_and_save(self.build_instance(validated_data))
        for name, values in many.items():
            getattr(instance, name).set(values)
        return instance

    def update(self, instance, validated_data):
        many = self.pop_many_to_many(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        clean_and_save(instance)
        for name, values in many.items():
            getattr(instance, name).set(values)
        return instance


class StoredDateTimeField(serializers.DateTimeField):
    """An output datetime shown in the user's zone, or as stored (UTC) when the shift would leave
    the calendar (a row of year 1 written before dates were range-checked)."""

    def to_representation(self, value):
        try:
            return super().to_representation(value)
        except serializers.ValidationError:
            return value.isoformat()
