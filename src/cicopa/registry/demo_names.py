"""Names of demo co-operatives (no Django import): an activity in the country's language and a real town.

Each activity is named the way co-operatives of that language name themselves ("Boulangerie coopérative",
"Baugenossenschaft", "Pekárske družstvo"), and each language has its way of adding the town ("… de Lyon",
"… Leipzig eG", "… i Malmö", "Debreceni …"). The English word of the activity goes into the description, so
that a search in English finds a bakery anywhere.
"""

# ruff: noqa: RUF001  (Turkish is written with a dotless i, U+0131)
from __future__ import annotations

from typing import NamedTuple

LANGUAGES = ("en", "fr", "es", "it", "pt", "de", "nl", "pl", "sk", "cs", "sv", "fi", "hu", "ro", "tr", "id")


class Activity(NamedTuple):
    sector: str
    word: str  # in English, for the description
    names: dict[str, str]  # language -> how a co-operative doing it is called


def _a(sector: str, word: str, *names: str) -> Activity:
    return Activity(sector, word, dict(zip(LANGUAGES, names, strict=True)))


# fmt: off
ACTIVITIES = (
    _a("construction", "building",
       "Builders' Co-operative", "Scop du Bâtiment", "Cooperativa de la Construcción", "Cooperativa Edile",
       "Cooperativa de Construção", "Baugenossenschaft", "Bouwcoöperatie", "Spółdzielnia Budowlana",
       "Stavebné družstvo", "Stavební družstvo", "Byggkooperativet", "Rakennusosuuskunta",
       "Építőipari Szövetkezet", "Cooperativa de Construcții", "İnşaat Kooperatifi", "Koperasi Konstruksi"),
    _a("construction", "joinery",
       "Joinery Co-operative", "Menuiserie coopérative", "Carpintería Cooperativa", "Falegnameria Cooperativa",
       "Cooperativa de Carpintaria", "Tischlerei-Genossenschaft", "Timmerwerkplaats Coöperatie",
       "Spółdzielnia Stolarska", "Stolárske družstvo", "Truhlářské družstvo", "Snickerikooperativet",
       "Puusepänosuuskunta", "Asztalosipari Szövetkezet", "Cooperativa de Tâmplărie", "Marangozlar Kooperatifi",
       "Koperasi Pertukangan Kayu"),
    _a("construction", "roofing",
       "Roofing Co-operative", "Scop de Couverture", "Cooperativa de Tejados", "Cooperativa Coperture",
       "Cooperativa de Telhados", "Dachdecker-Genossenschaft", "Dakdekkerscoöperatie", "Spółdzielnia Dekarska",
       "Pokrývačské družstvo", "Pokrývačské družstvo", "Takläggarkooperativet", "Kattotyöosuuskunta",
       "Tetőfedő Szövetkezet", "Cooperativa de Acoperișuri", "Çatı Ustaları Kooperatifi", "Koperasi Atap"),
    _a("industrial_production", "metalwork",
       "Metalworkers' Co-operative", "Scop de Métallurgie", "Cooperativa Metalúrgica", "Cooperativa Metalmeccanica",
       "Cooperativa Metalúrgica", "Metallbau-Genossenschaft", "Metaalcoöperatie", "Spółdzielnia Metalowa",
       "Kovovýrobné družstvo", "Kovodělné družstvo", "Metallkooperativet", "Metalliosuuskunta",
       "Fémipari Szövetkezet", "Cooperativa Metalurgică", "Metal İşçileri Kooperatifi", "Koperasi Logam"),
    _a("industrial_production", "printing",
       "Printing Co-operative", "Imprimerie coopérative", "Imprenta Cooperativa", "Tipografia Cooperativa",
       "Cooperativa Gráfica", "Druckerei-Genossenschaft", "Drukkerijcoöperatie", "Spółdzielnia Poligraficzna",
       "Tlačiarenské družstvo", "Tiskařské družstvo", "Tryckerikooperativet", "Kirjapaino-osuuskunta",
       "Nyomdaipari Szövetkezet", "Cooperativa Tipografică", "Matbaacılar Kooperatifi", "Koperasi Percetakan"),
    _a("industrial_production", "textile",
       "Textile Co-operative", "Scop Textile", "Cooperativa Textil", "Cooperativa Tessile", "Cooperativa Têxtil",
       "Textilgenossenschaft", "Textielcoöperatie", "Spółdzielnia Włókiennicza", "Textilné družstvo",
       "Textilní družstvo", "Textilkooperativet", "Tekstiiliosuuskunta", "Textilipari Szövetkezet",
       "Cooperativa Textilă", "Tekstil Kooperatifi", "Koperasi Tekstil"),
    _a("general_services", "cleaning",
       "Cleaning Co-operative", "Scop de Nettoyage", "Cooperativa de Limpieza", "Cooperativa di Pulizie",
       "Cooperativa de Limpeza", "Reinigungsgenossenschaft", "Schoonmaakcoöperatie",
       "Spółdzielnia Usług Porządkowych", "Upratovacie družstvo", "Úklidové družstvo", "Städkooperativet",
       "Siivousosuuskunta", "Takarító Szövetkezet", "Cooperativa de Curățenie", "Temizlik Kooperatifi",
       "Koperasi Jasa Kebersihan"),
    _a("general_services", "catering",
       "Catering Co-operative", "Scop Traiteur", "Cooperativa de Hostelería", "Cooperativa di Ristorazione",
       "Cooperativa de Alimentação", "Gastronomie-Genossenschaft", "Cateringcoöperatie",
       "Spółdzielnia Gastronomiczna", "Gastronomické družstvo", "Gastronomické družstvo",
       "Restaurangkooperativet", "Ravintolaosuuskunta", "Vendéglátóipari Szövetkezet",
       "Cooperativa de Alimentație Publică", "Yemek Hizmetleri Kooperatifi", "Koperasi Jasa Boga"),
    _a("general_services", "laundry",
       "Laundry Co-operative", "Blanchisserie coopérative", "Lavandería Cooperativa", "Lavanderia Cooperativa",
       "Cooperativa de Lavanderia", "Wäscherei-Genossenschaft", "Wasserijcoöperatie", "Spółdzielnia Pralnicza",
       "Práčovnícke družstvo", "Prádelenské družstvo", "Tvätterikooperativet", "Pesulaosuuskunta",
       "Patyolat Szövetkezet", "Cooperativa de Spălătorie", "Çamaşırhane Kooperatifi", "Koperasi Binatu"),
    _a("transport", "taxi",
       "Taxi Co-operative", "Taxis coopératifs", "Cooperativa de Taxis", "Cooperativa Radiotaxi",
       "Cooperativa de Táxis", "Taxigenossenschaft", "Taxicoöperatie", "Spółdzielnia Taksówkowa",
       "Taxi družstvo", "Taxi družstvo", "Taxikooperativet", "Taksiosuuskunta", "Taxis Szövetkezet",
       "Cooperativa de Taxi", "Taksiciler Kooperatifi", "Koperasi Taksi"),
    _a("transport", "courier",
       "Cycle Couriers' Co-operative", "Scop de Coursiers", "Cooperativa de Mensajería", "Cooperativa di Corrieri",
       "Cooperativa de Entregas", "Kuriergenossenschaft", "Koerierscoöperatie", "Spółdzielnia Kurierska",
       "Kuriérske družstvo", "Kurýrní družstvo", "Budkooperativet", "Lähettiosuuskunta", "Futár Szövetkezet",
       "Cooperativa de Curierat", "Kurye Kooperatifi", "Koperasi Kurir"),
    _a("transport", "haulage",
       "Haulage Co-operative", "Transports coopératifs", "Cooperativa de Transportes", "Cooperativa Trasporti",
       "Cooperativa de Transportes", "Transportgenossenschaft", "Transportcoöperatie",
       "Spółdzielnia Transportowa", "Dopravné družstvo", "Dopravní družstvo", "Åkerikooperativet",
       "Kuljetusosuuskunta", "Fuvarozó Szövetkezet", "Cooperativa de Transport", "Nakliyeciler Kooperatifi",
       "Koperasi Angkutan"),
    _a("intellectual_skills", "architecture",
       "Architects' Co-operative", "Scop d'Architectes", "Cooperativa de Arquitectos", "Cooperativa di Architetti",
       "Cooperativa de Arquitetos", "Architektengenossenschaft", "Architectencoöperatie",
       "Spółdzielnia Architektów", "Družstvo architektov", "Družstvo architektů", "Arkitektkooperativet",
       "Arkkitehtiosuuskunta", "Építész Szövetkezet", "Cooperativa de Arhitectură", "Mimarlar Kooperatifi",
       "Koperasi Arsitek"),
    _a("intellectual_skills", "software",
       "Software Co-operative", "Scop Informatique", "Cooperativa de Software", "Cooperativa Informatica",
       "Cooperativa de Software", "Software-Genossenschaft", "Softwarecoöperatie", "Spółdzielnia Informatyczna",
       "Softvérové družstvo", "Softwarové družstvo", "Mjukvarukooperativet", "Ohjelmisto-osuuskunta",
       "Szoftverfejlesztő Szövetkezet", "Cooperativa de Software", "Yazılım Kooperatifi",
       "Koperasi Perangkat Lunak"),
    _a("intellectual_skills", "translation",
       "Translators' Co-operative", "Scop de Traducteurs", "Cooperativa de Traductores", "Cooperativa di Traduttori",
       "Cooperativa de Tradutores", "Übersetzergenossenschaft", "Vertalerscoöperatie", "Spółdzielnia Tłumaczy",
       "Družstvo prekladateľov", "Družstvo překladatelů", "Översättarkooperativet", "Kääntäjäosuuskunta",
       "Fordítói Szövetkezet", "Cooperativa de Traduceri", "Çevirmenler Kooperatifi", "Koperasi Penerjemah"),
    _a("artisanal", "bakery",
       "Bakery Co-operative", "Boulangerie coopérative", "Panadería Cooperativa", "Forno Cooperativo",
       "Padaria Cooperativa", "Bäckereigenossenschaft", "Bakkerijcoöperatie", "Spółdzielnia Piekarska",
       "Pekárske družstvo", "Pekařské družstvo", "Bagerikooperativet", "Leipomo-osuuskunta",
       "Sütőipari Szövetkezet", "Cooperativa de Panificație", "Fırıncılar Kooperatifi", "Koperasi Roti"),
    _a("artisanal", "pottery",
       "Pottery Co-operative", "Poterie coopérative", "Alfarería Cooperativa", "Cooperativa Ceramisti",
       "Cooperativa de Cerâmica", "Töpfereigenossenschaft", "Pottenbakkerscoöperatie", "Spółdzielnia Ceramiczna",
       "Keramické družstvo", "Keramické družstvo", "Keramikkooperativet", "Keramiikkaosuuskunta",
       "Kerámia Szövetkezet", "Cooperativa de Ceramică", "Çömlekçiler Kooperatifi", "Koperasi Gerabah"),
    _a("artisanal", "furniture-making",
       "Furniture Makers' Co-operative", "Ébénisterie coopérative", "Cooperativa del Mueble",
       "Cooperativa del Mobile", "Cooperativa Moveleira", "Möbelgenossenschaft", "Meubelmakerscoöperatie",
       "Spółdzielnia Meblarska", "Nábytkárske družstvo", "Nábytkářské družstvo", "Möbelkooperativet",
       "Huonekaluosuuskunta", "Bútoripari Szövetkezet", "Cooperativa de Mobilă", "Mobilyacılar Kooperatifi",
       "Koperasi Mebel"),
    _a("health", "health centre",
       "Health Centre Co-operative", "Centre de santé coopératif", "Cooperativa Sanitaria",
       "Cooperativa Sanitaria", "Cooperativa de Saúde", "Gesundheitsgenossenschaft", "Gezondheidscoöperatie",
       "Spółdzielnia Medyczna", "Zdravotnícke družstvo", "Zdravotnické družstvo", "Hälsokooperativet",
       "Terveysosuuskunta", "Egészségügyi Szövetkezet", "Cooperativa Medicală", "Sağlık Kooperatifi",
       "Koperasi Kesehatan"),
    _a("health", "pharmacy",
       "Pharmacy Co-operative", "Pharmacie coopérative", "Farmacia Cooperativa", "Farmacia Cooperativa",
       "Farmácia Cooperativa", "Apothekengenossenschaft", "Apotheekcoöperatie", "Spółdzielnia Aptekarska",
       "Lekárenské družstvo", "Lékárenské družstvo", "Apotekskooperativet", "Apteekkiosuuskunta",
       "Gyógyszertári Szövetkezet", "Cooperativa Farmaceutică", "Eczacılar Kooperatifi", "Koperasi Apotek"),
    _a("health", "physiotherapy",
       "Physiotherapy Co-operative", "Scop de Kinésithérapie", "Cooperativa de Fisioterapia",
       "Cooperativa di Fisioterapia", "Cooperativa de Fisioterapia", "Physiotherapie-Genossenschaft",
       "Fysiotherapiecoöperatie", "Spółdzielnia Fizjoterapeutów", "Fyzioterapeutické družstvo",
       "Fyzioterapeutické družstvo", "Fysioterapikooperativet", "Fysioterapiaosuuskunta",
       "Gyógytorna Szövetkezet", "Cooperativa de Fizioterapie", "Fizyoterapi Kooperatifi", "Koperasi Fisioterapi"),
    _a("social_care", "home care",
       "Home Care Co-operative", "Scop d'Aide à Domicile", "Cooperativa de Ayuda a Domicilio",
       "Cooperativa Sociale di Assistenza Domiciliare", "Cooperativa de Apoio Domiciliário", "Pflegegenossenschaft",
       "Thuiszorgcoöperatie", "Spółdzielnia Opieki Domowej", "Družstvo domácej starostlivosti",
       "Družstvo domácí péče", "Hemtjänstkooperativet", "Kotihoito-osuuskunta", "Házi Gondozó Szövetkezet",
       "Cooperativa de Îngrijire la Domiciliu", "Evde Bakım Kooperatifi", "Koperasi Perawatan Rumah"),
    _a("social_care", "childcare",
       "Childcare Co-operative", "Crèche coopérative", "Escuela Infantil Cooperativa",
       "Cooperativa Sociale Asilo Nido", "Creche Cooperativa", "Kita-Genossenschaft", "Kinderopvangcoöperatie",
       "Spółdzielnia Opieki nad Dziećmi", "Družstvo starostlivosti o deti", "Družstvo péče o děti",
       "Föräldrakooperativet", "Päiväkotiosuuskunta", "Gyermekfelügyeleti Szövetkezet",
       "Cooperativa de Îngrijire a Copiilor", "Çocuk Bakımı Kooperatifi", "Koperasi Penitipan Anak"),
    _a("social_care", "elder care",
       "Elder Care Co-operative", "Scop de Services aux Aînés", "Cooperativa de Atención a Mayores",
       "Cooperativa Sociale per Anziani", "Cooperativa de Cuidados a Idosos", "Seniorengenossenschaft",
       "Ouderenzorgcoöperatie", "Spółdzielnia Opieki nad Seniorami", "Družstvo starostlivosti o seniorov",
       "Družstvo péče o seniory", "Äldreomsorgskooperativet", "Vanhustenhoito-osuuskunta",
       "Idősgondozó Szövetkezet", "Cooperativa de Îngrijire a Vârstnicilor", "Yaşlı Bakımı Kooperatifi",
       "Koperasi Perawatan Lansia"),
    _a("other", "fishing",
       "Fishers' Co-operative", "Coopérative des Pêcheurs", "Cooperativa de Pescadores", "Cooperativa Pescatori",
       "Cooperativa de Pescadores", "Fischereigenossenschaft", "Visserscoöperatie", "Spółdzielnia Rybacka",
       "Rybárske družstvo", "Rybářské družstvo", "Fiskekooperativet", "Kalastusosuuskunta",
       "Halászati Szövetkezet", "Cooperativa Pescărească", "Su Ürünleri Kooperatifi", "Koperasi Nelayan"),
    _a("other", "recycling",
       "Recycling Co-operative", "Ressourcerie coopérative", "Cooperativa de Reciclaje", "Cooperativa di Riciclo",
       "Cooperativa de Reciclagem", "Recycling-Genossenschaft", "Kringloopcoöperatie",
       "Spółdzielnia Recyklingowa", "Recyklačné družstvo", "Recyklační družstvo", "Återvinningskooperativet",
       "Kierrätysosuuskunta", "Újrahasznosító Szövetkezet", "Cooperativa de Reciclare",
       "Geri Dönüşüm Kooperatifi", "Koperasi Daur Ulang"),
    _a("other", "renewable energy",
       "Renewable Energy Co-operative", "Scop d'Énergies renouvelables", "Cooperativa de Energías Renovables",
       "Cooperativa Energie Rinnovabili", "Cooperativa de Energia Renovável", "Energiegenossenschaft",
       "Energiecoöperatie", "Spółdzielnia Energetyczna", "Energetické družstvo", "Energetické družstvo",
       "Energikooperativet", "Energiaosuuskunta", "Megújuló Energia Szövetkezet",
       "Cooperativa de Energie Regenerabilă", "Yenilenebilir Enerji Kooperatifi", "Koperasi Energi Terbarukan"),
)
# fmt: on

