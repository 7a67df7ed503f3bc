# ruff: noqa: E501 - a table of texts, one listing per block
"""What the demo's co-operatives offer and need, by activity (the English word of registry.demo_names), in
English, French and Spanish: (CPC division, kind, unit, price range per unit in cents or None for "on request",
title by language, description by language). A co-operative writes in its country's language where that is one
of the three, else in English."""

from __future__ import annotations

from typing import NamedTuple


class Item(NamedTuple):
    division: str
    kind: str
    unit: str
    price: tuple[int, int] | None
    title: dict[str, str]
    description: dict[str, str]


def _i(
    division: str,
    kind: str,
    unit: str,
    price: tuple[int, int] | None,
    en: str,
    fr: str,
    es: str,
    den: str,
    dfr: str,
    des: str,
) -> Item:
    return Item(division, kind, unit, price, {"en": en, "fr": fr, "es": es}, {"en": den, "fr": dfr, "es": des})


# fmt: off
WINDOWS = _i("31", "goods", "H87", (18000, 42000),
             "Oak window frames made to measure", "Fenêtres en chêne sur mesure", "Ventanas de roble a medida",
             "Solid oak window frames, double glazed, made in our workshop to the builder's drawings.",
             "Fenêtres en chêne massif, double vitrage, fabriquées dans notre atelier d'après les plans du chantier.",
             "Ventanas de roble macizo con doble acristalamiento, fabricadas en nuestro taller según los planos de obra.")
DOORS = _i("31", "goods", "H87", (22000, 65000),
           "Wooden doors and staircases", "Portes et escaliers en bois", "Puertas y escaleras de madera",
           "Interior doors, entrance doors and staircases in local timber.",
           "Portes intérieures, portes d'entrée et escaliers en bois local.",
           "Puertas interiores, puertas de entrada y escaleras de madera local.")
FURNITURE = _i("38", "goods", "H87", (9000, 120000),
               "Solid wood furniture for schools and offices", "Mobilier en bois massif pour écoles et bureaux",
               "Muebles de madera maciza para escuelas y oficinas",
               "Tables, chairs and shelving built to last, in certified timber.",
               "Tables, chaises et rayonnages solides, en bois certifié.",
               "Mesas, sillas y estanterías resistentes, de madera certificada.")
BUILDING = _i("54", "services", "HUR", (3500, 6500),
              "Renovation and building work", "Travaux de rénovation et de construction", "Obras de construcción y rehabilitación",
              "General building and energy renovation of housing and public buildings.",
              "Construction et rénovation énergétique de logements et de bâtiments publics.",
              "Construcción y rehabilitación energética de viviendas y edificios públicos.")
ROOFING = _i("54", "services", "MTK", (4000, 9000),
             "Roofing and insulation", "Couverture et isolation de toitures", "Tejados y aislamiento",
             "Roofs laid, repaired and insulated; tiles, slate and zinc.",
             "Pose, réparation et isolation de toitures ; tuiles, ardoise et zinc.",
             "Colocación, reparación y aislamiento de tejados; teja, pizarra y zinc.")
STEEL = _i("42", "goods", "KGM", (400, 1200),
           "Steel frames and metal structures", "Charpentes et structures métalliques", "Estructuras metálicas y de acero",
           "Welded steel frames, railings and metal structures for buildings.",
           "Charpentes en acier soudé, garde-corps et structures métalliques pour le bâtiment.",
           "Estructuras de acero soldado, barandillas y estructuras metálicas para edificios.")
PRINTING = _i("32", "goods", "H87", (15, 90),
              "Printing of brochures and reports", "Impression de brochures et de rapports", "Impresión de folletos e informes",
              "Offset and digital printing on recycled paper, from 100 copies.",
              "Impression offset et numérique sur papier recyclé, dès 100 exemplaires.",
              "Impresión offset y digital en papel reciclado, desde 100 ejemplares.")
FABRIC = _i("26", "goods", "MTR", (600, 2400),
            "Organic cotton fabric", "Tissu en coton biologique", "Tejido de algodón orgánico",
            "Woven organic cotton fabric, 150 cm wide, in natural and dyed colours.",
            "Tissu tissé en coton biologique, 150 cm de large, écru et teint.",
            "Tejido de algodón orgánico, 150 cm de ancho, crudo y teñido.")
WORKWEAR = _i("28", "goods", "H87", (1800, 6000),
              "Work clothes and uniforms", "Vêtements de travail et uniformes", "Ropa de trabajo y uniformes",
              "Work clothes sewn to order, with the co-operative's name embroidered.",
              "Vêtements de travail cousus sur commande, brodés au nom de la coopérative.",
              "Ropa de trabajo confeccionada por encargo, con el nombre de la cooperativa bordado.")
