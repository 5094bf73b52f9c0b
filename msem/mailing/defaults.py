"""The texts a new school starts with, in both languages.

They are data, not interface strings: a school sees and edits both languages
side by side, so they are written out here rather than passed through gettext.
The French follows the catalog's typography (README, Translations): a no-break
space before « : ; ! ? », so that a colon never starts a line of the e-mail, and
the typographic apostrophe (\u2019).
"""

from __future__ import annotations

from msem.mailing.models import MailKind

DEFAULT_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    # kind -> language -> (subject line, body)
    MailKind.ACKNOWLEDGEMENT: {
        "fr": (
            "Nous avons bien reçu votre demande {reference}",
            "Bonjour {client_name},\n\n"
            "Merci d\u2019avoir contacté {school_name}. Nous avons bien reçu votre demande, "
            "enregistrée sous la référence {reference}.\n\n"
            "Un membre de notre équipe vous répondra dans les meilleurs délais, en général "
            "sous 48 heures. En haute saison (vacances de Noël et de février), ce délai peut "
            "être un peu plus long\u00a0: merci de votre patience.\n\n"
            "Pour compléter votre demande, répondez simplement à cet e-mail en rappelant la "
            "référence {reference}.",
        ),
        "en": (
            "We have received your request {reference}",
            "Hello {client_name},\n\n"
            "Thank you for contacting {school_name}. We have received your request, "
            "recorded under the reference {reference}.\n\n"
            "A member of our team will answer you as soon as possible, usually within "
            "48 hours. In the high season (Christmas and February holidays) it may take a "
            "little longer: thank you for your patience.\n\n"
            "To add to your request, simply reply to this e-mail quoting the reference "
            "{reference}.",
        ),
    },
    MailKind.SIGNATURE: {
        # "L'équipe de ESF…" would need an elision before a vowel: the name stands on its own.
        "fr": ("", "À très bientôt sur les pistes,\nL\u2019équipe {school_name}"),
        "en": ("", "See you soon on the slopes,\nThe {school_name} team"),
    },
    MailKind.QUOTE: {
        "fr": (
            "Votre devis {quote_number} — {school_name}",
            "Bonjour {client_name},\n\n"
            "Suite à votre demande {reference}, nous avons le plaisir de vous adresser "
            "notre devis {quote_number}, d\u2019un montant de {amount}.\n\n"
            "Vous pouvez le consulter et l\u2019accepter en ligne\u00a0: {quote_link}\n\n"
            "Ce devis est valable jusqu\u2019au {valid_until}. Les places dans nos cours étant "
            "limitées pendant les vacances scolaires, nous vous conseillons de ne pas trop "
            "attendre.",
        ),
        "en": (
            "Your quote {quote_number} — {school_name}",
            "Hello {client_name},\n\n"
            "Following your request {reference}, please find our quote {quote_number}, "
            "for a total of {amount}.\n\n"
            "You can view and accept it online: {quote_link}\n\n"
            "This quote is valid until {valid_until}. Places in our lessons are limited "
            "during the school holidays, so we advise you not to wait too long.",
        ),
    },
    MailKind.PAYMENT_REQUEST: {
        "fr": (
            "Demande de paiement pour votre devis {quote_number} — {school_name}",
            "Bonjour {client_name},\n\n"
            "Pour confirmer votre réservation ({reference}), merci de régler la somme de "
            "{amount} en suivant ce lien de paiement sécurisé\u00a0:\n{payment_link}\n\n"
            "Ce lien est valable jusqu\u2019au {expires_on}. Votre réservation sera confirmée "
            "dès réception du paiement.",
        ),
        "en": (
            "Payment request for your quote {quote_number} — {school_name}",
            "Hello {client_name},\n\n"
            "To confirm your booking ({reference}), please pay {amount} using this secure "
            "payment link:\n{payment_link}\n\n"
            "This link is valid until {expires_on}. Your booking will be confirmed as soon "
            "as we receive your payment.",
        ),
    },
}

# How the default legal footer says to exercise one's rights: true in an e-mail, meaningless in
# the quote's PDF, which says where to write instead (msem.quotes.pdf).
EMAIL_ONLY_FOOTER_WORDS: dict[str, str] = {
    "fr": "en répondant à cet e-mail",
    "en": "by replying to this e-mail",
}

DEFAULT_LEGAL_FOOTERS: dict[str, str] = {
    "fr": (
        "{school_name} — Les informations recueillies dans le cadre de votre demande sont "
        "utilisées uniquement pour y répondre et pour la gestion de votre réservation. "
        "Conformément au RGPD, vous pouvez exercer vos droits d\u2019accès, de rectification et "
        f"d\u2019effacement {EMAIL_ONLY_FOOTER_WORDS['fr']}."
    ),
    "en": (
        "{school_name} — The information collected with your request is used only to "
        "answer it and to manage your booking. Under the GDPR you may access, correct or "
        f"erase your data {EMAIL_ONLY_FOOTER_WORDS['en']}."
    ),
}
