"""Word lists the name generator draws from, grouped by the language of each home market.

Names deliberately include diacritics, apostrophes, non-Latin scripts and stylised
spellings: the MusicBrainz matcher downstream has to survive all of them.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    """Entries are separated by ``|`` so that they may contain spaces."""
    return tuple(entry.strip() for entry in text.split("|") if entry.strip())


GIVEN_NAMES: dict[str, tuple[str, ...]] = {
    "en": _words(
        "Maya|Jordan|Caleb|Olivia|Noah|Harper|Tyler|Jasmine|Eli|Savannah|Marcus|Hayley|Declan|"
        "Imogen|Rhys|Freya|Callum|Niamh|Keisha|Dante|Piper|Wren|Otis|Sadie|Brooke|Jalen|Tessa|"
        "Aaliyah|Finn|Lola|Rory|Zara|Mckenna|Jesse|Ivy|Damon|Celeste|Kofi|Priya|Ezra"
    ),
    "de": _words(
        "Lena|Jonas|Lukas|Mia|Felix|Jürgen|Annika|Sören|Malte|Clara|Tilda|Henrik|Paula|Jannik|"
        "Katrin|Björn|Leonie|Moritz|Greta|Fynn"
    ),
    "sv": _words(
        "Elsa|Linnéa|Björn|Åsa|Oskar|Maja|Sixten|Ebba|Tove|Viktor|Saga|Albin|Märta|Hampus|"
        "Ylva|Signe|Måns|Agnes"
    ),
    "fr": _words(
        "Léa|Zoé|Étienne|Chloé|Théo|Inès|Anaïs|Noé|Maëlle|Hélène|Raphaël|Céline|Gaël|Joséphine|"
        "Aurélien|Solène|Loïc|Élodie"
    ),
    "ja": _words("ひかり|美咲|蓮|陽菜|颯太|結衣|さくら|大和|葵|湊|凛|優斗|真央|翔"),
    "ja_latn": _words("Hikari|Misaki|Ren|Hina|Sota|Yui|Sakura|Yamato|Aoi|Minato|Rin|Mao"),
    "pt": _words(
        "João|Luísa|Thiago|Ana Clara|Gabriel|Marília|Caio|Letícia|Vitória|Davi|Iara|Luan|"
        "Mariana|Gustavo|Júlia|Henrique"
    ),
    "es": _words(
        "Sofía|Alejandro|Valentina|Ramón|Ximena|Iñaki|Camila|Joaquín|Renata|Emiliano|Lucía|"
        "Natalia|Andrés|Jimena|Santiago|Mónica"
    ),
}

FAMILY_NAMES: dict[str, tuple[str, ...]] = {
    "en": _words(
        "Carter|Hayes|Brooks|Bennett|Sullivan|Reyes|Okafor|Whitfield|Monroe|Lennox|Ashworth|"
        "McAllister|O'Connell|Fitzgerald|Adeyemi|Harlow|Vance|Holloway|Kowalski|Nguyen|Park|"
        "Delacroix|Winslow|St. James|Abernathy|Quinn|Mercer|Blackwood"
    ),
    "de": _words(
        "Müller|Schäfer|Weiß|Krüger|Vogel|Hoffmann|Böhm|Großmann|Köhler|Lange|Brandt|Jäger|"
        "Fuchs|Scholz|Wagner|von Bülow"
    ),
    "sv": _words(
        "Lindqvist|Sjöberg|Åberg|Nyström|Ekdahl|Holmström|Bergkvist|Wallin|Lundgren|Öhman|"
        "Sandström|Dahlberg|Forsell"
    ),
    "fr": _words(
        "Lefèvre|Dubois|Moreau|Girard|Benoît|Mercier|Rousseau|Fontaine|Chevalier|Lemaître|"
        "Garnier|Faure|Boucher|Leclerc"
    ),
    "ja": _words("佐藤|鈴木|高橋|中村|小林|星野|宇多田|山口|松本|井上|森|藤原|岡田|長谷川"),
    "ja_latn": _words("Sato|Suzuki|Takahashi|Nakamura|Kobayashi|Hoshino|Yamaguchi|Fujiwara"),
    "pt": _words(
        "Araújo|Gonçalves|Conceição|Souza|Ribeiro|Carvalho|Magalhães|Assunção|Barbosa|"
        "Nogueira|Sá|Brandão|Pereira"
    ),
    "es": _words(
        "Peña|Núñez|Ibáñez|Hernández|Gutiérrez|Castañeda|Ordóñez|Rivera|Mendoza|Treviño|"
        "Saldaña|Villarreal|Cortés|Guzmán"
    ),
}

BAND_ADJECTIVES = _words(
    "Velvet|Electric|Silent|Golden|Neon|Paper|Glass|Wild|Hollow|Crimson|Lunar|Static|"
    "Wandering|Northern|Tender|Broken|Midnight|Analog|Sunken|Cosmic|Feral|Blue|Violet|Lucky"
)
BAND_NOUNS = _words(
    "Foxes|Harbours|Comets|Tigers|Satellites|Lanterns|Machines|Sparrows|Ghosts|Mirrors|Wolves|"
    "Tides|Pilots|Gardens|Daughters|Kids|Strangers|Heartbeats|Antlers|Coyotes|Orbits|Saints"
)
NORDIC_WORDS = _words(
    "Sigur|Rós|Hjarta|Ljós|Fjörður|Ísafold|Dögun|Myrkur|Sól|Þögn|Vindur|Álfar|Jökull|Hafið|"
    "Norðurljós|Eldur"
)
STYLISED_NAMES = _words(
    "LUMEN|NOVA9|KÄLLA|aurora drift|SZN|GRAVITÉ|ÆTHER|KAZEMACHI|MØNSTER|HALCYON|ODESSIA|"
    "yuki.wav|ZÉNITH|RÜYA|Ōkami|CLAIR DE LUNE|vanta|ÉLAN|BLOOM$|TOKYO NEON|(G)LOW|S!GNAL"
)
MONONYMS = _words("Renée|Anaïs|Zoë|Lø|Åla|Cléo|Beyá|Solène|Mïa|Noémi|Zaïa|Ysé|Kaí|Jóra")
JA_GROUPS = _words(
    "ずっと夕焼けで|夜の本気ダンス|東京少年|青春ノイズ|月光団|ヨルシカ座|星屑ドロップス"
)

EN_MODIFIERS = _words(
    "Golden|Endless|Electric|Quiet|Wild|Paper|Tender|Heavy|Sweet|Lonely|Borrowed|Brand New|"
    "Late Night|Summer|Static|Violet|Honest|Neon|Slow|Crooked|Faded|Holy"
)
EN_NOUNS = _words(
    "Love|Hour|Heart|Motel|Skyline|Gravity|Daydream|Fever|Horizon|Reverie|Lights|Ocean|Shadows|"
    "Youth|Season|Echoes|Mirror|Satellite|Thunder|Paradise|Highway|Dreams|Blossom|Signal|"
    "Wildfire|Silhouette|Avenue|Love Song|Goodbye"
)

# Whole titles for the other languages: combining words there breaks grammatical gender.
TITLE_PHRASES: dict[str, tuple[str, ...]] = {
    "de": _words(
        "Über den Wolken|Nachtschicht|Herzschlag|Großstadtlichter|Für immer jung|"
        "Zwischen den Zeilen|Ohne dich|Mitternachtsblau|Sternenstaub|Gewitter im Kopf|"
        "Straßenlaternen|Wir waren Könige|Schwerelos|Kein Zurück|Bis ans Ende der Welt|Fernweh"
    ),
    "sv": _words(
        "Sommarnatt|Ödets väg|Vågor|Midsommar|Stjärnfall|Fjärilar i magen|Hjärtslag|Norrsken|"
        "Sista dansen|Allt vi aldrig sa|Längtan|Höstlöv|Vi mot världen|Under ytan"
    ),
    "fr": _words(
        "Là où tu vas|Cœur de verre|Sous le soleil|Après la pluie|Nuits d'été|Mille étoiles|"
        "À minuit|L'océan|Lumière|Je t'attendrai|Ça ira|Déjà-vu|Rêves éveillés|Où est l'amour ?"
    ),
    "ja": _words(
        "夜明けのメロディー|青い春|東京ラプソディ|さよならの向こう側|真夜中のシグナル|"
        "透明な花火|最後の約束|春の夜|君と夏|星降る夜に|ひかり|心のままに|夏の終わり|僕らの歌"
    ),
    "pt": _words(
        "Saudade Azul|Coração Selvagem|Noite de São João|Amor Tropical|Céu de Verão|"
        "Canção do Interior|Noite sem Fim|Vermelho|Coração Partido|Só Mais Uma Vez|Aquarela|"
        "Maré Alta"
    ),
    "es": _words(
        "Corazón de Fuego|Noches de Verano|Sueños Perdidos|Canción del Desierto|Alma Rota|"
        "Bajo la Lluvia|Luna Eterna|Corridos Norteños|Contigo|Qué Más Da|Mañana Será Otro Día|"
        "Dueño de Nada|Ojos Color Café"
    ),
}
SPANISH_BAND_NOUNS = _words("Halcones|Tigres|Cuervos|Alegres|Rieleros|Bravos|Primos|Plebes")

LANGUAGE_OF: dict[str, str] = {
    "US": "en",
    "GB": "en",
    "CA": "en",
    "AU": "en",
    "DE": "de",
    "SE": "sv",
    "FR": "fr",
    "JP": "ja",
    "BR": "pt",
    "MX": "es",
}

GENRES: dict[str, tuple[str, ...]] = {
    "US": _words("pop|hip hop|r&b|country|indie rock|trap|alt z|bedroom pop|modern rock"),
    "GB": _words("uk pop|grime|britpop|indie rock|uk drill|dance pop|post-punk"),
    "CA": _words("canadian pop|indie folk|canadian hip hop|alt z"),
    "AU": _words("australian pop|australian indie|psychedelic rock|drum and bass"),
    "DE": _words("german pop|deutschrap|schlager|german indie|techno"),
    "SE": _words("swedish pop|swedish indie|melodic death metal|svensk hip hop"),
    "FR": _words("french pop|rap français|chanson|french house|variété française"),
    "JP": _words("j-pop|j-rock|anime|city pop|vocaloid|j-indie"),
    "BR": _words("sertanejo|funk carioca|mpb|pagode|bossa nova|forró"),
    "MX": _words("corridos tumbados|regional mexican|latin pop|banda|cumbia|norteño"),
}

LABEL_WORDS = _words(
    "Northbound|Silver Tide|Polar|Kite|Blue Moth|Paper Crane|Hollow Oak|Meridian|Lighthouse|"
    "Redwood|Saltwater|Glasshouse|Iron Bridge|Velvetone|Monarch|Coldharbour|Sunday Best"
)
LABEL_SUFFIXES = _words("Records|Recordings|Music|Music Group|Entertainment|Sounds|Ltd.")
REGIONAL_LABELS: dict[str, tuple[str, ...]] = {
    "DE": _words("Hafenklang Musik|Großstadt Tonträger|Nordlicht Schallplatten"),
    "SE": _words("Nordlys Skivbolag|Ljudfabriken AB|Sjöhästen Records"),
    "FR": _words("Maison Lumière|Disques Étoile|Éditions du Quai"),
    "JP": _words("光音レコード|Kōyō Records|Tokyo Lantern Music"),
    "BR": _words("Selo Tropical|Som Livre Alternativo|Gravadora Ipê"),
    "MX": _words("Disquera Aurora|Música del Norte|Discos Jacarandá"),
}
DISTRIBUTORS = _words("The Orchard|AWAL|Believe|ADA|DistroKid|TuneCore|FUGA|Ingrooves")
