"""What clients write on the contact form, by request subject: the message, how many they are, what they want.

A generated dossier draws its message from the pool of its subject, so that
a request for private lessons talks about private lessons; takes the number
of participants the message states (or, when it states none, a number that
suits the subject); and, if it is quoted, gets the products the message asks
for. The product codes are those of the demo school's public price list
(msem/demo/price_lists/tarif-public.csv); other price lists fall back on the
products of the kind the request is about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from msem.catalog.models import Product
from msem.inquiries.models import Subject


class Topic(StrEnum):
    """What a request subject is about, as the demo school's four subjects are."""

    INFORMATION = "information"
    COLLECTIVE = "collective"
    PRIVATE = "private"
    GROUPS = "groups"


@dataclass(frozen=True)
class ProductAsked:
    """A product a message asks for: for how many of the participants (None: all), how many times."""

    code: str
    participants: int | None = None
    quantity: int = 1


@dataclass(frozen=True)
class ClientMessage:
    text: str
    # The numbers of participants the dossier may have: one when the message states it.
    participants: tuple[int | None, ...]
    products: tuple[ProductAsked, ...]
    # The product kind a quote falls back on when a price list has none of the products asked.
    kind: str
    # "We don't know where we will stay yet": the dossier goes to the category for that, if the school has one.
    lodging_unknown: bool = False


def _message(
    text: str,
    participants: int | tuple[int | None, ...],
    kind: str,
    *products: ProductAsked,
    lodging_unknown: bool = False,
) -> ClientMessage:
    stated = (participants,) if isinstance(participants, int) else participants
    return ClientMessage(text, stated, products, kind, lodging_unknown)


P = ProductAsked
COLLECTIVE, PRIVATE, GROUP = Product.Kind.COLLECTIVE, Product.Kind.PRIVATE, Product.Kind.GROUP
# A few people, or the client left the field empty.
UNSTATED = (None, 1, 2, 2, 3, 4)

