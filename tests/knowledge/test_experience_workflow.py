"""An experience's way from draft to published, the illegal steps refused with a message, who may take each
step, the audit entries and the notifications to its author in their language."""

import pytest

from cicopa.core.errors import EditConflict, PermissionDenied, ValidationError
from cicopa.core.models import AuditEntry, Notification
from cicopa.knowledge import permissions, services
from cicopa.knowledge.models import Experience, ExperienceStatus

pytestmark = pytest.mark.django_db


def actions(experience):
    return list(
        AuditEntry.objects.filter(object_type="knowledge.experience", object_id=str(experience.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_draft_submitted_published(draft, charlie, alice):
    assert draft.status == ExperienceStatus.DRAFT
    assert draft.country_id == "FR"  # the organisation's
    assert draft.author == charlie
    assert sorted(draft.topics.values_list("code", flat=True)) == ["finance", "transfers"]
    services.experience_submit(actor=charlie, experience=draft)
    exp = services.experience_publish(actor=alice, experience=draft)
    assert exp.status == ExperienceStatus.PUBLISHED and exp.published_at is not None
    assert actions(exp) == [
        "knowledge.experience.create",
        "knowledge.experience.submit",
        "knowledge.experience.publish",
    ]
    note = Notification.objects.get(user=charlie)
    assert "Reprise de la menuiserie par ses salariés" in note.subject
    assert note.url == "/fr" + exp.get_absolute_url()  # in charlie's language


def test_returned_with_a_comment_then_changed_and_resubmitted(submitted, charlie, alice):
    with pytest.raises(ValidationError) as refused:
        services.experience_return(actor=alice, experience=submitted, comment="  ")
    assert "comment" in refused.value.message_dict
    exp = services.experience_return(actor=alice, experience=submitted, comment="Donnez des chiffres.")
    assert exp.status == ExperienceStatus.RETURNED and exp.review_comment == "Donnez des chiffres."
    note = Notification.objects.get(user=charlie)
    assert "Donnez des chiffres." in note.body
    exp = services.experience_update(actor=charlie, experience=exp, data={"results": "Vingt-deux emplois."})
    exp = services.experience_submit(actor=charlie, experience=exp)
    assert exp.status == ExperienceStatus.SUBMITTED
    assert "knowledge.experience.return" in actions(exp)


@pytest.mark.parametrize("step", ["publish", "return"])
def test_a_draft_cannot_be_published_or_returned(draft, alice, step):
    with pytest.raises(ValidationError) as refused:
        if step == "publish":
            services.experience_publish(actor=alice, experience=draft)
        else:
            services.experience_return(actor=alice, experience=draft, comment="x")
    assert "the status of this one is “Draft”" in refused.value.message_dict["status"][0]
    assert Experience.objects.get(pk=draft.pk).status == ExperienceStatus.DRAFT


def test_published_cannot_be_changed_submitted_or_published_again(published, charlie, alice):
    with pytest.raises(PermissionDenied):
        services.experience_attach(actor=charlie, experience=published, filename="a.pdf", data=b"%PDF-1.4")
    with pytest.raises(ValidationError):
        services.experience_update(actor=charlie, experience=published, data={"title": "Autre"})
    with pytest.raises(ValidationError):
        services.experience_submit(actor=charlie, experience=published)
    with pytest.raises(ValidationError):
        services.experience_publish(actor=alice, experience=published)


def test_submitting_needs_the_problem_and_what_was_done(federation, charlie, make_data):
    exp = services.experience_create(
        actor=charlie, organisation=federation["menuiserie"], data=make_data(problem="", actions="")
    )
    with pytest.raises(ValidationError) as refused:
        services.experience_submit(actor=charlie, experience=exp)
    assert set(refused.value.message_dict) == {"problem", "actions"}


def test_only_the_secretariat_publishes_and_returns(submitted, bob, charlie, dave):
    for user in (bob, charlie, dave):
        with pytest.raises(PermissionDenied):
            services.experience_publish(actor=user, experience=submitted)
        with pytest.raises(PermissionDenied):
            services.experience_return(actor=user, experience=submitted, comment="Non")


def test_who_writes_for_which_organisation(federation, alice, bob, charlie, dave, make_data):
    menuiserie, taxi = federation["menuiserie"], federation["taxi"]
    # the editor of the co-operative, the officer of its federation, the secretariat
    for user in (charlie, bob, alice):
        services.experience_create(actor=user, organisation=menuiserie, data=make_data())
    # never another's: the taxi co-operative is COCETA's, and dave has no role
    for user in (charlie, bob, dave):
        with pytest.raises(PermissionDenied):
            services.experience_create(actor=user, organisation=taxi, data=make_data())


def test_officer_edits_the_organisations_items_others_do_not(draft, bob, dave, trade, erika):
    services.experience_update(actor=bob, experience=draft, data={"title": "Titre de l'officier"})
    for user in (dave, erika):
        with pytest.raises(PermissionDenied):
            services.experience_update(actor=user, experience=draft, data={"title": "X"})
        with pytest.raises(PermissionDenied):
            services.experience_submit(actor=user, experience=draft)


def test_the_author_keeps_editing_after_losing_access(draft, charlie, alice, federation):
    from cicopa.registry.models import OrganisationAccess

    OrganisationAccess.objects.filter(user=charlie).delete()
    assert permissions.can_edit_experience(charlie, draft)
    services.experience_update(actor=charlie, experience=draft, data={"lessons": "Encore."})


def test_unpublished_is_invisible_to_others(draft, submitted, alice, bob, charlie, dave):
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), dave):
        assert not permissions.visible_experiences(user).filter(pk=draft.pk).exists()
    for user in (alice, bob, charlie):
        assert permissions.visible_experiences(user).filter(pk=draft.pk).exists()


def test_bad_input_is_refused_by_field_and_changes_nothing(draft, charlie):
    with pytest.raises(ValidationError) as refused:
        services.experience_update(
            actor=charlie,
            experience=draft,
            data={
                "title": "",
                "language": "de",
                "year": 1700,
                "country": "XX",
                "topics": ["nonsense"],
                "problem": "x" * 10_001,
                "summary": "pasted\x0bfrom a word processor",
                "status": "published",
            },
        )
    assert set(refused.value.message_dict) == {"status"}  # a field that cannot be set: refused first
    with pytest.raises(ValidationError) as refused:
        services.experience_update(
            actor=charlie,
            experience=draft,
            data={
                "title": "",
                "language": "de",
                "year": 1700,
                "country": "XX",
                "topics": ["nonsense"],
                "problem": "x" * 10_001,
                "summary": "pasted\x0bfrom a word processor",
            },
        )
    assert {"title", "language", "year", "country", "topics", "problem", "summary"} <= set(refused.value.message_dict)
    assert Experience.objects.get(pk=draft.pk).title == "Reprise de la menuiserie par ses salariés"


def test_lost_update_is_refused(draft, charlie, bob):
    version = services.experience_version(draft)
    services.experience_update(actor=bob, experience=draft, data={"title": "Changé par Bob"})
    with pytest.raises(EditConflict):
        services.experience_update(actor=charlie, experience=draft, data={"title": "Changé"}, based_on=version)
