"""Test data built through the services, as the application builds it."""

from __future__ import annotations

import factory

from msem.accounts.models import Membership, Role, User
from msem.commercial_settings.services import school_create
from msem.schools.models import School

PASSWORD = "correct horse battery staple"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"ESF Station {n}")
    slug = factory.Sequence(lambda n: f"station-{n}")
    main_email = factory.LazyAttribute(lambda school: f"info@{school.slug}.test")

    @classmethod
    def _create(cls, model_class: type[School], *args, **kwargs) -> School:
        return school_create(**kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@staff.test")
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    school = factory.SubFactory(SchoolFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.SECRETARY