MESSAGES: dict[Topic, dict[str, tuple[ClientMessage, ...]]] = {
    Topic.INFORMATION: {
        "fr": (
            _message(
                "Bonjour, notre fille de 4 ans peut-elle rejoindre le Club Piou-Piou toute la semaine ? Nous ne "
                "savons pas encore où nous logerons.",
                1, COLLECTIVE, P("CC-PIOUPIOU"), lodging_unknown=True,
            ),
            _message(
                "Bonjour, quels sont vos tarifs pour des cours de snowboard débutant, 6 après-midis, pour un ado "
                "de 14 ans ?",
                1, COLLECTIVE, P("SB-6AM"),
            ),
            _message(
                "Est-il possible de passer la 3e Étoile en fin de semaine ? Mon fils a fait la 2e Étoile l’an dernier.",
                1, COLLECTIVE, P("CC-ETOILES"),
            ),
            _message(
                "Bonjour, nous venons avec nos trois enfants de 5, 8 et 11 ans. Les deux plus jeunes n’ont jamais "
                "skié, l’aînée a sa 2e Étoile. Pouvez-vous nous indiquer vos tarifs et les horaires des cours ? "
                "Nous ne savons pas encore dans quelle station nous logerons.",
                3, COLLECTIVE, P("CC-OURSON", 2), P("CC-ETOILES", 1), lodging_unknown=True,
            ),
            _message(
                "Bonjour, faut-il réserver les cours longtemps à l’avance ? Nous serions deux adultes débutants, "
                "plutôt le matin.",
                2, COLLECTIVE, P("CA-DEBUTANT"),
            ),
        ),
        "en": (
            _message(
                "Hello, my daughter is 5 and has never skied. Is the kindergarten club suitable, and is there still "
                "space on our dates? We don't know our accommodation yet.",
                1, COLLECTIVE, P("CC-PIOUPIOU"), lodging_unknown=True,
            ),
            _message(
                "Do you offer off-piste days with an English-speaking instructor? We are good skiers.",
                UNSTATED, PRIVATE, P("CP-JOURNEE"),
            ),
            _message(
                "Hi, at what age can children start lessons? Our son is three and a half and has never been on skis.",
                1, COLLECTIVE, P("CC-PIOUPIOU"),
            ),
            _message(
                "Hello, do your instructors speak English? We are two adults who skied a few times years ago and "
                "would like lessons to get back into it.",
                2, COLLECTIVE, P("CA-DEBUTANT"),
            ),
        ),
    },
    Topic.COLLECTIVE: {
        "fr": (
            _message(
                "Bonjour, nous cherchons des cours collectifs pour nos deux enfants (6 et 9 ans). Le plus jeune n’a "
                "jamais skié, l’aîné a son Flocon. Quels créneaux le matin ?",
                2, COLLECTIVE, P("CC-OURSON", 1), P("CC-ETOILES", 1),
            ),
            _message(
                "Bonjour, je voudrais inscrire ma fille de 10 ans en Étoile de bronze l’après-midi. Elle a sa "
                "3e Étoile depuis l’an dernier.",
                1, COLLECTIVE, P("CC-BRONZE-OR"),
            ),
            _message(
                "Bonjour, mon mari et moi skions sur les pistes bleues et voudrions passer aux rouges. Avez-vous "
                "des cours collectifs adultes l’après-midi ?",
                2, COLLECTIVE, P("CA-PROGRESSION"),
            ),
            _message(
                "Bonjour, nos jumeaux de 7 ans ont eu leur Ourson l’an dernier. Peuvent-ils être dans le même "
                "groupe de Flocon ?",
                2, COLLECTIVE, P("CC-FLOCON"),
            ),
            _message(
                "Bonjour, je n’ai jamais skié et je viens avec des amis qui skient déjà. Y a-t-il un cours "
                "collectif pour adultes débutants le matin ?",
                1, COLLECTIVE, P("CA-DEBUTANT"),
            ),
        ),
        "en": (
            _message(
                "Hello, we would like group lessons for our two children (7 and 10). Both can ski a little. Do you "
                "have morning sessions?",
                2, COLLECTIVE, P("CC-FLOCON"),
            ),
            _message(
                "Hi, our son is 12 and wants to learn snowboarding. Are there group lessons in the afternoon?",
                1, COLLECTIVE, P("SB-6AM"),
            ),
            _message(
                "Hello, my wife and I are complete beginners. Could we join the adults' group lessons in the "
                "mornings for the whole week?",
                2, COLLECTIVE, P("CA-DEBUTANT"),
            ),
            _message(
                "Hello, we are a family of four: two children (6 and 8) who have never skied, and two adults who "
                "ski red runs. Which group lessons would you recommend?",
                4, COLLECTIVE, P("CC-OURSON", 2), P("CA-PROGRESSION", 2),
            ),
        ),
    },
    Topic.PRIVATE: {
        "fr": (
            _message(
                "Bonjour, je souhaiterais réserver 2 heures de cours particulier pour moi et mon mari, niveau "
                "intermédiaire, le premier jour de notre séjour en fin de matinée si possible.",
                2, PRIVATE, P("CP-2H"),
            ),
            _message(
                "Bonjour, je voudrais une journée de hors-piste avec un moniteur pour 3 adultes bons skieurs.",
                3, PRIVATE, P("CP-JOURNEE"),
            ),
            _message(
                "Bonjour, notre fils de 6 ans est très timide : pourrait-il avoir une heure de cours particulier "
                "chaque matin pendant 5 jours, à 8 h 45 si possible ?",
                1, PRIVATE, P("CP-HEURE-CREUSE", quantity=5),
            ),
            _message(
                "Bonjour, je reprends le ski après une blessure au genou. Un moniteur pourrait-il m’accompagner "
                "une heure pour reprendre confiance ?",
                1, PRIVATE, P("CP-1H"),
            ),
            _message(
                "Bonjour, nous aimerions un moniteur pour toute la famille (2 adultes, 2 ados) pendant une journée, "
                "pour découvrir le domaine.",
                4, PRIVATE, P("CP-JOURNEE"),
            ),
        ),
        "en": (
            _message(
                "Hi, could we book a private instructor for our two children (9 and 11), intermediate level, two "
                "hours on three mornings?",
                2, PRIVATE, P("CP-2H", quantity=3),
            ),
            _message(
                "Hi, I'd like two hours of private snowboard lessons for my partner and me on our first day.",
                2, PRIVATE, P("CP-2H"),
            ),
            _message(
                "Hello, is there a cheaper time for private lessons? I'd like an hour at lunchtime on four days, "
                "just for me.",
                1, PRIVATE, P("CP-HEURE-CREUSE", quantity=4),
            ),
            _message(
                "Hello, the three of us are good skiers and would love a private day with an instructor to discover "
                "the whole ski area.",
                3, PRIVATE, P("CP-JOURNEE"),
            ),
        ),
    },
    Topic.GROUPS: {
        "fr": (
            _message(
                "Bonjour, nous sommes une classe de 24 élèves de CM2 en classe de neige (les 4 accompagnateurs ne "
                "prennent pas de cours). Pouvez-vous nous faire un devis pour 5 demi-journées ?",
                24, GROUP, P("GR-SCOLAIRE"),
            ),
            _message(
                "Mon comité d’entreprise organise un week-end pour 40 personnes, tous niveaux. Proposez-vous des "
                "tarifs groupe ?",
                40, GROUP, P("GR-MONITEUR-DJ", quantity=8),
            ),
            _message(
                "Bonjour, notre ski-club vient à 16 adultes. Pourriez-vous nous proposer deux moniteurs pour "
                "5 après-midis ?",
                16, GROUP, P("GR-MONITEUR-DJ", quantity=10),
            ),
            _message(
                "Bonjour, je suis professeur d’EPS : nous venons avec 30 élèves de 5e, presque tous débutants. "
                "Quel serait le tarif pour 5 demi-journées de cours ?",
                30, GROUP, P("GR-SCOLAIRE"),
            ),
        ),
        "en": (
            _message(
                "We are a ski club from Edinburgh, 16 adults. Could you quote for 5 afternoons of coaching with two "
                "instructors?",
                16, GROUP, P("GR-MONITEUR-DJ", quantity=10),
            ),
            _message(
                "Hello, I am organising a school trip for 36 pupils aged 12 to 14. Could you quote for lessons on "
                "five mornings?",
                36, GROUP, P("GR-SCOLAIRE"),
            ),
            _message(
                "Hi, our company is taking 20 colleagues skiing for a weekend, mixed levels. Do you have group "
                "rates for two instructors on both mornings?",
                20, GROUP, P("GR-MONITEUR-DJ", quantity=4),
            ),
        ),
    },
}  # fmt: skip

