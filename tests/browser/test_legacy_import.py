"""Importing an old goals.db from the web: settings → upload → dry-run report → confirm → fractals."""

from playwright.sync_api import expect

from goals.models import Goal
from tests.commands.legacy_files import U, build_state_c


def test_a_user_uploads_an_old_file_reviews_the_dry_run_and_imports_it(signed_in_page, owner, tmp_path, settings):
    settings.LEGACY_UPLOAD_DIR = str(tmp_path / "uploads")
    legacy = build_state_c(tmp_path / "goals.db")
    page = signed_in_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/settings/")
    page.get_by_role("link", name="Import from the old app").click()
    page.get_by_label("Your old goals.db").set_input_files(str(legacy))
    page.get_by_label("Time zone of the old app").fill("Europe/Berlin")
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("h1")).to_have_text("Review the import")
    expect(page.locator("#legacy-tables")).to_contain_text("session_goals")
    assert not Goal.all_objects.exists()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Climb 7a").first).to_be_visible()
    assert Goal.all_objects.get(pk=U("c-root")).owner == owner
