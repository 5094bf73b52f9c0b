from django.urls import path

from msem.backoffice import (
    auth_views,
    dashboard_views,
    email_views,
    inquiry_views,
    personal_data_views,
    quarantine_views,
    quote_views,
    sales_views,
    settings_views,
    shell_views,
)
from msem.backoffice.catalog_views import catalogs_import_view, catalogs_view

app_name = "backoffice"

urlpatterns = [
    path("", shell_views.home_view, name="home"),
    path("login/", auth_views.login_view, name="login"),
    path("logout/", auth_views.logout_view, name="logout"),
    path("password/", auth_views.password_change_view, name="password_change"),
    path("sessions/<int:session_id>/end/", auth_views.session_end_view, name="session_end"),
    path("sessions/end-others/", auth_views.sessions_end_others_view, name="sessions_end_others"),
    path("password/forgotten/", auth_views.password_reset_view, name="password_reset"),
    path("reset/<str:uidb64>/<str:token>/", auth_views.password_reset_confirm_view, name="password_reset_confirm"),
    path("language/", auth_views.language_view, name="language"),
    path("<slug:school_slug>/dashboard/", dashboard_views.dashboard_view, name="dashboard"),
    path(
        "<slug:school_slug>/dashboard/<slug:chart>.csv",
        dashboard_views.dashboard_export_view,
        name="dashboard_export",
    ),
    path("<slug:school_slug>/inquiries/", inquiry_views.inquiries_view, name="inquiries"),
    path("<slug:school_slug>/inquiries/export.csv", inquiry_views.inquiries_export_view, name="inquiries_export"),
    path("<slug:school_slug>/inquiries/archive/", inquiry_views.inquiries_archive_view, name="inquiries_archive"),
    path("<slug:school_slug>/inquiries/default/", inquiry_views.inbox_default_save_view, name="inbox_default_save"),
    path(
        "<slug:school_slug>/inquiries/default/reset/",
        inquiry_views.inbox_default_reset_view,
        name="inbox_default_reset",
    ),
    path("<slug:school_slug>/inquiries/views/", inquiry_views.saved_view_save_view, name="saved_view_save"),
    path(
        "<slug:school_slug>/inquiries/views/<int:view_id>/",
        inquiry_views.saved_view_action_view,
        name="saved_view_action",
    ),
    path("<slug:school_slug>/quarantine/", quarantine_views.quarantine_view, name="quarantine"),
    path(
        "<slug:school_slug>/quarantine/<int:quarantined_id>/",
        quarantine_views.quarantine_action_view,
        name="quarantine_action",
    ),
    path("<slug:school_slug>/personal-data/", personal_data_views.personal_data_view, name="personal_data"),
    path("<slug:school_slug>/inquiries/<str:reference>/", inquiry_views.inquiry_view, name="inquiry"),
    path("<slug:school_slug>/inquiries/<str:reference>/panel/", inquiry_views.inquiry_panel_view, name="inquiry_panel"),
    path("<slug:school_slug>/inquiries/<str:reference>/note/", inquiry_views.inquiry_note_view, name="inquiry_note"),
    path("<slug:school_slug>/inquiries/<str:reference>/reply/", inquiry_views.inquiry_reply_view, name="inquiry_reply"),
    path(
        "<slug:school_slug>/inquiries/<str:reference>/archive/",
        inquiry_views.inquiry_archive_view,
        name="inquiry_archive",
    ),
    path("<slug:school_slug>/inquiries/<str:reference>/merge/", inquiry_views.inquiry_merge_view, name="inquiry_merge"),
    path("<slug:school_slug>/inquiries/<str:reference>/quotes/", quote_views.quote_create_view, name="quote_create"),
    path(
        "<slug:school_slug>/inquiries/<str:reference>/quotes/panel/",
        quote_views.quotes_panel_view,
        name="quotes_panel",
    ),
    path("<slug:school_slug>/quotes/<int:quote_id>/products/", quote_views.quote_products_view, name="quote_products"),
    path("<slug:school_slug>/quotes/<int:quote_id>/lines/", quote_views.quote_line_add_view, name="quote_line_add"),
    path("<slug:school_slug>/quotes/lines/<int:line_id>/", quote_views.quote_line_update_view, name="quote_line"),
    path("<slug:school_slug>/quotes/<int:quote_id>/send/", quote_views.quote_send_view, name="quote_send"),
    path("<slug:school_slug>/quotes/<int:quote_id>/status/", quote_views.quote_status_view, name="quote_status"),
    path("<slug:school_slug>/quotes/<int:quote_id>/pdf/", quote_views.quote_pdf_view, name="quote_pdf"),
    path(
        "<slug:school_slug>/quotes/<int:quote_id>/payment-requests/",
        quote_views.payment_request_view,
        name="payment_request_create",
    ),
    path(
        "<slug:school_slug>/payment-requests/<int:payment_request_id>/",
        quote_views.payment_request_action_view,
        name="payment_request_action",
    ),
    path("<slug:school_slug>/sales/", sales_views.sale_pushes_view, name="sale_pushes"),
    path("<slug:school_slug>/sales/<int:push_id>/retry/", sales_views.sale_push_retry_view, name="sale_push_retry"),
    path("<slug:school_slug>/sales/ledger.csv", sales_views.ledger_export_view, name="ledger_export"),
    path("<slug:school_slug>/catalogs/sync/", sales_views.price_lists_sync_view, name="price_lists_sync"),
    path("<slug:school_slug>/emails/", email_views.emails_view, name="emails"),
    path("<slug:school_slug>/emails/<int:email_id>/", email_views.email_view, name="email"),
    path("<slug:school_slug>/emails/<int:email_id>/html/", email_views.email_html_view, name="email_html"),
    path("<slug:school_slug>/catalogs/", catalogs_view, name="catalogs"),
    path("<slug:school_slug>/catalogs/import/", catalogs_import_view, name="catalogs_import"),
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
