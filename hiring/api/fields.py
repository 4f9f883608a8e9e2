"""Field types shared by the API's serializers."""

from __future__ import annotations

import datetime

from django.db import models
from rest_framework import serializers


class UtcDateTimeField(serializers.DateTimeField):
    """ISO 8601 in UTC (``2026-12-04T13:32:28.123456Z``), whatever TIME_ZONE says."""

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", datetime.UTC)
        super().__init__(**kwargs)


# A model serializer whose timestamps come out in UTC. (A comment, not a
# docstring: the schema would give every subclass without one this text as its
# description.)
class ApiModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: UtcDateTimeField,
    }