CLEANING = _i("85", "services", "HUR", (1800, 3200),
              "Office and building cleaning", "Nettoyage de bureaux et de bâtiments", "Limpieza de oficinas y edificios",
              "Daily or weekly cleaning with ecological products.",
              "Nettoyage quotidien ou hebdomadaire avec des produits écologiques.",
              "Limpieza diaria o semanal con productos ecológicos.")
CATERING = _i("63", "services", "E48", (900, 2500),
              "Catering for meetings and events", "Traiteur pour réunions et événements", "Catering para reuniones y eventos",
              "Meals and buffets with local and seasonal produce, per guest.",
              "Repas et buffets de produits locaux et de saison, par convive.",
              "Comidas y bufés con productos locales y de temporada, por comensal.")
LAUNDRY = _i("97", "services", "KGM", (250, 600),
             "Laundry of linen and work clothes", "Blanchisserie de linge et de vêtements de travail",
             "Lavandería de ropa blanca y de trabajo",
             "Collection, washing and delivery of linen for hotels, care homes and workshops.",
             "Collecte, lavage et livraison du linge des hôtels, maisons de retraite et ateliers.",
             "Recogida, lavado y entrega de ropa de hoteles, residencias y talleres.")
HAULAGE = _i("65", "services", "KMT", (120, 300),
             "Freight transport by lorry", "Transport de marchandises par camion", "Transporte de mercancías por camión",
             "Full and part loads across the region and abroad.",
             "Chargements complets et groupage dans la région et à l'étranger.",
             "Cargas completas y grupaje en la región y al extranjero.")
COURIER = _i("68", "services", "H87", (600, 2500),
             "Courier and parcel delivery by bicycle", "Coursiers et livraison de colis à vélo", "Mensajería y reparto de paquetes en bicicleta",
             "Same-day delivery in town by cargo bike.",
             "Livraison le jour même en ville par vélo cargo.",
             "Entrega en el día en la ciudad en bicicleta de carga.")
TAXI = _i("64", "services", "KMT", (150, 300),
          "Passenger transport and shuttles", "Transport de personnes et navettes", "Transporte de pasajeros y lanzaderas",
          "Taxis and minibuses for staff, visitors and events.",
          "Taxis et minibus pour le personnel, les visiteurs et les événements.",
          "Taxis y microbuses para personal, visitantes y eventos.")
ARCHITECTURE = _i("83", "services", "HUR", (6000, 11000),
                  "Architecture and energy audits", "Architecture et audits énergétiques", "Arquitectura y auditorías energéticas",
                  "Design of buildings and renovations, planning permits, energy audits.",
                  "Conception de bâtiments et de rénovations, permis de construire, audits énergétiques.",
                  "Proyectos de edificios y rehabilitaciones, licencias de obra, auditorías energéticas.")
SOFTWARE = _i("83", "services", "DAY", (35000, 70000),
              "Software development and hosting", "Développement de logiciels et hébergement", "Desarrollo de software y alojamiento",
              "Web sites, member databases and accounting tools, built with free software.",
              "Sites web, bases de membres et outils comptables, en logiciel libre.",
              "Sitios web, bases de datos de socios y herramientas contables, con software libre.")
TRANSLATION = _i("83", "services", "E48", (8, 20),
                 "Translation between English, French and Spanish", "Traduction entre l'anglais, le français et l'espagnol",
                 "Traducción entre inglés, francés y español",
                 "Translation and interpreting for co-operatives, priced per word.",
                 "Traduction et interprétation pour les coopératives, au mot.",
                 "Traducción e interpretación para cooperativas, por palabra.")
BREAD = _i("23", "goods", "KGM", (300, 700),
           "Organic bread and pastries", "Pain et viennoiseries biologiques", "Pan y bollería ecológicos",
           "Sourdough bread and pastries delivered every morning.",
           "Pain au levain et viennoiseries livrés chaque matin.",
           "Pan de masa madre y bollería entregados cada mañana.")
FLOUR = _i("23", "goods", "KGM", (80, 160),
           "Stone-ground organic flour", "Farine biologique moulue à la meule", "Harina ecológica molida a la piedra",
           "Wheat and rye flour from our members' farms.",
           "Farine de blé et de seigle des fermes de nos membres.",
           "Harina de trigo y centeno de las granjas de nuestros socios.")
POTTERY = _i("37", "goods", "H87", (800, 4500),
             "Hand-made ceramics and tableware", "Céramique et vaisselle faites main", "Cerámica y vajilla hechas a mano",
             "Stoneware plates, bowls and tiles from our kiln.",
             "Assiettes, bols et carreaux en grès de notre four.",
             "Platos, cuencos y azulejos de gres de nuestro horno.")
CARE = _i("93", "services", "HUR", (2200, 3800),
          "Home care and elderly care", "Aide à domicile et accompagnement des personnes âgées",
          "Atención domiciliaria y cuidado de mayores",
          "Qualified carers, day and night, for people who live at home.",
          "Aides qualifiées, de jour comme de nuit, pour les personnes qui vivent chez elles.",
          "Cuidadoras cualificadas, de día y de noche, para personas que viven en su casa.")
