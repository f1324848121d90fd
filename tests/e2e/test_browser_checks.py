"""The checks every browser test relies on: errors logged after a test's last check still fail
it when its pages close, and an error page asked for on purpose is not an error."""

from tests.e2e.conftest import E2E

pytestmark = E2E


def test_errors_after_the_last_check_are_caught_when_the_page_closes(visit):
    anonymous = visit()
    page = anonymous.go("/accounts/login/")
    page.evaluate(
        """() => {
            setTimeout(() => console.error("late console error"), 100);
            setTimeout(() => { throw new Error("late uncaught error"); }, 150);
        }"""
    )
    page.wait_for_timeout(400)  # the test goes on without another check
    late = anonymous.close()
    assert any("late console error" in error for error in late), late
    assert any("late uncaught error" in error for error in late), late
    assert anonymous.close() == []  # reported once; the fixture's teardown finds nothing more


def test_an_error_status_asked_for_is_not_a_console_error_but_another_is(visit):
    anonymous = visit()
    anonymous.go("/no-such-page/", status=404)
    page = anonymous.page
    page.evaluate("fetch('/no-such-page-either/')")
    late = anonymous.close()
    assert len(late) == 1 and "status of 404" in late[0], late
