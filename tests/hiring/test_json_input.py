"""JSON from strangers is parsed with its nesting bounded, never recursing too far."""

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.exceptions import ParseError

from hiring.json_input import (
    BoundedJSONParser,
    JSONTooDeepError,
    json_depth,
    json_loads_bounded,
)


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("3", 0),
        ('"[[[["', 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('["\\"[[[", [[]]]', 3),
        ('{"key": "value with } and ] inside"}', 1),
    ],
)
def test_it_measures_the_nesting_outside_strings(text, depth):
    assert json_depth(text.encode()) == depth


@given(
    st.recursive(
        st.none() | st.integers() | st.text(),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.text(max_size=3), children, max_size=3)
        ),
        max_leaves=20,
    )
)
def test_it_measures_what_json_itself_nests(value):
    def depth(v):
        if isinstance(v, list):
            return 1 + max((depth(x) for x in v), default=0)
        if isinstance(v, dict):
            return 1 + max((depth(x) for x in v.values()), default=0)
        return 0

    assert json_depth(json.dumps(value).encode()) == depth(value)


def test_it_refuses_100000_nested_brackets_without_recursing():
    with pytest.raises(JSONTooDeepError, match="deeper than 32 levels"):
        json_loads_bounded(b"[" * 100_000 + b"]" * 100_000)


def test_it_refuses_an_unbalanced_tower_of_brackets():
    with pytest.raises(JSONTooDeepError):
        json_loads_bounded("{" * 50_000)


def test_it_parses_json_at_the_limit(settings):
    settings.CRIBA_JSON_MAX_DEPTH = 5

    assert json_loads_bounded("[[[[[1]]]]]") == [[[[[1]]]]]
    with pytest.raises(JSONTooDeepError):
        json_loads_bounded("[[[[[[1]]]]]]")


def test_it_raises_value_error_for_what_is_not_json():
    with pytest.raises(ValueError, match="double quotes"):
        json_loads_bounded(b"{'page': 1}")
    with pytest.raises(UnicodeDecodeError):
        json_loads_bounded(b'{"page": "\xff\xfe"}')


def test_it_gives_the_api_a_parse_error_naming_the_depth():
    parser = BoundedJSONParser()

    with pytest.raises(ParseError, match="nested deeper than 32 levels"):
        parser.parse(io.BytesIO(b"[" * 100_000))
    with pytest.raises(ParseError, match="NaN is not valid JSON"):
        parser.parse(io.BytesIO(b'{"x": NaN}'))
    assert parser.parse(io.BytesIO(b'{"page": 1}')) == {"page": 1}
