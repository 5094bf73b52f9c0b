"""The dashboard page and its CSV files over HTTP."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from msem.dashboard.periods import period_this_season, today_in_paris
from msem.demo.commercial_history import commercial_history_bulk_create
from msem.demo.inquiry_generator import SchoolChoices, generate_inquiries, inquiries_bulk_create
from msem.inquiries.selectors import categories_live, subjects_live
from msem.quotes.models import Quote
from tests.dashboard.helpers import answer, dashboard_url, dossier, export_url, paid, quote_sent

pytestmark = pytest.mark.django_db

JANUARY = "period=custom&start=2026-01-05&end=2026-01-18"
IN_JANUARY = datetime(2026, 1, 8, 9, 0, tzinfo=UTC)
CHARTS = [
    "requests-by-subject",
    "requests-by-category",
    "answer-times-by-subject",
    "answer-times-by-secretary",
    "funnel",
    "revenue-by-catalog",
    "revenue-by-kind",
]


def read_csv(response) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


@pytest.fixture
def january(school, manager):
    """Three requests of January: one answered in 2 h and paid 378,00 €, one answered by a quote, one waiting."""
    first = dossier(school, IN_JANUARY, language="fr")
    second = dossier(school, IN_JANUARY + timedelta(days=1), language="en")
    dossier(school, IN_JANUARY + timedelta(days=2), language="fr")
    answer(first, manager, timedelta(hours=2))
    paid(quote_sent(first, manager), manager, at=IN_JANUARY + timedelta(days=3))
    quote_sent(second, manager, after=timedelta(hours=4))
    return first, second


class SvgChecker(HTMLParser):
    """Collects what a screen reader and the Content-Security-Policy care about."""

    def __init__(self) -> None:
        super().__init__()
        self.svgs: list[dict[str, str]] = []
        self.rect_titles = 0
        self.rects = 0
        self.in_rect = False
        self.style_attributes = 0
        self.inline_scripts = 0
        self.styles = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes:
            self.style_attributes += 1
        if tag == "style":
            self.styles += 1
        if tag == "script" and "src" not in attributes:
            self.inline_scripts += 1
        if tag == "svg" and attributes.get("class") == "chart-svg":
            self.svgs.append(attributes)
        if tag == "rect" and attributes.get("class") == "chart-bar":
            self.rects += 1
            self.in_rect = True
        if tag == "title" and self.in_rect:
            self.rect_titles += 1

    def handle_endtag(self, tag):
        if tag == "rect":
            self.in_rect = False


class TestPage:
    def test_the_menu_leads_to_the_dashboard_first(self, secretary_client, school):
        page = secretary_client.get(f"/backoffice/{school.slug}/inquiries/").content.decode()
        menu = page[page.index('class="sidebar"') :]
        links = re.findall(r'href="([^"]+)"', menu)
        assert links[0] == dashboard_url(school)
        response = secretary_client.get(dashboard_url(school))
        assert response.status_code == 200
        assert 'aria-current="page"><span class="nav-icon icon-chart"' in response.content.decode()

    def test_a_new_schools_empty_dashboard_writes_its_zero_requests_in_french(self, manager_client, school):
        page = html.unescape(manager_client.get(dashboard_url(school, JANUARY)).content.decode())

        # « 0 demande reçues » was the first thing a new school's charts said.
        assert "0 demande reçue du 5\u00a0jan.\u00a02026 au 18\u00a0jan.\u00a02026, par jour, par objet." in page
        assert "Sur 0 demande reçue du 5\u00a0jan.\u00a02026" in page
        assert "demande reçues" not in page

    def test_a_new_schools_dashboard_says_why_it_is_empty_and_what_brings_the_first_requests(
        self, manager_client, secretary_client, school
    ):
        """QA (a new school): a page of zeros and "no requests in this period", and no word on what to do next."""
        settings_link = f'<a href="/backoffice/{school.slug}/settings/#contact">Paramètres</a>'
        page = html.unescape(manager_client.get(dashboard_url(school)).content.decode())
        assert (
            "Votre école n’a encore reçu aucune demande : ces chiffres se remplissent avec les premières "
            "demandes envoyées par le formulaire de contact de votre site."
        ) in page
        assert f"l’adresse de chacun dans les {settings_link}, où vous trouverez aussi le code" in page
        # A secretary is told why, not sent to a page she cannot change.
        secretaries = html.unescape(secretary_client.get(dashboard_url(school)).content.decode())
        assert "Votre école n’a encore reçu aucune demande" in secretaries
        assert settings_link not in secretaries

    def test_the_first_steps_go_once_a_request_has_come_even_outside_the_period(self, manager_client, school, january):
        march = "period=custom&start=2025-03-01&end=2025-03-10"
        page = html.unescape(manager_client.get(dashboard_url(school, march)).content.decode())
        assert "Aucune demande sur cette période." in page  # January's are not in it
        assert "Votre école n’a encore reçu aucune demande" not in page

    def test_the_key_figures_count_requests_in_french_plurals(self, manager_client, school, january):
        page = manager_client.get(dashboard_url(school, JANUARY)).content.decode()
        # They count requests (feminine in French), a quote's own status stays "Devis envoyé", "Payé".
        assert re.search(r'key-figure-label">Devis envoyés</p>\s*<p class="key-figure-value">2<', page)
        assert re.search(r'key-figure-label">Payées</p>\s*<p class="key-figure-value">1<', page)

    def test_figures_charts_and_tables_in_english(self, english_client, school, january):
        page = english_client.get(dashboard_url(school, JANUARY)).content.decode()

        assert "<h1>Dashboard</h1>" in page
        assert "3 requests received from 5\u00a0Jan\u00a02026 to 18\u00a0Jan\u00a02026, per day, by subject." in page
        # Key figures: 3 requests, 2 quoted (66.7%), 1 paid, €378, first answer median 3 h.
        assert re.search(r'key-figure-value">3<', page)
        assert "66.7% of the requests" in page
        assert "€378" in page
        assert 'key-figure-value">3\u00a0h 00\u00a0min<' in page
        # The data tables: a day per row, the money and rates in English.
        assert '<th role="rowheader" scope="row">8\u00a0Jan\u00a02026</th>' in page
        assert "€378.00" in page
        assert "33.3%" in page
        # The funnel's step counts requests: "Quoted", not a quote's own "Quote sent" (read "1 quote sent" by 70).
        assert re.search(r'key-figure-label">(<a [^>]*>)?Quoted<', page)
        assert "Quote sent" not in page

    def test_french_numbers(self, manager_client, school, january):
        page = manager_client.get(dashboard_url(school, JANUARY)).content.decode()
        assert "378,00\u00a0€" in page
        assert "66,7\u202f%" in page
        assert '<th role="rowheader" scope="row">8\u00a0jan.\u00a02026</th>' in page

    def test_each_bars_value_on_hover_is_said_with_french_typography(self, manager_client, school, january):
        page = manager_client.get(dashboard_url(school, JANUARY)).content.decode()
        titles = re.findall(r'<rect class="chart-bar"[^>]*><title>(.*?)</title>', page)
        assert titles
        assert [title for title in titles if re.search(r"[^\u00a0]:", title)] == []
        assert all("\u00a0: " in title for title in titles)

    def test_every_chart_is_an_accessible_svg_within_the_csp(self, manager_client, school, january):
        response = manager_client.get(dashboard_url(school, JANUARY))
        checker = SvgChecker()
        checker.feed(response.content.decode())

        assert len(checker.svgs) == len(CHARTS)
        for svg in checker.svgs:
            assert svg["role"] == "img"
            title_id, desc_id = svg["aria-labelledby"].split()
            assert f'<title id="{title_id}">' in response.content.decode()
            assert f'<desc id="{desc_id}">' in response.content.decode()
        assert checker.rects > 0
        assert checker.rect_titles == checker.rects  # each bar tells its value on hover
        assert (checker.style_attributes, checker.styles, checker.inline_scripts) == (0, 0, 0)
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        for chart in CHARTS:
            query = f"{JANUARY}&hours=48".replace("&", "&amp;")
            assert f'href="{export_url(school, chart)}?{query}"' in response.content.decode()

    def test_the_revenue_leads_to_the_same_sales_on_the_sales_page(self, english_client, school, january):
        """The revenue said "1 sale" and the Sales page listed the whole season, without a total."""
        page = html.unescape(english_client.get(dashboard_url(school, JANUARY)).content.decode())
        link = re.search(r'<a href="([^"]+)">Revenue incl. VAT</a>', page)
        assert link
        assert link.group(1).endswith("/sales/?sold_from=2026-01-05&sold_to=2026-01-18")

        sales = html.unescape(english_client.get(link.group(1)).content.decode())

        assert "1 sale · €378.00 incl. VAT" in sales

    def test_an_empty_period_says_so(self, english_client, school):
        page = english_client.get(dashboard_url(school, JANUARY)).content.decode()
        assert "No requests in this period." in page
        assert "No request of this period has been answered yet." in page
        assert "No sales in this period." in page
        assert 'class="chart-svg"' not in page

    def test_the_default_period_is_this_season(self, english_client, school):
        season = period_this_season(today_in_paris(timezone.now()))
        page = english_client.get(dashboard_url(school)).content.decode()
        assert 'value="season" checked' in re.sub(r' id="id_period_\d"', "", page)
        assert f'value="{season.first_day.isoformat()}"' in page
        assert f'value="{season.last_day.isoformat()}"' in page

    def test_this_month_and_last_month_at_one_click(self, english_client, school):
        """A director closing a month had "this week", "this season" or two dates to type."""
        today = today_in_paris(timezone.now())
        first_of_month = today.replace(day=1)
        last_month_end = first_of_month - timedelta(days=1)
        dossier(school, timezone.now())
        dossier(school, datetime.combine(last_month_end, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10))
        dossier(school, datetime.combine(last_month_end, datetime.min.time(), tzinfo=UTC) + timedelta(hours=11))

        this_month = english_client.get(dashboard_url(school)).content.decode()
        assert 'value="month"' in this_month
        assert ">This month</span>" in this_month
        assert ">Last month</span>" in this_month

        page = html.unescape(english_client.get(dashboard_url(school, "period=month")).content.decode())
        assert 'value="month" checked' in re.sub(r' id="id_period_\d"', "", page)
        assert f"1 request received from 1\u00a0{first_of_month:%b}\u00a0{today.year}" in page

        page = html.unescape(english_client.get(dashboard_url(school, "period=last-month")).content.decode())
        assert 'value="last-month" checked' in re.sub(r' id="id_period_\d"', "", page)
        assert (
            f"2 requests received from 1\u00a0{last_month_end:%b}\u00a0{last_month_end.year}"
            f" to {last_month_end.day}\u00a0{last_month_end:%b}\u00a0{last_month_end.year}"
        ) in page
        # The waiting list's own form keeps the month chosen.
        assert '<input type="hidden" name="period" value="last-month">' in page

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("period=custom&start=2026-02-01&end=2026-01-01", "The last day is before the first day."),
            ("period=custom&start=2026-01-01", "Give the last day of the period."),
            ("period=custom&start=someday&end=2026-01-01", "Enter a valid date."),
            (
                "period=custom&start=2024-01-01&end=2026-01-01",
                "Choose a period of 366 days at most (this one has 732).",
            ),
            ("period=custom&start=1900-01-01&end=1900-01-02", "Give a date between 2000 and 2100."),
            ("period=fortnight", "Select a valid choice."),
            ("hours=0", "Ensure this value is greater than or equal to 1."),
            ("hours=many", "Enter a whole number."),
        ],
    )
    def test_a_bad_period_gets_a_clear_error(self, english_client, school, query, message):
        response = english_client.get(dashboard_url(school, query))
        assert response.status_code == 400
        page = response.content.decode()
        assert "This period cannot be used:" in page
        assert message in page
        assert 'class="chart-svg"' not in page

    def test_dates_alone_mean_those_dates(self, english_client, school, january):
        page = english_client.get(dashboard_url(school, "start=2026-01-05&end=2026-01-18")).content.decode()
        assert "3 requests received from 5\u00a0Jan\u00a02026 to 18\u00a0Jan\u00a02026" in page

    def test_the_waiting_list_links_to_the_dossiers(self, english_client, school):
        old = dossier(school, timezone.now() - timedelta(hours=60), first_name="Hélène", last_name="Favre")
        dossier(school, timezone.now() - timedelta(hours=10))
        page = english_client.get(dashboard_url(school)).content.decode()
        # A card on a phone (backoffice.css, "Lists as cards"), a table still for a screen reader: the reference heads
        # its row, its link covers the card, the cells whose value does not say what it is carry their column's name.
        link = f'<a class="card-link" href="/backoffice/{school.slug}/inquiries/{old.reference}/">{old.reference}</a>'
        assert f'<tr role="row"><th role="rowheader" scope="row" class="col-reference">{link}</th>' in page
        assert '<td role="cell" class="col-client">Hélène Favre</td>' in page
        assert '<td role="cell" class="col-received" data-label="Received">' in page
        assert re.search(r'<td role="cell" class="col-waiting num">2\u00a0d \d+\u00a0h</td></tr>', page)
        assert re.search(r'Waiting for more than 2 days</a></p>\s*<p class="key-figure-value">1<', page)

        page = english_client.get(dashboard_url(school, "hours=72")).content.decode()
        assert old.reference not in page
        assert "No open request has been waiting for more than 3 days." in page

    @pytest.mark.parametrize(
        "case",
        [
            (
                "en",
                48,
                [
                    "Waiting for more than 2 days</a>",
                    '<h3 id="waiting-heading">Open for more than 2 days</h3>',
                    "The requests received more than 2 days ago and still open (new, in progress or waiting for the"
                    " client), as of now, whatever the period chosen above. The oldest first.",
                    "No open request has been waiting for more than 2 days.",
                ],
            ),
            (
                "en",
                36,
                [
                    "Waiting for more than 36 hours</a>",
                    '<h3 id="waiting-heading">Open for more than 36 hours</h3>',
                    "The requests received more than 36 hours ago and still open",
                    "No open request has been waiting for more than 36 hours.",
                ],
            ),
            (
                "en",
                24,
                ['<h3 id="waiting-heading">Open for more than 1 day</h3>', "received more than 1 day ago and"],
            ),
            (
                "en",
                1,
                ['<h3 id="waiting-heading">Open for more than 1 hour</h3>', "received more than 1 hour ago and"],
            ),
            (
                "fr",
                48,
                [
                    "En attente depuis plus de 2 jours</a>",
                    '<h3 id="waiting-heading">Ouvertes depuis plus de 2 jours</h3>',
                    "Les demandes reçues il y a plus de 2 jours et toujours ouvertes (nouvelles, en cours ou en attente"
                    " du client), à cet instant, quelle que soit la période choisie plus haut. Les plus anciennes"
                    " d’abord.",
                    "Aucune demande ouverte n’attend depuis plus de 2 jours.",
                ],
            ),
            (
                "fr",
                36,
                [
                    "En attente depuis plus de 36 heures</a>",
                    '<h3 id="waiting-heading">Ouvertes depuis plus de 36 heures</h3>',
                    "Les demandes reçues il y a plus de 36 heures et toujours ouvertes",
                    "Aucune demande ouverte n’attend depuis plus de 36 heures.",
                ],
            ),
        ],
    )
    def test_the_waiting_threshold_reads_as_a_secretary_says_it(self, english_manager, english_client, school, case):
        language, hours, texts = case
        english_manager.language = language
        english_manager.save(update_fields=["language"])
        page = english_client.get(dashboard_url(school, f"hours={hours}")).content.decode()
        page = re.sub(r"\s+", " ", html.unescape(page))
        for text in texts:
            assert text in page
        # The threshold form reads as a sentence: "Show the requests open for more than [48] hours [Apply]".
        label, unit = {
            "en": ("Show the requests open for more than", "hours"),
            "fr": ("Afficher les demandes ouvertes depuis plus de", "heures"),
        }[language]
        assert re.search(
            rf'<label for="id_waiting_hours">{label}</label> <input type="number" name="hours"'
            rf' id="id_waiting_hours" value="{hours}" [^>]*aria-describedby="waiting-hours-unit">'
            rf' <span id="waiting-hours-unit">{unit}</span>',
            page,
        )

    def test_a_bad_threshold_is_named_in_the_error(self, manager_client, school):
        response = manager_client.get(dashboard_url(school, "hours=0"))
        assert response.status_code == 400
        assert (
            "Seuil des demandes en attente (heures)\u00a0: Assurez-vous que cette valeur est supérieure ou égale à 1."
            in (html.unescape(response.content.decode()))
        )

    def test_the_quotes_to_follow_up_link_to_their_dossiers(self, manager_client, school, manager):
        waiting = quote_sent(dossier(school, timezone.now() - timedelta(days=8), first_name="Hélène"), manager)
        Quote.objects.filter(pk=waiting.pk).update(sent_at=timezone.now() - timedelta(days=5))
        page = manager_client.get(dashboard_url(school)).content.decode()

        assert "Devis à relancer" in page
        assert "Sans réponse depuis plus de 3 jours" in page
        dossier_link = f"/backoffice/{school.slug}/inquiries/{waiting.inquiry.reference}/#quotes-panel"
        assert f'<a class="card-link" href="{dossier_link}">{waiting.number}</a>' in page
        assert "Hélène Martin" in page
        assert "378,00" in page

    def test_no_quote_to_follow_up(self, english_client, school):
        page = english_client.get(dashboard_url(school)).content.decode()
        assert "No quote has been waiting for the client's answer for more than 3 days." in page


class TestCsv:
    def test_requests_per_day_and_subject(self, english_client, school, january):
        response = english_client.get(export_url(school, "requests-by-subject", JANUARY))

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="requests-by-subject-{school.slug}-2026-01-05-2026-01-18.csv"'
        )
        rows = read_csv(response)
        assert rows[0] == ["Day", "Request for information", "Total"]
        assert rows[1] == ["2026-01-05", "0", "0"]
        assert rows[4] == ["2026-01-08", "1", "1"]
        assert rows[-1] == ["Total", "3", "3"]
        assert len(rows) == 1 + 14 + 1

    def test_the_funnel_in_french_numbers(self, manager_client, school, january):
        rows = read_csv(manager_client.get(export_url(school, "funnel", JANUARY)))
        assert rows[1][2:] == ["3", "2", "66,7", "1", "33,3", "50,0"]
        assert [row[1] for row in rows if row[0] == rows[-1][0]] == ["Français", "Anglais"]

    def test_answer_times_in_hours_and_revenue_in_euros(self, english_client, school, january, manager):
        rows = read_csv(english_client.get(export_url(school, "answer-times-by-secretary", JANUARY)))
        assert rows == [
            ["Secretary", "Answered", "Median (hours)", "90th percentile (hours)"],
            [str(manager), "2", "3.00", "3.80"],
        ]
        rows = read_csv(english_client.get(export_url(school, "revenue-by-kind", JANUARY)))
        assert rows == [
            ["Kind of product", "Sales", "Revenue incl. VAT (EUR)"],
            ["Group lesson", "1", "378.00"],
            ["Total", "1", "378.00"],
        ]

    def test_the_waiting_list(self, english_client, school):
        old = dossier(school, timezone.now() - timedelta(hours=60), first_name="=HYPERLINK(1)")
        rows = read_csv(english_client.get(export_url(school, "waiting", "hours=48")))
        assert rows[0][0] == "Reference"
        assert rows[1][0] == old.reference
        assert rows[1][1].startswith("'=HYPERLINK")  # no formula for the spreadsheet
        assert rows[1][-1] == "60.0"

    def test_the_quotes_to_follow_up(self, english_client, school, manager):
        waiting = quote_sent(dossier(school, timezone.now() - timedelta(days=8), first_name="=HYPERLINK(1)"), manager)
        Quote.objects.filter(pk=waiting.pk).update(sent_at=timezone.now() - timedelta(days=5))
        response = english_client.get(export_url(school, "quotes-to-follow-up"))
        assert response["Content-Disposition"] == (
            f'attachment; filename="quotes-to-follow-up-{school.slug}-{timezone.localdate():%Y-%m-%d}.csv"'
        )
        rows = read_csv(response)
        assert rows[0] == ["Quote", "Client", "Sent", "Valid until", "Total including VAT", "Reminders"]
        assert rows[1][0] == waiting.number
        assert rows[1][1].startswith("'=HYPERLINK")  # no formula for the spreadsheet
        assert rows[1][3:] == [waiting.valid_until.isoformat(), "378.00", "0"]

    @pytest.mark.parametrize("chart", CHARTS)
    def test_every_chart_downloads(self, manager_client, school, january, chart):
        response = manager_client.get(export_url(school, chart, JANUARY))
        assert response.status_code == 200
        assert len(read_csv(response)) >= 2

    def test_a_bad_period_is_refused_with_the_reason(self, english_client, school):
        response = english_client.get(export_url(school, "funnel", "period=custom&start=2026-02-01&end=2026-01-01"))
        assert response.status_code == 400
        assert "The last day is before the first day." in response.content.decode()

    def test_an_unknown_chart_is_a_404(self, manager_client, school):
        assert manager_client.get(export_url(school, "salaries")).status_code == 404


class TestTenancy:
    def test_another_schools_dashboard_and_files_are_404(self, manager_client, other_school, other_manager):
        dossier(other_school, IN_JANUARY)
        assert manager_client.get(dashboard_url(other_school)).status_code == 404
        for chart in [*CHARTS, "waiting", "quotes-to-follow-up"]:
            response = manager_client.get(export_url(other_school, chart, JANUARY))
            assert response.status_code == 404
            assert other_school.name not in response.content.decode()

    def test_a_school_sees_only_its_own_figures(self, english_client, school, other_school, other_manager):
        dossier(school, IN_JANUARY)
        answer(dossier(other_school, IN_JANUARY), other_manager, timedelta(hours=1))
        rows = read_csv(english_client.get(export_url(school, "funnel", JANUARY)))
        assert rows[1][2] == "1"
        rows = read_csv(english_client.get(export_url(school, "answer-times-by-secretary", JANUARY)))
        assert rows == [["Secretary", "Answered", "Median (hours)", "90th percentile (hours)"]]

    def test_anonymous_visitors_are_sent_to_log_in(self, school):
        response = Client().get(dashboard_url(school))
        assert response.status_code == 302
        assert response["Location"].startswith("/backoffice/login/")


def test_the_number_of_queries_does_not_grow_with_the_dossiers(manager_client, school, manager):
    def season_of_dossiers(count: int) -> None:
        choices = SchoolChoices(
            subjects=list(subjects_live(school=school)), categories=list(categories_live(school=school)), staff=[]
        )
        season = period_this_season(today_in_paris(timezone.now()))
        rows = generate_inquiries(school, choices, count=count, start=season.start, end=timezone.now(), seed=count)
        inquiries_bulk_create(school, list(rows), with_events=False)
        commercial_history_bulk_create(school, staff=[manager], seed=count)

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(dashboard_url(school)).status_code == 200
        return len(captured)

    manager_client.get(dashboard_url(school))  # the first visit also notes the school in the session
    season_of_dossiers(60)
    few = queries()
    season_of_dossiers(1200)
    many = queries()
    assert many == few, (few, many)
    # The session, the user and her schools; ten for the figures, three for the waiting
    # list; on PostgreSQL, the transaction that turns its JIT off.
    assert few <= 19


def test_the_figures_are_cached_for_a_minute(manager_client, school):
    dossier(school, IN_JANUARY)
    first = manager_client.get(dashboard_url(school, JANUARY)).content.decode()
    dossier(school, IN_JANUARY)
    with CaptureQueriesContext(connection) as captured:
        again = manager_client.get(dashboard_url(school, JANUARY)).content.decode()
    assert re.search(r'key-figure-value">1<', first)
    assert re.search(r'key-figure-value">1<', again)  # not yet the second one
    assert len(captured) <= 5  # the session, the user, the memberships: no figure recomputed
