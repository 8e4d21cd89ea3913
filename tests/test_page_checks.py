"""The check the test client runs on every HTML page it receives."""

from tests.conftest import page_problems


def test_a_page_with_unique_ids_and_only_script_files_passes():
    page = '<label for="a">A</label><input id="a"><script src="/static/js/kaa.js"></script>'
    assert page_problems(page) == []


def test_an_id_used_twice_is_reported():
    page = '<form><input id="agreed_on"></form><form><input id="agreed_on"></form>'
    assert page_problems(page) == ["id 'agreed_on' 2 times"]


def test_inline_script_handlers_and_javascript_links_are_reported():
    page = '<script>alert(1)</script><button onclick="x()">B</button><a href="javascript:x()">L</a>'
    assert page_problems(page) == [
        "<script> at line 1",
        "<button onclick=…> at line 1",
        "<a href=…> at line 1",
    ]
