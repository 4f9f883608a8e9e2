"""The submit page lists the unanswered statements page by page, each page a link."""

import re

from django.urls import reverse
from django.utils.html import escape

from assessments import services
from assessments.definitions import item_texts


def test_it_lists_each_unanswered_statement_under_a_link_to_its_page(client, taking):
    pages = services.taking_pages(taking)
    first, second = pages[0], pages[1]
    # Everything answered except one statement of page 1 and two of page 2.
    for number, keys in enumerate(pages):
        skip = {first[3]} if number == 0 else {second[0], second[5]}
        services.answers_save(
            invitation=taking,
            page=number,
            answers={key: 3 for key in keys if key not in skip},
        )
    texts = item_texts(taking.instrument_version.definition, "en")

    page = client.get(reverse("take:submit")).content.decode()

    section = page[page.index('id="take-unanswered"') :]
    link_1 = reverse("take:page", kwargs={"number": 1}) + f"#q-{first[3]}"
    link_2 = reverse("take:page", kwargs={"number": 2}) + f"#q-{second[0]}"
    assert f'href="{link_1}"' in section
    assert f'href="{link_2}"' in section
    assert re.findall(r'data-item="([^"]+)"', section) == [
        first[3],
        second[0],
        second[5],
    ]
    assert escape(texts[second[5]]) in section
    assert f"{len(first) + 6}." in section
    assert reverse("take:page", kwargs={"number": 3}) + "#" not in section


def test_it_says_so_when_every_statement_is_answered(client, taking):
    for number, keys in enumerate(services.taking_pages(taking)):
        services.answers_save(
            invitation=taking, page=number, answers=dict.fromkeys(keys, 4)
        )

    page = client.get(reverse("take:submit")).content.decode()

    assert "You have answered every statement." in page
    assert 'id="take-unanswered"' not in page
