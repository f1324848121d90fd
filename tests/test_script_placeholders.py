"""Placeholders in scripts: parsing, validation of bad bodies, and rendering with values."""

import pytest
from django.core.exceptions import ValidationError

from scripts_library.models import Script, ScriptCategory, parse_placeholders

pytestmark = pytest.mark.django_db


def make_script(body, **extra):
    fields = {
        "category": ScriptCategory.objects.first(),
        "title": "Test script",
        "slug": "test-script",
        "situation": "When testing.",
        "body": body,
    }
    fields.update(extra)
    return Script(**fields)


def test_placeholders_are_distinct_and_in_order():
    body = "Hello [Customer Name], your case [Case Ref] is open. Thanks, [Customer Name]."
    assert parse_placeholders(body) == ["Customer Name", "Case Ref"]
    assert make_script(body).placeholders == ["Customer Name", "Case Ref"]


def test_a_body_without_placeholders_has_none():
    assert parse_placeholders("Thank you for waiting.") == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Hello [Customer Name, thanks.", "is never closed"),
        ("Hello Customer Name], thanks.", "with no “[” before it"),
        ("Hello [Customer [Name]], thanks.", "not closed before the next “[”"),
        ("Hello [], thanks.", "empty placeholder"),
        ("Hello [  ], thanks.", "empty placeholder"),
        ("Hello [<b>Name</b>], thanks.", "not a usable placeholder name"),
        ("Hello [1st Name], thanks.", "not a usable placeholder name"),
        ("Hello [" + "x" * 41 + "], thanks.", "not a usable placeholder name"),
    ],
)
def test_bad_placeholders_are_refused_with_a_clear_message(body, message):
    with pytest.raises(ValidationError) as error:
        parse_placeholders(body)
    assert message in " ".join(error.value.messages)


def test_the_unclosed_message_quotes_where_the_problem_is():
    with pytest.raises(ValidationError) as error:
        parse_placeholders("Thanks for calling. [Customer Name we will be in touch.")
    assert "[Customer Name we will be in" in error.value.messages[0]


def test_clean_refuses_an_empty_script():
    with pytest.raises(ValidationError) as error:
        make_script("   \n ").full_clean()
    assert "body is empty" in str(error.value.message_dict["body"])


def test_clean_refuses_an_unbalanced_placeholder():
    with pytest.raises(ValidationError) as error:
        make_script("Hello [Customer Name").full_clean()
    assert "never closed" in str(error.value.message_dict["body"])


def test_clean_refuses_unknown_criterion_keys():
    with pytest.raises(ValidationError) as error:
        make_script("Hello.", criterion_keys=["empathy", "telepathy"]).full_clean()
    assert error.value.message_dict["criterion_keys"] == [
        "No rubric has these criteria: telepathy."
    ]


def test_clean_accepts_a_good_script():
    make_script("Hello [Customer Name].", criterion_keys=["empathy"]).full_clean()


def test_render_fills_every_occurrence_and_keeps_the_rest():
    script = make_script("Hi [Customer Name]. Ref [Case Ref]. Bye [Customer Name].")
    assert script.render({"Customer Name": "Dana"}) == "Hi Dana. Ref [Case Ref]. Bye Dana."
    assert script.render({"Customer Name": "Dana", "Case Ref": "ZD-1"}) == (
        "Hi Dana. Ref ZD-1. Bye Dana."
    )


def test_render_treats_blank_values_as_unfilled():
    script = make_script("Hi [Customer Name].")
    assert script.render({"Customer Name": "   "}) == "Hi [Customer Name]."


def test_render_does_not_interpret_brackets_or_html_in_values():
    script = make_script("Hi [Customer Name], ref [Case Ref].")
    rendered = script.render({"Customer Name": "[Case Ref] <b>x</b>", "Case Ref": "R1"})
    assert rendered == "Hi [Case Ref] <b>x</b>, ref R1."


def test_render_refuses_values_for_placeholders_the_script_lacks():
    script = make_script("Hi [Customer Name].")
    with pytest.raises(ValidationError) as error:
        script.render({"Customer Name": "Dana", "Account Number": "1"})
    assert "no placeholder [Account Number]" in error.value.messages[0]
    assert "its placeholders are [Customer Name]" in error.value.messages[0]


def test_render_refuses_overlong_values():
    script = make_script("Hi [Customer Name].")
    with pytest.raises(ValidationError):
        script.render({"Customer Name": "x" * 201})


def test_every_default_script_parses():
    for script in Script.objects.all():
        script.full_clean()
        assert script.placeholders, script.slug