BY_SECTOR: dict[str, tuple[Activity, ...]] = {}
for _activity in ACTIVITIES:
    BY_SECTOR[_activity.sector] = (*BY_SECTOR.get(_activity.sector, ()), _activity)

_VOWELS = tuple("AEIOUYÂÉÈÊÎÔÛaeiouyâéèêîôû")


def _french_of(town: str) -> str:
    """'de Lyon', "d'Angers", 'du Havre' (from 'Le Havre'), 'des Sables-d'Olonne'."""
    if town.startswith("Le "):
        return "du " + town[3:]
    if town.startswith("Les "):
        return "des " + town[4:]
    return ("d'" if town.startswith(_VOWELS) else "de ") + town


def _spanish_of(town: str) -> str:
    return "del " + town[3:] if town.startswith("El ") else "de " + town


def _hungarian_adjective(town: str) -> str:
    """'Debrecen' -> 'Debreceni', as Hungarian names say 'of Debrecen'."""
    return town if town.endswith("i") else town + "i"


def co_operative_name(activity: Activity, language: str, town: str, variant: int = 0) -> str:
    """The name of a co-operative of `activity` in `town`, in `language` (English where there is none);
    `variant` picks another way of saying it where the language has several."""
    language = language if language in activity.names else "en"
    phrase = activity.names[language]
    if language == "en":
        return f"{town} {phrase}" if variant % 2 == 0 else f"{phrase} of {town}"
    if language == "fr":
        return f"{phrase} {_french_of(town)}"
    if language in ("es", "pt"):
        return f"{phrase} {_spanish_of(town) if language == 'es' else 'de ' + town}"
    if language == "it":
        return f"{phrase} di {town}"
    if language == "de":
        return f"{phrase} {town} eG"
    if language == "sv":
        return f"{phrase} i {town}"
    if language == "hu":
        return f"{_hungarian_adjective(town)} {phrase}"
    if language == "tr":
        return f"{town} {phrase}"
    return f"{phrase} {town}"  # nl, pl, sk, cs, fi, ro, id


OWNERS = {
    "worker": "owned by the people who work in it",
    "producer": "owned by the producers who use it",
    "multi_stakeholder": "owned together by its workers, users and supporters",
}


def description(activity: Activity, town: str, membership_type: str) -> str:
    owners = OWNERS.get(membership_type)
    return f"A {activity.word} co-operative in {town}" + (f", {owners}." if owners else ".")
