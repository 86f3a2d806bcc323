"""About 30 realistic published knowledge articles for the demo (and the search-ranking tests).

`seed()` is idempotent: articles are matched on title. Topics come from the catalogue (import_upl).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from teams.models import Team, Topic

from .models import KnowledgeArticle
from .services import article_save

# (topic slug, title, keywords, public answer, internal notes, links)
ARTICLES = [
    (
        "terrasvergunning",
        "Terras bij uw café of restaurant",
        "terras, terrasvergunning, stoelen buiten, tafels op de stoep, horeca buiten zitten, café",
        "Wilt u een terras bij uw café, restaurant of lunchroom? Daarvoor heeft u een terrasvergunning nodig. "
        "U vraagt die aan met het formulier terrasvergunning. Wij kijken of er genoeg ruimte overblijft voor "
        "voetgangers (minimaal 1,5 meter) en hulpdiensten. U krijgt binnen 8 weken een besluit. Voor het "
        "terras betaalt u ook precariobelasting.",
        "Team Vergunningen, direct 14 0123 toestel 201. Let op: in het centrum geldt het terrasbeleid met vaste "
        "terraszones. Seizoensterras (1 april – 1 oktober) gaat via een melding.",
        "Terrasbeleid | https://www.example.nl/terrasbeleid",
    ),
    (
        "evenementenvergunning",
        "Evenement organiseren: evenementenvergunning",
        "evenement, festival, braderie, straatfeest, markt organiseren, vergunning evenement, buurtfeest",
        "Organiseert u een evenement, zoals een festival, braderie of straatfeest? Voor kleine evenementen "
        "is een melding genoeg. Voor grotere evenementen heeft u een evenementenvergunning nodig. Vraag die "
        "minimaal 8 weken vooraf aan, voor grote evenementen 12 weken.",
        "Evenementencoördinator bij Vergunningen, toestel 215. Meer dan 500 bezoekers: altijd vooroverleg.",
        "",
    ),
    (
        "tapontheffing",
        "Alcohol schenken op een evenement",
        "alcohol schenken, bier tappen, ontheffing, tapontheffing, drank op evenement",
        "Wilt u tijdens een evenement alcohol schenken? Dan heeft u een ontheffing nodig (artikel 35 "
        "Alcoholwet). Er moet altijd iemand met een Verklaring Sociale Hygiëne aanwezig zijn.",
        "Aanvraag gaat mee met de evenementenvergunning als dat kan.",
        "",
    ),
    (
        "alcoholwetvergunning",
        "Alcoholwetvergunning (drank- en horecavergunning)",
        "drankvergunning, horecavergunning, alcohol verkopen, slijterij, alcoholwet",
        "Verkoopt u alcohol in uw horecazaak of slijterij? Dan heeft u een alcoholwetvergunning nodig. "
        "De leidinggevenden moeten een Verklaring Sociale Hygiëne hebben en op de vergunning staan.",
        "Bibob-toets kan de termijn verlengen. Doorlooptijd nu ongeveer 8 weken.",
        "",
    ),
    (
        "exploitatievergunning-horeca",
        "Exploitatievergunning voor een horecazaak",
        "horeca starten, restaurant openen, café beginnen, exploitatievergunning, lunchroom",
        "Begint u een café, restaurant of andere horecazaak? Dan heeft u meestal een exploitatievergunning "
        "nodig. Wij toetsen onder meer het woon- en leefklimaat en doen een Bibob-onderzoek.",
        "",
        "",
    ),
    (
        "openingstijden",
        "Openingstijden van uw winkel of horecazaak",
        "openingstijden, sluitingstijd, zondag open, koopzondag, nachtvergunning, later open",
        "Winkels mogen open van 6.00 tot 22.00 uur. Op zondag gelden de regels van de winkeltijdenverordening. "
        "Wilt u uw horecazaak later sluiten dan de standaardtijd? Vraag dan een ontheffing aan.",
        "",
        "",
    ),
    (
        "objectvergunning-openbare-weg",
        "Reclamebord, container of steiger op de stoep",
        "reclamebord, stoepbord, container, steiger, bouwkeet, spullen op straat, openbare weg",
        "Zet u iets op de openbare weg, zoals een stoepbord, container of steiger? Daarvoor heeft u meestal "
        "een objectvergunning nodig. Eén stoepbord direct voor uw winkel mag zonder vergunning.",
        "",
        "",
    ),
    (
        "omgevingsvergunning-bouwen",
        "Verbouwen van uw bedrijfspand",
        "verbouwen, bouwen, uitbouw, dakkapel, omgevingsvergunning, pand aanpassen, bouwvergunning",
        "Gaat u uw bedrijfspand bouwen of verbouwen? Check in het Omgevingsloket of u een "
        "omgevingsvergunning nodig heeft. De aanvraag doet u ook daar.",
        "Team Omgeving houdt elke dinsdag een inloopspreekuur voor vooroverleg.",
        "Omgevingsloket | https://omgevingswet.overheid.nl",
    ),
    (
        "functie-pand-wijzigen",
        "Ander gebruik van een pand (bijvoorbeeld winkel wordt horeca)",
        "bestemming wijzigen, pand ombouwen, winkel naar horeca, kantoor naar woning, gebruik veranderen",
        "Wilt u een pand anders gebruiken dan het omgevingsplan toestaat, bijvoorbeeld een winkel als "
        "lunchroom? Dan heeft u een omgevingsvergunning voor het afwijken van het omgevingsplan nodig.",
        "",
        "",
    ),
    (
        "bedrijf-aan-huis",
        "Bedrijf aan huis beginnen",
        "thuis werken, bedrijf aan huis, kapsalon aan huis, praktijk aan huis, zzp thuis",
        "U mag een bedrijf of beroep aan huis uitoefenen als het grootste deel van de woning woning blijft en "
        "er geen overlast is. Voor sommige bedrijven, zoals een kapsalon met klanten, gelden extra regels.",
        "",
        "",
    ),
    (
        "reclame-aan-pand",
        "Reclame of uithangbord aan de gevel",
        "gevelreclame, uithangbord, lichtreclame, reclame aan pand, naambord",
        "Voor reclame aan uw gevel heeft u soms een omgevingsvergunning nodig. Kleine naamborden naast de "
        "deur zijn meestal vergunningvrij. Let op: voor reclame betaalt u mogelijk reclamebelasting.",
        "",
        "",
    ),
    (
        "precario",
        "Precariobelasting voor terras of uitstalling",
        "precario, belasting terras, uitstalling, belasting openbare grond",
        "Gebruikt u openbare grond voor uw bedrijf, bijvoorbeeld voor een terras of uitstalling? Dan betaalt "
        "u precariobelasting. U krijgt hiervoor elk jaar een aanslag.",
        "Belastingen, toestel 301. Vragen over de hoogte van de aanslag: bezwaar binnen 6 weken.",
        "",
    ),
    (
        "woz",
        "WOZ-waarde van uw bedrijfspand",
        "woz, woz-waarde, taxatie, waarde pand, te hoog",
        "Elk jaar stelt de gemeente de WOZ-waarde van uw pand vast. Vindt u de waarde te hoog? Vraag dan eerst "
        "het taxatieverslag op. Bent u het daarna nog niet eens, dan kunt u bezwaar maken.",
        "",
        "",
    ),
    (
        "bezwaar-aanslag",
        "Bezwaar maken tegen een belastingaanslag",
        "bezwaar, aanslag, belastingaanslag klopt niet, te hoge aanslag",
        "Klopt uw aanslag gemeentelijke belastingen niet? Maak dan binnen 6 weken na de datum op de aanslag "
        "bezwaar. Dat kan online met eHerkenning.",
        "",
        "",
    ),
    (
        "ozb",
        "Onroerendezaakbelasting (OZB) voor bedrijven",
        "ozb, onroerendezaakbelasting, belasting pand, eigenaar gebruiker",
        "Als eigenaar van een bedrijfspand betaalt u OZB. Gebruikt u een niet-woning, dan betaalt u ook het "
        "gebruikersdeel. De hoogte hangt af van de WOZ-waarde.",
        "",
        "",
    ),
    (
        "betalen-belastingen",
        "Gemeentelijke belastingen betalen in termijnen",
        "betalen, termijnen, automatische incasso, betalingsregeling, aanslag betalen",
        "U kunt uw aanslag in één keer betalen of in termijnen met automatische incasso. Lukt betalen niet? "
        "Neem contact op voor een betalingsregeling.",
        "",
        "",
    ),
    (
        "bedrijfsafval",
        "Bedrijfsafval: wat moet ik regelen?",
        "afval, bedrijfsafval, vuilnis, afval ophalen, containers bedrijf",
        "Bedrijven regelen zelf de inzameling van hun afval met een erkende inzamelaar. U mag bedrijfsafval "
        "niet bij het huisvuil zetten. Kleine ondernemers in het centrum kunnen een reinigingsrecht-contract "
        "met de gemeente sluiten.",
        "",
        "",
    ),
    (
        "bedrijfsparkeervergunning",
        "Parkeervergunning voor uw bedrijf",
        "parkeren, parkeervergunning, bedrijfsvergunning, bus parkeren, bedrijfsauto",
        "In gebieden met betaald parkeren kunt u een bedrijfsparkeervergunning aanvragen voor bedrijfsauto's. "
        "Het aantal vergunningen per bedrijf is beperkt.",
        "",
        "",
    ),
    (
        "laden-lossen-venstertijden",
        "Laden en lossen in het centrum",
        "laden, lossen, bevoorrading, venstertijden, voetgangersgebied, leveren",
        "In het voetgangersgebied mag u laden en lossen binnen de venstertijden (7.00 – 11.00 uur). Daarbuiten "
        "heeft u een ontheffing nodig.",
        "",
        "",
    ),
    (
        "weekmarkt-standplaats",
        "Standplaats op de weekmarkt",
        "markt, weekmarkt, marktkraam, standplaats markt, marktplaats",
        "Wilt u op de weekmarkt staan? Meld u aan bij de marktmeester. Vaste plaatsen gaan op volgorde van de "
        "wachtlijst; dagplaatsen worden op de marktdag zelf verdeeld.",
        "Marktmeester bereikbaar op marktdagen via 06 12345678.",
        "",
    ),
    (
        "standplaatsvergunning",
        "Standplaats buiten de markt (foodtruck, kraam)",
        "foodtruck, standplaats, kraam, verkoopwagen, viskraam",
        "Wilt u met een foodtruck of kraam op een vaste plek staan, buiten de markt? Vraag dan een "
        "standplaatsvergunning aan. Er is een beperkt aantal plekken.",
        "",
        "",
    ),
    (
        "energiebesparingsplicht",
        "Energiebesparingsplicht en informatieplicht",
        "energie besparen, informatieplicht, energiebesparingsplicht, erkende maatregelen, energieverbruik",
        "Verbruikt uw bedrijf veel energie (vanaf 50.000 kWh of 25.000 m³ gas per jaar)? Dan moet u alle "
        "maatregelen nemen die zich binnen 5 jaar terugverdienen, en dit elke 4 jaar rapporteren.",
        "",
        "eLoket RVO | https://www.rvo.nl",
    ),
    (
        "zonnepanelen",
        "Zonnepanelen op uw bedrijfsdak",
        "zonnepanelen, zonne-energie, pv, dak, duurzame energie",
        "Zonnepanelen op een plat dak zijn meestal vergunningvrij. Op een monument of in beschermd stadsgezicht "
        "heeft u wel een vergunning nodig.",
        "",
        "",
    ),
    (
        "duurzaamheidssubsidies",
        "Subsidie voor verduurzamen van uw bedrijf",
        "subsidie duurzaam, isoleren, verduurzamen, energielening, duurzaamheidslening",
        "Voor het verduurzamen van uw bedrijfspand zijn landelijke en gemeentelijke regelingen. Onze "
        "energiecoach helpt u kosteloos met een quickscan.",
        "",
        "",
    ),
    (
        "bbz",
        "Financiële hulp voor zelfstandigen (Bbz)",
        "bbz, geldproblemen, inkomen zelfstandige, bijstand ondernemer, lening zelfstandige",
        "Komt u als zelfstandige tijdelijk niet rond? Met het Besluit bijstandverlening zelfstandigen (Bbz) "
        "kunt u aanvullend inkomen of een bedrijfskrediet krijgen.",
        "Team Zelfstandigen, toestel 401. Eerst een intakegesprek.",
        "",
    ),
    (
        "financiele-problemen",
        "Ondernemer in financiële problemen",
        "schulden, failliet, geldzorgen, betalingsproblemen, ondernemer schulden",
        "Heeft u als ondernemer schulden of betalingsproblemen? Hoe eerder u hulp vraagt, hoe meer er "
        "mogelijk is. Wij helpen u gratis en vertrouwelijk.",
        "",
        "",
    ),
    (
        "loonkostensubsidie",
        "Loonkostensubsidie bij personeel met een arbeidsbeperking",
        "personeel, arbeidsbeperking, loonkostensubsidie, werknemer aannemen, subsidie loon",
        "Neemt u iemand aan met een arbeidsbeperking? Dan kunt u loonkostensubsidie krijgen. Het "
        "Werkgeversservicepunt helpt u met de aanvraag.",
        "",
        "",
    ),
    (
        "werkgeversservicepunt",
        "Personeel vinden via het Werkgeversservicepunt",
        "personeel zoeken, vacature, medewerkers vinden, werving, werkgeversservicepunt",
        "Zoekt u personeel? Het Werkgeversservicepunt zoekt gratis met u mee en kent kandidaten uit de regio.",
        "",
        "",
    ),
    (
        "starters",
        "Een eigen bedrijf starten",
        "starten, beginnen, eigen bedrijf, starter, ondernemer worden, zzp",
        "Start u een bedrijf? Schrijf u in bij de KVK en kijk welke vergunningen u nodig heeft. Team "
        "economie denkt gratis met u mee in een startersgesprek.",
        "",
        "KVK | https://www.kvk.nl/starten/",
    ),
    (
        "bedrijfsruimte-zoeken",
        "Bedrijfsruimte of winkelpand zoeken",
        "bedrijfsruimte, winkelpand, kantoorruimte, pand huren, locatie zoeken",
        "Zoekt u een bedrijfsruimte of winkelpand? Team economie kent het aanbod en brengt u in contact met "
        "eigenaren en makelaars.",
        "",
        "",
    ),
    (
        "btw",
        "Btw-vragen",
        "btw, omzetbelasting, btw-aangifte, btw-nummer",
        "Vragen over btw beantwoordt de Belastingdienst, niet de gemeente. Bel de BelastingTelefoon voor "
        "ondernemers.",
        "",
        "Belastingdienst | https://www.belastingdienst.nl",
    ),
]


def owner_team_for(topic: Topic) -> Team:
    if topic.team.kind == Team.Kind.EXTERNAL:
        return Team.objects.filter(kind=Team.Kind.OWNER).order_by("pk").first() or topic.team
    return topic.team


@transaction.atomic
def seed(actor=None) -> int:
    """Create the demo articles that do not exist yet; returns how many were created."""
    topics = {
        t.slug: t for t in Topic.objects.filter(slug__in=[a[0] for a in ARTICLES]).select_related("team")
    }
    existing = set(KnowledgeArticle.objects.values_list("title", flat=True))
    created = 0
    for index, (slug, title, keywords, answer, notes, links) in enumerate(ARTICLES):
        topic = topics.get(slug)
        if topic is None or title in existing:
            continue
        # A few articles are overdue for review, so "te herzien" shows in the demo.
        reviewed = timezone.localdate() - timedelta(days=400 if index % 9 == 4 else 30 + index)
        article_save(
            actor=actor,
            topic=topic,
            title=title,
            keywords=keywords,
            public_answer=answer,
            internal_notes=notes,
            links=links,
            owner_team=owner_team_for(topic),
            status=KnowledgeArticle.Status.PUBLISHED,
            last_reviewed=reviewed,
        )
        created += 1
    return created
