from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "msem.inquiries"
    label = "inquiries"
