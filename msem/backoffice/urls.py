from django.urls import path

from msem.backoffice import auth_views, email_views, inquiry_views, settings_views, shell_views

app_name = "backoffice"

urlpatterns = [
    path("", shell_views.home_view, name="home"),
    path("login/", auth_views.login_view, name="login"),
    path("logout/", auth_views.logout_view, name="logout"),
    path("language/", auth_views.language_view, name="language"),
    path("<slug:school_slug>/inquiries/", inquiry_views.inquiries_view, name="inquiries"),
    path("<slug:school_slug>/inquiries/<str:reference>/", inquiry_views.inquiry_view, name="inquiry"),
    path("<slug:school_slug>/emails/", email_views.emails_view, name="emails"),
    path("<slug:school_slug>/emails/<int:email_id>/", email_views.email_view, name="email"),
    path("<slug:school_slug>/emails/<int:email_id>/html/", email_views.email_html_view, name="email_html"),
    path("<slug:school_slug>/settings/", settings_views.settings_view, name="settings"),
    path("<slug:school_slug>/settings/preview/", settings_views.settings_preview_view, name="settings_preview"),
    path(
        "<slug:school_slug>/settings/catalog-code/",
        settings_views.catalog_code_check_view,
        name="settings_catalog_code",
    ),
    path(
        "<slug:school_slug>/settings/test-email/", settings_views.settings_test_email_view, name="settings_test_email"
    ),
    path("<slug:school_slug>/settings/history/", settings_views.settings_history_view, name="settings_history"),
]