# Words of a subject's label that say what it is about, most telling first ("Group lessons" are collective).
TOPIC_WORDS = (
    (Topic.PRIVATE, ("particulier", "private", "privé")),
    (Topic.COLLECTIVE, ("collectif", "group lesson")),
    (Topic.GROUPS, ("groupe", "group", "club", "scolaire", "school")),
)
_BY_TEXT = {message.text: message for languages in MESSAGES.values() for pool in languages.values() for message in pool}


def topic_of(subject: Subject) -> Topic:
    """What a subject is about, from its labels; any other subject (the first, "Demande d’informations") informs."""
    labels = f"{subject.label_fr} {subject.label_en}".lower()
    for topic, words in TOPIC_WORDS:
        if any(word in labels for word in words):
            return topic
    return Topic.INFORMATION


def messages_for(subject: Subject, language: str) -> Sequence[ClientMessage]:
    return MESSAGES[topic_of(subject)]["en" if language == "en" else "fr"]


def message_written(text: str) -> ClientMessage | None:
    """The pool's message with this text (None for a text typed by someone else)."""
    return _BY_TEXT.get(text)


def flat_texts(language: str) -> list[str]:
    """Every message of a language, whatever its subject."""
    return [message.text for languages in MESSAGES.values() for message in languages[language]]
