"""Saving a school's commercial settings: all or nothing, versioned, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from msem.audit.models import AuditRecord
from msem.catalog.models import Catalog
from msem.commercial_settings.selectors import commercial_settings_snapshot
from msem.commercial_settings.services import SettingsConflict, commercial_settings_save
from msem.inquiries.models import Category, Subject
from msem.inquiries.services import CategoryLine, SubjectLine
from msem.mailing.defaults import DEFAULT_LEGAL_FOOTERS, DEFAULT_TEXTS
from msem.mailing.models import MailTemplate
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def current(school) -> dict:
    """The arguments that save the settings exactly as they are."""
    snapshot = commercial_settings_snapshot(school=school)
    return {
        "expected_version": school.settings_version,
        "subjects": [SubjectLine(s["id"], s["label_fr"], s["label_en"], s["email"]) for s in snapshot["subjects"]],
        "mail_texts": {
            tuple(key.split(".")): (value["subject"], value["body"]) for key, value in snapshot["mail_texts"].items()
        },
        "categories": [CategoryLine(c["id"], c["code"], c["label_fr"], c["label_en"]) for c in snapshot["categories"]],
        "catalog_codes": snapshot["catalogs"],
    }


class TestNewSchool:
    def test_starts_with_one_subject_routed_to_its_main_address(self):
        school = SchoolFactory(main_email="bureau@esf-x.test")
        subject = Subject.objects.for_school(school).get()
        assert (subject.label_fr, subject.label_en, subject.email) == (
            "Demande d’informations",
            "Request for information",
            "bureau@esf-x.test",
        )

    def test_starts_with_the_default_texts_in_both_languages_and_the_default_footers(self):
        school = SchoolFactory()
        assert MailTemplate.objects.for_school(school).count() == 8
        ack = MailTemplate.objects.for_school(school).get(kind="acknowledgement", language="en")
        assert (ack.subject, ack.body) == DEFAULT_TEXTS["acknowledgement"]["en"]
        assert school.legal_footer_fr == DEFAULT_LEGAL_FOOTERS["fr"]


class TestSave:
    def test_saves_everything_and_bumps_the_version(self, school, manager):
        arguments = current(school)
        arguments["subjects"].append(SubjectLine(None, "Groupes", "Groups", "groupes@valneige.test"))
        arguments["categories"] = [CategoryLine(None, "village", "Village", "Village")]
        arguments["catalog_codes"] = ["ce-alpes"]
        arguments["mail_texts"][("signature", "fr")] = ("", "L'équipe")

        saved = commercial_settings_save(school=school, actor=manager, **arguments)

        assert saved.settings_version == 2
        snapshot = commercial_settings_snapshot(school=school)
        assert len(snapshot["subjects"]) == 2
        assert snapshot["catalogs"] == ["CE-ALPES"]
        assert snapshot["mail_texts"]["signature.fr"]["body"] == "L'équipe"

    def test_an_invalid_line_saves_nothing_at_all(self, school, manager):
        arguments = current(school)
        arguments["subjects"].append(SubjectLine(None, "Groupes", "", "groupes@valneige.test"))
        arguments["catalog_codes"] = ["CE-ALPES"]
        arguments["categories"] = [CategoryLine(None, "a", "A", "A"), CategoryLine(None, "a", "B", "B")]
        before = commercial_settings_snapshot(school=school)

        with pytest.raises(ValidationError):
            commercial_settings_save(school=school, actor=manager, **arguments)

        assert commercial_settings_snapshot(school=school) == before
        school.refresh_from_db()
        assert school.settings_version == 1
        assert not AuditRecord.objects.exists()

    def test_an_unknown_placeholder_saves_nothing(self, school, manager):
        arguments = current(school)
        arguments["mail_texts"][("quote", "en")] = ("Quote", "See {quote_url}")
        with pytest.raises(ValidationError, match=r"\{quote_url\}"):
            commercial_settings_save(school=school, actor=manager, **arguments)

    def test_a_stale_version_is_refused(self, school, manager):
        stale = current(school)
        fresh = current(school)
        fresh["catalog_codes"] = ["CE-ALPES"]
        commercial_settings_save(school=school, actor=manager, **fresh)
        stale["catalog_codes"] = ["TO-NEIGE"]

        with pytest.raises(SettingsConflict):
            commercial_settings_save(school=school, actor=manager, **stale)

        assert commercial_settings_snapshot(school=school)["catalogs"] == ["CE-ALPES"]

    def test_only_a_manager_of_the_school_may_save(self, school, secretary, other_manager):
        for actor in (secretary, other_manager):
            with pytest.raises(PermissionDenied):
                commercial_settings_save(school=school, actor=actor, **current(school))

    def test_records_who_and_the_state_before_and_after(self, school, manager):
        arguments = current(school)
        arguments["catalog_codes"] = ["CE-ALPES"]
        commercial_settings_save(school=school, actor=manager, **arguments)
        record = AuditRecord.objects.for_school(school).get()
        assert (record.actor, record.action) == (manager, "settings.saved")
        assert record.before["catalogs"] == []
        assert record.after["catalogs"] == ["CE-ALPES"]


class TestSoftRemoval:
    def test_a_removed_category_code_typed_again_brings_the_same_category_back(self, school, manager):
        arguments = current(school)
        arguments["categories"] = [CategoryLine(None, "village", "Village", "Village")]
        school = commercial_settings_save(school=school, actor=manager, **arguments)
        original = Category.objects.for_school(school).get()
        arguments = current(school)
        arguments["categories"] = []
        school = commercial_settings_save(school=school, actor=manager, **arguments)
        arguments = current(school)
        arguments["categories"] = [CategoryLine(None, "village", "Village (1400)", "Village (1400)")]

        commercial_settings_save(school=school, actor=manager, **arguments)

        revived = Category.objects.for_school(school).live().get()
        assert revived.pk == original.pk
        assert revived.label_fr == "Village (1400)"

    def test_two_categories_can_swap_codes_in_one_save(self, school, manager):
        arguments = current(school)
        arguments["categories"] = [CategoryLine(None, "a", "A", "A"), CategoryLine(None, "b", "B", "B")]
        school = commercial_settings_save(school=school, actor=manager, **arguments)
        first, second = Category.objects.for_school(school).live()
        arguments = current(school)
        arguments["categories"] = [
            CategoryLine(first.pk, "b", "A", "A"),
            CategoryLine(second.pk, "a", "B", "B"),
        ]

        commercial_settings_save(school=school, actor=manager, **arguments)

        assert dict(Category.objects.for_school(school).live().values_list("pk", "code")) == {
            first.pk: "b",
            second.pk: "a",
        }

    def test_a_removed_catalog_keeps_its_row_and_comes_back_when_typed_again(self, school, manager):
        arguments = current(school)
        arguments["catalog_codes"] = ["CE-ALPES"]
        school = commercial_settings_save(school=school, actor=manager, **arguments)
        catalog = Catalog.objects.for_school(school).get()
        arguments = current(school)
        arguments["catalog_codes"] = []
        school = commercial_settings_save(school=school, actor=manager, **arguments)
        assert Catalog.objects.for_school(school).get().removed_at is not None
        arguments = current(school)
        arguments["catalog_codes"] = ["CE-ALPES"]

        commercial_settings_save(school=school, actor=manager, **arguments)

        assert Catalog.objects.for_school(school).live().get().pk == catalog.pk

    def test_the_same_codes_in_two_schools_do_not_collide(self, school, manager, other_school, other_manager):
        for target, actor in ((school, manager), (other_school, other_manager)):
            arguments = current(target)
            arguments["catalog_codes"] = ["CE-ALPES"]
            arguments["categories"] = [CategoryLine(None, "village", "Village", "Village")]
            commercial_settings_save(school=target, actor=actor, **arguments)
        assert Catalog.objects.filter(code="CE-ALPES").count() == 2
        assert Category.objects.filter(code="village").count() == 2
