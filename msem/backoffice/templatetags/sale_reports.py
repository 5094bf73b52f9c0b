"""A sale's report to 4807 that did not go through, explained (msem/connector4807/problems.py)."""

from __future__ import annotations

from django import template

from msem.connector4807.models import SalePush
from msem.connector4807.problems import PushProblem, push_problem

register = template.Library()


@register.filter(name="push_problem")
def push_problem_filter(push: SalePush) -> PushProblem | None:
    return push_problem(push)