FISH = _i("04", "goods", "KGM", (600, 2400),
          "Fresh fish from small-scale fishing", "Poisson frais de pêche artisanale", "Pescado fresco de pesca artesanal",
          "Daily catch landed by our members' boats.",
          "Pêche du jour débarquée par les bateaux de nos membres.",
          "Captura del día desembarcada por las barcas de nuestros socios.")
SCRAP = _i("39", "goods", "TNE", (8000, 30000),
           "Sorted scrap metal and wood for recycling", "Ferraille et bois triés pour le recyclage",
           "Chatarra y madera clasificadas para reciclaje",
           "Sorted, weighed and collected from your site.",
           "Triés, pesés et enlevés sur votre chantier.",
           "Clasificadas, pesadas y recogidas en su obra.")
ENERGY = _i("17", "goods", "KWH", (9, 25),
            "Renewable electricity from community wind and solar", "Électricité renouvelable d'éolien et de solaire citoyens",
            "Electricidad renovable de eólica y solar comunitaria",
            "Green electricity supplied by our members' installations.",
            "Électricité verte produite par les installations de nos sociétaires.",
            "Electricidad verde producida por las instalaciones de nuestros socios.")
TRAINING = _i("83", "know_how", "DAY", (30000, 80000),
              "Training in co-operative management", "Formation à la gestion coopérative", "Formación en gestión cooperativa",
              "Workshops on governance, accounts and worker buy-outs, in your premises.",
              "Ateliers sur la gouvernance, les comptes et la reprise par les salariés, dans vos locaux.",
              "Talleres sobre gobernanza, contabilidad y recuperación de empresas por sus trabajadores, en su sede.")
ASSISTANCE = _i("87", "technical_assistance", "DAY", None,
                "Technical assistance for workshop machinery", "Assistance technique pour machines d'atelier",
                "Asistencia técnica para maquinaria de taller",
                "Installation, maintenance and repair of woodworking and metalworking machines.",
                "Installation, entretien et réparation de machines à bois et à métaux.",
                "Instalación, mantenimiento y reparación de máquinas para madera y metal.")
# fmt: on

# activity -> (what it offers, what it needs)
CATALOGUE: dict[str, tuple[tuple[Item, ...], tuple[Item, ...]]] = {
    "building": ((BUILDING,), (WINDOWS, DOORS, STEEL, ROOFING, ARCHITECTURE, WORKWEAR, SCRAP)),
    "joinery": ((WINDOWS, DOORS), (ASSISTANCE, HAULAGE, SOFTWARE, SCRAP)),
    "roofing": ((ROOFING,), (STEEL, HAULAGE, WORKWEAR)),
    "metalwork": ((STEEL, ASSISTANCE), (SCRAP, ENERGY, HAULAGE)),
    "printing": ((PRINTING,), (TRANSLATION, SOFTWARE, COURIER)),
    "textile": ((FABRIC, WORKWEAR), (ENERGY, PRINTING, HAULAGE)),
    "cleaning": ((CLEANING,), (WORKWEAR, SOFTWARE)),
    "catering": ((CATERING,), (BREAD, FISH, POTTERY, LAUNDRY)),
    "laundry": ((LAUNDRY,), (ENERGY, COURIER)),
    "taxi": ((TAXI,), (SOFTWARE, CLEANING)),
    "courier": ((COURIER,), (SOFTWARE, PRINTING)),
    "haulage": ((HAULAGE,), (ASSISTANCE, WORKWEAR)),
    "architecture": ((ARCHITECTURE,), (PRINTING, SOFTWARE, TRANSLATION)),
    "software": ((SOFTWARE,), (TRAINING, TRANSLATION)),
    "translation": ((TRANSLATION,), (SOFTWARE,)),
    "bakery": ((BREAD,), (FLOUR, COURIER, CLEANING)),
    "pottery": ((POTTERY,), (ENERGY, HAULAGE)),
    "furniture-making": ((FURNITURE,), (ASSISTANCE, HAULAGE, FABRIC)),
    "health centre": ((CARE,), (CLEANING, LAUNDRY, SOFTWARE)),
    "pharmacy": ((CARE,), (COURIER,)),
    "physiotherapy": ((CARE,), (LAUNDRY, FURNITURE)),
    "home care": ((CARE,), (TAXI, TRAINING)),
    "childcare": ((CARE,), (CATERING, FURNITURE, CLEANING)),
    "elder care": ((CARE,), (CATERING, LAUNDRY, TAXI)),
    "fishing": ((FISH,), (HAULAGE, ASSISTANCE)),
    "recycling": ((SCRAP,), (HAULAGE, WORKWEAR)),
    "renewable energy": ((ENERGY, TRAINING), (STEEL, ARCHITECTURE, SOFTWARE)),
}
