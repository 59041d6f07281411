"""A demo federation: NMOs, LCs, officers, contracts, placements and applications of a season.

``flask exchange seed-demo`` calls ``seed_demo``. The same seed always builds the same
federation: every random choice comes from one ``random.Random(seed)`` and every timestamp
is derived from the season's dates. Rows are written with bulk inserts and primary keys
chosen here, so that 20,000 applications with their histories take seconds, not minutes.
"""

import csv
import random
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pycountry
from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from exchange.applications import deadlines
from exchange.applications.codes import application_code
from exchange.applications.documents import DOCUMENT_KINDS as DOCUMENT_LABELS
from exchange.applications.models import (
    Application,
    ApplicationCounter,
    Evaluation,
    Preference,
    StateTransition,
)
from exchange.applications.services import recount_usage
from exchange.applications.states import (
    HOLDS_CONTRACT_SLOT,
    HOLDS_PLACE,
    Action,
    Actor,
    State,
    next_state,
)
from exchange.auth.models import Membership, Role, User
from exchange.conditions.models import ExchangeConditions
from exchange.contracts.models import Contract, ContractKind, ContractSlot
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.months import SEASON_MONTHS
from exchange.organizations.models import NMO, LocalCommittee, Program, Region, Season, nmo_programs
from exchange.placements.models import Placement, PlacementCapacity, PlacementKind, ProjectType

NMOS_CSV = Path(__file__).parent / "data" / "nmos.csv"

DEMO_PASSWORD = "exchange-demo"
ADMIN_EMAIL = "admin@demo.exchange"
NEO_EMAIL = "neo@demo.exchange"
LEO_EMAIL = "leo@demo.exchange"
STUDENT_EMAIL = "student@demo.exchange"
# The demo logins belong to this NMO (or, were it missing, to the first European one).
DEMO_NMO_ACRONYM = "CroMSIC"
# The demo student's applications: a few states worth looking at.
DEMO_STUDENT_STATES = (State.ACCEPTED, State.SUBMITTED, State.DRAFT, State.WITHDRAWN)

TARGET_NMOS = 130
# Documents a host NMO may require in its exchange conditions.
DOCUMENT_KINDS = tuple(DOCUMENT_LABELS)

# How applications spread over states: many in the middle of the season, fewer at its ends.
STATE_WEIGHTS = {
    State.DRAFT: 8,
    State.SUBMITTED: 15,
    State.NOMINATED: 14,
    State.REJECTED: 6,
    State.ACCEPTED: 18,
    State.CONFIRMED: 10,
    State.IN_PROGRESS: 4,
    State.COMPLETED: 5,
    State.CERTIFIED: 8,
    State.WITHDRAWN: 6,
    State.CANCELLED: 6,
}
# July and August are the peak of every season.
MONTH_WEIGHTS = {4: 3, 5: 4, 6: 6, 7: 14, 8: 14, 9: 5, 10: 3, 11: 2, 12: 2, 1: 3, 2: 3, 3: 3}
PEAK_MONTHS = (7, 8)
SHOULDER_MONTHS = (6, 9)

# Countries added to the NMOs of nmos.csv, taken in turn from each region to reach TARGET_NMOS.
EXTRA_COUNTRIES = {
    "Africa": ("ET", "CM", "SN", "CI", "ZM", "MW", "ZA", "BJ", "TG", "NA", "BW", "MG"),
    "Americas": ("BO", "PY", "VE", "CR", "GT", "CU", "TT", "SV", "NI", "HT"),
    "Asia-Pacific": ("MY", "SG", "VN", "LK", "NZ", "KH", "UZ", "LA", "MM", "KG"),
    "Eastern Mediterranean": ("SA", "AE", "KW", "BH", "LY", "DZ", "IR", "YE", "SO", "AF"),
    "Europe": ("IS", "AL", "AM", "AZ", "CY", "MD", "BY"),
}
# Countries whose NMOs have many LCs.
BIG_COUNTRIES = frozenset(
    [
        "US",
        "BR",
        "MX",
        "IN",
        "ID",
        "CN",
        "DE",
        "FR",
        "IT",
        "TR",
        "RU",
        "EG",
        "PK",
        "NG",
        "JP",
        "GB",
        "ES",
        "PL",
    ]
)

# Big cities, largest first, keyed by ISO code or, for a second NMO of a country, by its
# country name as nmos.csv writes it.
CITIES = {
    "BF": "Ouagadougou, Bobo-Dioulasso, Koudougou, Ouahigouya, Banfora",
    "GH": "Accra, Kumasi, Tamale, Cape Coast, Ho, Sunyani, Takoradi",
    "KE": "Nairobi, Mombasa, Kisumu, Eldoret, Nakuru, Thika, Meru",
    "NG": "Lagos, Ibadan, Abuja, Kano, Enugu, Benin City, Port Harcourt, Ilorin, Jos, Zaria, "
    "Calabar, Sokoto, Maiduguri, Owerri, Abeokuta, Nnewi, Ile-Ife, Uyo",
    "RW": "Kigali, Huye, Musanze, Rubavu, Muhanga",
    "SL": "Freetown, Bo, Kenema, Makeni, Koidu",
    "TZ": "Dar es Salaam, Dodoma, Moshi, Mwanza, Arusha, Mbeya, Zanzibar",
    "UG": "Kampala, Mbarara, Gulu, Jinja, Mbale, Fort Portal",
    "ZW": "Harare, Bulawayo, Mutare, Gweru, Masvingo",
    "ET": "Addis Ababa, Gondar, Mekelle, Jimma, Hawassa, Bahir Dar",
    "CM": "Yaoundé, Douala, Buea, Bamenda, Garoua",
    "SN": "Dakar, Saint-Louis, Thiès, Ziguinchor, Kaolack",
    "CI": "Abidjan, Bouaké, Yamoussoukro, Daloa, Korhogo",
    "ZM": "Lusaka, Ndola, Kitwe, Livingstone, Kabwe",
    "MW": "Lilongwe, Blantyre, Zomba, Mzuzu, Mangochi",
    "ZA": "Johannesburg, Cape Town, Durban, Pretoria, Bloemfontein, Port Elizabeth, Polokwane",
    "AR": "Buenos Aires, Córdoba, Rosario, Mendoza, La Plata, Tucumán, Mar del Plata, Salta",
    "BR": "São Paulo, Rio de Janeiro, Belo Horizonte, Salvador, Brasília, Fortaleza, Recife, "
    "Porto Alegre, Curitiba, Manaus, Belém, Goiânia, Campinas, Florianópolis, Natal, "
    "Maceió, João Pessoa, Teresina, Vitória, Ribeirão Preto",
    "CA": "Toronto, Vancouver, Calgary, Edmonton, Ottawa, Winnipeg, Halifax, Saskatoon, Hamilton",
    "Canada (Quebec)": "Montreal, Quebec City, Sherbrooke, Trois-Rivières, Gatineau, Saguenay",
    "CL": "Santiago, Valparaíso, Concepción, Temuco, Antofagasta, La Serena, Valdivia",
    "CO": "Bogotá, Medellín, Cali, Barranquilla, Cartagena, Bucaramanga, Pereira, Manizales",
    "DO": "Santo Domingo, Santiago de los Caballeros, La Romana, San Pedro de Macorís, "
    "Puerto Plata",
    "EC": "Quito, Guayaquil, Cuenca, Loja, Ambato, Manta",
    "GD": "St. George's, Grenville, Gouyave, Victoria, Sauteurs",
    "HN": "Tegucigalpa, San Pedro Sula, La Ceiba, Choluteca, Comayagua",
    "JM": "Kingston, Montego Bay, Spanish Town, Mandeville, Ocho Rios",
    "MX": "Mexico City, Guadalajara, Monterrey, Puebla, Tijuana, León, Querétaro, Mérida, "
    "San Luis Potosí, Toluca, Morelia, Chihuahua, Veracruz, Oaxaca, Culiacán, Aguascalientes, "
    "Hermosillo, Saltillo",
    "PA": "Panama City, Colón, David, Santiago de Veraguas, Chitré",
    "PE": "Lima, Arequipa, Trujillo, Cusco, Chiclayo, Piura, Iquitos, Huancayo",
    "US": "New York, Los Angeles, Chicago, Houston, Philadelphia, Boston, Seattle, San Francisco, "
    "Atlanta, Miami, Baltimore, Pittsburgh, Cleveland, Denver, Nashville, St. Louis, "
    "Minneapolis, Ann Arbor, Durham, New Haven",
    "UY": "Montevideo, Salto, Paysandú, Maldonado, Rivera",
    "BO": "La Paz, Santa Cruz, Cochabamba, Sucre, Oruro",
    "PY": "Asunción, Ciudad del Este, Encarnación, Concepción, Villarrica",
    "VE": "Caracas, Maracaibo, Valencia, Barquisimeto, Mérida, Ciudad Bolívar",
    "CR": "San José, Cartago, Heredia, Alajuela, Liberia",
    "GT": "Guatemala City, Quetzaltenango, Escuintla, Cobán, Antigua Guatemala",
    "CU": "Havana, Santiago de Cuba, Camagüey, Holguín, Santa Clara, Cienfuegos",
    "TT": "Port of Spain, San Fernando, Chaguanas, Arima, Mount Hope",
    "AU": "Sydney, Melbourne, Brisbane, Perth, Adelaide, Canberra, Hobart, Newcastle, Townsville",
    "BD": "Dhaka, Chittagong, Rajshahi, Sylhet, Khulna, Mymensingh, Rangpur, Barisal",
    "CN": "Beijing, Shanghai, Guangzhou, Wuhan, Chengdu, Hangzhou, Nanjing, Xi'an, Shenyang, "
    "Changsha, Chongqing, Tianjin, Harbin, Jinan, Shenzhen, Kunming, Zhengzhou, Dalian",
    "FJ": "Suva, Lautoka, Nadi, Labasa, Ba",
    "HK": "Hong Kong Island, Kowloon, Sha Tin, Tsuen Wan, Tuen Mun",
    "IN": "Delhi, Mumbai, Kolkata, Chennai, Bengaluru, Hyderabad, Pune, Ahmedabad, Lucknow, "
    "Jaipur, Chandigarh, Manipal, Vellore, Kochi, Nagpur, Bhopal, Patna, Varanasi, Indore",
    "ID": "Jakarta, Surabaya, Bandung, Yogyakarta, Semarang, Medan, Makassar, Denpasar, "
    "Malang, Padang, Palembang, Solo, Manado, Banda Aceh, Pekanbaru, Pontianak, Mataram, "
    "Banjarmasin",
    "JP": "Tokyo, Osaka, Kyoto, Nagoya, Sapporo, Fukuoka, Sendai, Kobe, Hiroshima, Okayama, "
    "Niigata, Kanazawa, Kumamoto, Nagasaki, Chiba, Yokohama, Kagoshima, Tsukuba",
    "KZ": "Almaty, Astana, Shymkent, Karaganda, Aktobe, Semey",
    "MN": "Ulaanbaatar, Erdenet, Darkhan, Choibalsan, Mörön",
    "NP": "Kathmandu, Pokhara, Dharan, Bharatpur, Biratnagar, Lalitpur",
    "PH": "Manila, Quezon City, Cebu City, Davao City, Iloilo City, Baguio, Bacolod",
    "KR": "Seoul, Busan, Incheon, Daegu, Daejeon, Gwangju, Ulsan, Suwon",
    "TW": "Taipei, Kaohsiung, Taichung, Tainan, Hualien, Taoyuan",
    "TH": "Bangkok, Chiang Mai, Khon Kaen, Hat Yai, Phitsanulok, Nakhon Ratchasima, "
    "Ubon Ratchathani",
    "MY": "Kuala Lumpur, Penang, Johor Bahru, Kota Kinabalu, Kuching, Ipoh, Kuantan",
    "SG": "Singapore Central, Jurong, Tampines, Woodlands, Bukit Timah",
    "VN": "Hanoi, Ho Chi Minh City, Hue, Da Nang, Can Tho, Hai Phong",
    "LK": "Colombo, Kandy, Galle, Jaffna, Peradeniya, Anuradhapura",
    "NZ": "Auckland, Wellington, Christchurch, Dunedin, Hamilton, Tauranga",
    "KH": "Phnom Penh, Siem Reap, Battambang, Sihanoukville, Kampong Cham",
    "UZ": "Tashkent, Samarkand, Bukhara, Andijan, Fergana, Namangan",
    "EG": "Cairo, Alexandria, Giza, Mansoura, Tanta, Assiut, Zagazig, Ismailia, Minia, Sohag, "
    "Beni Suef, Fayoum, Aswan, Menoufia, Port Said, Suez, Qena, Kafr El Sheikh",
    "IQ": "Baghdad, Basra, Mosul, Najaf, Karbala, Kufa, Hillah, Nasiriyah",
    "Iraq (Kurdistan)": "Erbil, Sulaymaniyah, Duhok, Halabja, Zakho",
    "JO": "Amman, Irbid, Zarqa, Karak, Aqaba, Salt",
    "LB": "Beirut, Tripoli, Sidon, Byblos, Zahle",
    "MA": "Casablanca, Rabat, Marrakesh, Fes, Oujda, Tangier, Agadir",
    "OM": "Muscat, Salalah, Sohar, Nizwa, Sur",
    "PK": "Karachi, Lahore, Islamabad, Rawalpindi, Peshawar, Faisalabad, Multan, Hyderabad, "
    "Quetta, Abbottabad, Sialkot, Gujranwala, Bahawalpur, Sargodha, Larkana, Sukkur, "
    "Nawabshah, Dera Ismail Khan",
    "PS": "Jerusalem, Nablus, Hebron, Gaza, Ramallah, Jenin",
    "QA": "Doha, Al Rayyan, Al Wakrah, Al Khor, Umm Salal",
    "SD": "Khartoum, Omdurman, Wad Madani, Port Sudan, El Obeid, Kassala",
    "SY": "Damascus, Aleppo, Latakia, Homs, Hama, Tartus",
    "TN": "Tunis, Sfax, Sousse, Monastir, Bizerte",
    "SA": "Riyadh, Jeddah, Mecca, Medina, Dammam, Abha, Taif",
    "AE": "Dubai, Abu Dhabi, Sharjah, Al Ain, Ajman, Ras Al Khaimah",
    "KW": "Kuwait City, Hawalli, Salmiya, Jahra, Farwaniya",
    "BH": "Manama, Muharraq, Riffa, Isa Town, Hamad Town",
    "LY": "Tripoli, Benghazi, Misrata, Sabha, Zawiya",
    "DZ": "Algiers, Oran, Constantine, Annaba, Tlemcen, Sétif, Batna",
    "IR": "Tehran, Mashhad, Isfahan, Shiraz, Tabriz, Ahvaz, Kerman, Kermanshah",
    "AT": "Vienna, Graz, Innsbruck, Linz, Salzburg, Klagenfurt",
    "BE": "Brussels, Antwerp, Ghent, Leuven, Liège, Namur, Charleroi",
    "BA": "Sarajevo, Banja Luka, Tuzla, Mostar, Zenica, Foča",
    "BG": "Sofia, Plovdiv, Varna, Pleven, Stara Zagora, Burgas",
    "HR": "Zagreb, Split, Rijeka, Osijek, Zadar, Pula, Dubrovnik, Varaždin",
    "CZ": "Prague, Brno, Olomouc, Ostrava, Plzeň, Hradec Králové, České Budějovice",
    "DK": "Copenhagen, Aarhus, Odense, Aalborg, Esbjerg",
    "EE": "Tartu, Tallinn, Pärnu, Narva, Viljandi",
    "FI": "Helsinki, Turku, Tampere, Oulu, Kuopio, Jyväskylä",
    "FR": "Paris, Lyon, Marseille, Toulouse, Lille, Bordeaux, Nantes, Strasbourg, Montpellier, "
    "Rennes, Nice, Grenoble, Dijon, Angers, Brest, Tours, Reims, Rouen, Clermont-Ferrand",
    "GE": "Tbilisi, Batumi, Kutaisi, Rustavi, Zugdidi",
    "DE": "Berlin, Munich, Hamburg, Cologne, Frankfurt, Heidelberg, Leipzig, Dresden, Freiburg, "
    "Tübingen, Göttingen, Münster, Bonn, Würzburg, Hannover, Mainz, Aachen, Kiel, Jena",
    "GR": "Athens, Thessaloniki, Patras, Heraklion, Ioannina, Larissa, Alexandroupoli",
    "HU": "Budapest, Debrecen, Szeged, Pécs, Győr",
    "IE": "Dublin, Cork, Galway, Limerick, Waterford",
    "IL": "Jerusalem, Tel Aviv, Haifa, Beersheba, Safed, Petah Tikva",
    "IT": "Rome, Milan, Naples, Turin, Bologna, Florence, Padua, Genoa, Bari, Palermo, Pisa, "
    "Catania, Verona, Siena, Pavia, Parma, Trieste, Perugia, Messina",
    "LV": "Riga, Daugavpils, Liepāja, Jelgava, Valmiera",
    "LT": "Vilnius, Kaunas, Klaipėda, Šiauliai, Panevėžys",
    "LU": "Luxembourg, Esch-sur-Alzette, Differdange, Dudelange, Ettelbruck",
    "MT": "Msida, Valletta, Birkirkara, Mosta, Victoria",
    "ME": "Podgorica, Nikšić, Bar, Kotor, Cetinje",
    "NL": "Amsterdam, Rotterdam, Utrecht, Leiden, Groningen, Nijmegen, Maastricht",
    "MK": "Skopje, Bitola, Štip, Ohrid, Tetovo",
    "NO": "Oslo, Bergen, Trondheim, Tromsø, Stavanger",
    "PL": "Warsaw, Kraków, Łódź, Wrocław, Poznań, Gdańsk, Lublin, Katowice, Szczecin, "
    "Białystok, Bydgoszcz, Rzeszów, Olsztyn, Zielona Góra, Kielce, Opole, Zabrze, Gdynia",
    "PT": "Lisbon, Porto, Coimbra, Braga, Covilhã, Faro",
    "RO": "Bucharest, Cluj-Napoca, Iași, Timișoara, Târgu Mureș, Craiova, Constanța, Oradea",
    "RU": "Moscow, Saint Petersburg, Novosibirsk, Yekaterinburg, Nizhny Novgorod, Samara, "
    "Rostov-on-Don, Krasnoyarsk, Voronezh, Volgograd, Perm, Omsk, Ufa, Tomsk, Irkutsk, "
    "Saratov, Kursk, Smolensk",
    "Russia (Tatarstan)": "Kazan, Naberezhnye Chelny, Almetyevsk, Nizhnekamsk, Yelabuga",
    "RS": "Belgrade, Novi Sad, Niš, Kragujevac, Kosovska Mitrovica",
    "SK": "Bratislava, Košice, Martin, Banská Bystrica, Nitra",
    "SI": "Ljubljana, Maribor, Celje, Koper, Kranj",
    "ES": "Madrid, Valencia, Seville, Zaragoza, Málaga, Granada, Salamanca, Valladolid, "
    "Santiago de Compostela, Oviedo, Murcia, Córdoba, Cádiz, Bilbao, Pamplona, Santander, "
    "Alicante, Badajoz",
    "Spain (Catalonia)": "Barcelona, Girona, Lleida, Tarragona, Reus, Sabadell, Manresa",
    "SE": "Stockholm, Gothenburg, Uppsala, Lund, Linköping, Umeå, Örebro",
    "CH": "Zurich, Geneva, Bern, Basel, Lausanne, Fribourg",
    "TR": "Istanbul, Ankara, Izmir, Bursa, Antalya, Konya, Adana, Kayseri, Samsun, Trabzon, "
    "Erzurum, Eskişehir, Diyarbakir, Gaziantep, Sivas, Malatya, Edirne, Denizli, Manisa",
    "UA": "Kyiv, Lviv, Kharkiv, Odesa, Dnipro, Vinnytsia, Ivano-Frankivsk, Zaporizhzhia",
    "GB": "London, Manchester, Birmingham, Edinburgh, Glasgow, Leeds, Liverpool, Bristol, "
    "Newcastle, Sheffield, Nottingham, Cardiff, Oxford, Cambridge, Southampton, Leicester, "
    "Aberdeen, Dundee, Belfast",
    "IS": "Reykjavík, Akureyri, Kópavogur, Hafnarfjörður, Selfoss",
    "AL": "Tirana, Durrës, Shkodër, Vlorë, Elbasan",
    "AM": "Yerevan, Gyumri, Vanadzor, Vagharshapat, Abovyan",
    "AZ": "Baku, Ganja, Sumqayit, Mingachevir, Lankaran",
    "CY": "Nicosia, Limassol, Larnaca, Paphos, Famagusta",
    "MD": "Chișinău, Bălți, Cahul, Orhei, Soroca",
    "BY": "Minsk, Grodno, Vitebsk, Gomel, Brest, Mogilev",
}

# Where a local language is widely needed in hospitals, on top of English.
LOCAL_LANGUAGES = {
    "AR": "Spanish",
    "BO": "Spanish",
    "CL": "Spanish",
    "CO": "Spanish",
    "CR": "Spanish",
    "CU": "Spanish",
    "DO": "Spanish",
    "EC": "Spanish",
    "ES": "Spanish",
    "GT": "Spanish",
    "HN": "Spanish",
    "MX": "Spanish",
    "PA": "Spanish",
    "PE": "Spanish",
    "PY": "Spanish",
    "UY": "Spanish",
    "VE": "Spanish",
    "BR": "Portuguese",
    "PT": "Portuguese",
    "FR": "French",
    "BE": "French",
    "LU": "French",
    "CH": "German",
    "DE": "German",
    "AT": "German",
    "IT": "Italian",
    "RU": "Russian",
    "BY": "Russian",
    "KZ": "Russian",
    "UA": "Ukrainian",
    "PL": "Polish",
    "CZ": "Czech",
    "SK": "Slovak",
    "HR": "Croatian",
    "RS": "Serbian",
    "TR": "Turkish",
    "JP": "Japanese",
    "CN": "Chinese",
    "TW": "Chinese",
    "KR": "Korean",
    "EG": "Arabic",
    "JO": "Arabic",
    "LB": "Arabic",
    "MA": "French",
    "TN": "French",
    "DZ": "French",
    "SA": "Arabic",
    "SY": "Arabic",
    "IQ": "Arabic",
    "GR": "Greek",
    "HU": "Hungarian",
    "RO": "Romanian",
    "ID": "Indonesian",
    "TH": "Thai",
    "VN": "Vietnamese",
    "SN": "French",
    "CI": "French",
    "CM": "French",
    "BF": "French",
    "IR": "Persian",
}

SPECIALTIES = (
    "Cardiology",
    "General Surgery",
    "Pediatrics",
    "Internal Medicine",
    "Obstetrics and Gynecology",
    "Neurology",
    "Emergency Medicine",
    "Orthopedics",
    "Dermatology",
    "Psychiatry",
    "Oncology",
    "Infectious Diseases",
    "Anesthesiology",
    "Radiology",
    "Ophthalmology",
    "Otorhinolaryngology",
    "Nephrology",
    "Gastroenterology",
    "Endocrinology",
    "Pulmonology",
    "Urology",
    "Neurosurgery",
    "Cardiac Surgery",
    "Family Medicine",
    "Intensive Care",
    "Hematology",
    "Rheumatology",
    "Plastic Surgery",
    "Tropical Medicine",
    "Geriatrics",
)
HOSPITAL_NAMES = (
    "University Hospital {city}",
    "{city} General Hospital",
    "Clinical Hospital Centre {city}",
    "{city} Teaching Hospital",
    "Regional Hospital {city}",
    "{city} Children's Hospital",
)
RESEARCH_FIELDS = {
    "Oncology": (
        "tumour microenvironment in colorectal cancer",
        "liquid biopsy markers in lung cancer",
        "immunotherapy response in melanoma",
    ),
    "Cardiology": (
        "arrhythmia after cardiac surgery",
        "heart failure readmissions",
        "lipid profiles in young adults",
    ),
    "Neuroscience": (
        "synaptic plasticity in a mouse model",
        "stroke rehabilitation outcomes",
        "biomarkers of early Alzheimer's disease",
    ),
    "Infectious Diseases": (
        "antimicrobial resistance in hospital isolates",
        "tuberculosis treatment adherence",
        "dengue seroprevalence",
    ),
    "Immunology": (
        "T-cell exhaustion in chronic infection",
        "allergy in school children",
        "autoantibodies in lupus",
    ),
    "Public Health": (
        "vaccination coverage in rural districts",
        "smoking cessation in students",
        "road traffic injuries",
    ),
    "Endocrinology": (
        "insulin resistance in adolescents",
        "thyroid nodules in ultrasound screening",
        "gestational diabetes outcomes",
    ),
    "Genetics": (
        "rare variants in congenital heart disease",
        "pharmacogenomics of warfarin",
        "CRISPR screening in cell lines",
    ),
    "Pediatrics": ("neonatal sepsis", "growth in preterm infants", "asthma control in children"),
    "Psychiatry": (
        "depression screening in primary care",
        "sleep and burnout in medical students",
        "early psychosis follow-up",
    ),
    "Pharmacology": (
        "drug interactions in the elderly",
        "a new antifungal compound in vitro",
        "adverse drug reactions reporting",
    ),
    "Surgery": (
        "outcomes of laparoscopic hernia repair",
        "surgical site infections",
        "enhanced recovery after colorectal surgery",
    ),
}
PROJECT_TITLE_FORMS = (
    "{Topic}",
    "A study of {topic}",
    "{Topic}: a prospective cohort",
    "{Topic}: a retrospective analysis",
    "Mechanisms of {topic}",
)
METHODS = {
    ProjectType.BASIC: "Cell culture, Western blot, PCR, microscopy and statistical analysis.",
    ProjectType.CLINICAL_WITH_LAB: "Patient recruitment, sample collection, ELISA and PCR, "
    "data analysis.",
    ProjectType.CLINICAL_WITHOUT_LAB: "Chart review, questionnaires, patient interviews and "
    "statistical analysis.",
}
PREREQUISITES = (
    "None beyond basic statistics.",
    "Basic laboratory skills.",
    "Completed pharmacology course.",
    "Experience with R or SPSS is an advantage.",
    "Good command of English; basic knowledge of the local language helps.",
)
EXPECTED_OUTPUTS = (
    "A written report and a presentation to the research group.",
    "An abstract for a conference.",
    "Co-authorship of a manuscript when the student contributes substantially.",
    "A poster at the department's research day.",
)
ACCOMMODATION = (
    "Student dormitory",
    "Host family",
    "Shared flat with local students",
    "Hostel near the hospital",
)
MEALS = (
    "One meal a day at the hospital canteen",
    "Two meals a day",
    "A meal allowance",
    "Breakfast at the dormitory",
)
CANCELLATION_POLICIES = (
    "Cancellations less than 8 weeks before the start lose the fee.",
    "The fee is refunded for cancellations up to 12 weeks before the start.",
    "A cancellation after the card of acceptance costs the sending NMO the slot next season.",
    "Cancellations must be sent by the national officer in writing; the fee is not refunded.",
)
FIRST_NAMES = (
    "Ana",
    "Luka",
    "Maria",
    "Ivan",
    "Sofia",
    "Mateo",
    "Amara",
    "Chen",
    "Fatima",
    "Omar",
    "Priya",
    "Arjun",
    "Yuki",
    "Hiroshi",
    "Elena",
    "Jonas",
    "Lea",
    "Noah",
    "Aisha",
    "Kwame",
    "Camila",
    "Diego",
    "Nadia",
    "Tomas",
    "Ingrid",
    "Mehmet",
    "Zeynep",
    "Olga",
    "Pavel",
    "Grace",
    "Samuel",
    "Leila",
    "Karim",
    "Hana",
    "Minh",
    "Sara",
    "David",
    "Eva",
    "Paulo",
    "Lucia",
)
LAST_NAMES = (
    "Horvat",
    "Kovač",
    "Silva",
    "Santos",
    "Müller",
    "Schmidt",
    "Rossi",
    "Bianchi",
    "Nowak",
    "Novak",
    "García",
    "López",
    "Okafor",
    "Mensah",
    "Haddad",
    "Khan",
    "Patel",
    "Sharma",
    "Tanaka",
    "Sato",
    "Kim",
    "Park",
    "Nguyen",
    "Wang",
    "Li",
    "Ivanova",
    "Petrov",
    "Yilmaz",
    "Demir",
    "Dubois",
    "Martin",
    "Jensen",
    "Andersen",
    "Papadopoulos",
    "Nagy",
    "Popescu",
    "Smith",
    "Brown",
    "Costa",
    "Mwangi",
)
MOTIVATIONS = (
    "I want to see how {field} is practised in another health system.",
    "I plan to specialise in {field} and want clinical experience abroad.",
    "I am curious about {field} and about the culture of the host country.",
    "A research stay in {field} would prepare me for my thesis.",
)
TRANSPORTS = ("Flight", "Train", "Bus", "Car")
REJECT_REASONS_HOME = (
    "Not enough points for a slot with this host this season.",
    "The application was incomplete at the national deadline.",
)
REJECT_REASONS_HOST = (
    "No department has capacity in the requested month.",
    "The student's year of study is below the host's minimum.",
    "The language certificate does not meet the host's requirement.",
)
WITHDRAW_REASONS = (
    "Exam dates at my university changed.",
    "Personal reasons.",
    "I could not get a visa in time.",
    "I was offered a research position at home.",
)
CANCEL_REASONS = (
    "The host department closed for renovation.",
    "The student did not send the card of confirmation in time.",
    "Visa refused.",
    "The host LC could not provide accommodation.",
)
EVALUATION_COMMENTS = (
    "Great supervision and a warm welcome from the LC.",
    "Very instructive; the language barrier was the hardest part.",
    "Accommodation was basic but the department was excellent.",
    "I would recommend this placement to every student.",
    "",
)

# The path to each state of progress: the action that reaches it and who takes it.
PROGRESS = (
    State.DRAFT,
    State.SUBMITTED,
    State.NOMINATED,
    State.ACCEPTED,
    State.CONFIRMED,
    State.IN_PROGRESS,
    State.COMPLETED,
    State.CERTIFIED,
)
FORWARD = {
    State.SUBMITTED: (Action.SUBMIT, Actor.STUDENT),
    State.NOMINATED: (Action.NOMINATE, Actor.HOME_NATIONAL_OFFICER),
    State.ACCEPTED: (Action.ACCEPT, Actor.HOST_NATIONAL_OFFICER),
    State.CONFIRMED: (Action.CONFIRM, Actor.STUDENT),
    State.IN_PROGRESS: (Action.MARK_ARRIVED, Actor.HOST_LOCAL_OFFICER),
    State.COMPLETED: (Action.SUBMIT_EVALUATION, Actor.STUDENT),
    State.CERTIFIED: (Action.CERTIFY, Actor.HOST_LOCAL_OFFICER),
}
# How far a closed application got before it was closed.
WITHDRAWN_FROM = {
    State.DRAFT: 3,
    State.SUBMITTED: 4,
    State.NOMINATED: 2,
    State.ACCEPTED: 2,
    State.CONFIRMED: 1,
}
CANCELLED_FROM = {
    State.SUBMITTED: 2,
    State.NOMINATED: 3,
    State.ACCEPTED: 3,
    State.CONFIRMED: 2,
    State.IN_PROGRESS: 1,
}


@dataclass
class _Nmo:
    id: int
    code: str
    acronym: str
    country_code: str
    country_name: str
    region: str
    programs: tuple[str, ...]
    lc_ids: list[int] = field(default_factory=list)


@dataclass
class _Placement:
    id: int
    nmo_id: int
    lc_id: int
    kind: PlacementKind
    field: str
    weeks: int
    capacity: dict[int, int]


@dataclass
class _Contract:
    id: int
    program: str
    sending_nmo_id: int
    host_nmo_id: int
    slots: dict[int, int]


@dataclass
class _PlannedApplication:
    """An application before it is numbered and written: its columns and its path."""

    row: dict
    preferences: list[int]
    steps: list[tuple[Action, Actor, int | None, datetime, str | None]]
    evaluation: dict | None = None
    for_demo_student: bool = False


def database_is_empty() -> bool:
    """True when the database has no NMO yet."""
    return db.session.scalar(select(NMO.id).limit(1)) is None


def demo_logins() -> list[tuple[str, str]]:
    """One (role label, email) per role, for the demo accounts that ``seed_demo`` creates."""
    return [
        ("admin", ADMIN_EMAIL),
        ("national officer", NEO_EMAIL),
        ("local officer", LEO_EMAIL),
        ("student", STUDENT_EMAIL),
    ]


def seed_demo(season_code: str = "2026/27", applications: int = 2000, seed: int = 2026) -> str:
    """Build the demo federation in the session (flushed, not committed); return a summary."""
    if not database_is_empty():
        raise DomainError("The database has NMOs already; the demo federation needs an empty one.")
    if applications < 0:
        raise DomainError("The number of applications cannot be negative.")
    builder = _DemoBuilder(random.Random(seed), _season(season_code))
    builder.build(applications)
    return builder.summary(seed)


def _season(code: str) -> Season:
    match = re.fullmatch(r"(\d{4})/(\d{2})", code)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise DomainError(f"A season code looks like 2026/27, not {code!r}.")
    existing = db.session.scalar(select(Season).where(Season.code == code))
    if existing is not None:
        return existing
    start = int(match[1])
    season = Season(code=code, starts_on=date(start, 4, 1), ends_on=date(start + 1, 3, 31))
    db.session.add(season)
    db.session.flush()
    return season


def _first_free_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _bulk_insert(model, rows: list[dict]) -> None:
    """One executemany on the model's table: every row has the same keys, ids included."""
    if rows:
        # Core, not the ORM's bulk insert, which splits rows into many small batches.
        db.session.execute(insert(model.__table__), rows)


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _weighted_sample(rng: random.Random, weights: dict, k: int) -> list:
    """Up to ``k`` distinct keys of ``weights``, heavier ones more likely."""
    items, item_weights, chosen = list(weights), list(weights.values()), []
    for _ in range(min(k, len(items))):
        index = rng.choices(range(len(items)), item_weights)[0]
        chosen.append(items.pop(index))
        item_weights.pop(index)
    return chosen


def _season_order(months) -> list[int]:
    return sorted(months, key=SEASON_MONTHS.index)


def _nmo_code(acronym: str, taken: set[str]) -> str:
    """A short, URL-safe, upper-case code from an acronym, made unique with a suffix."""
    plain = unicodedata.normalize("NFKD", acronym).encode("ascii", "ignore").decode()
    code = re.sub(r"[^A-Z0-9]+", "-", plain.upper()).strip("-")[:20] or "NMO"
    candidate, number = code, 2
    while candidate in taken:
        candidate, number = f"{code}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _quotas(total: int, weights: dict) -> dict:
    """Split ``total`` by ``weights`` with the largest remainders, so the sum is exact."""
    weight_sum = sum(weights.values())
    exact = {key: total * weight / weight_sum for key, weight in weights.items()}
    quotas = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(weights, key=lambda key: exact[key] - quotas[key], reverse=True)
    for key in by_remainder[: total - sum(quotas.values())]:
        quotas[key] += 1
    return quotas


class _DemoBuilder:
    """Builds the federation part by part; keeps what later parts need in memory."""

    def __init__(self, rng: random.Random, season: Season):
        self.rng = rng
        self.season = season
        # Everything demo-made "exists" from half a year before the season.
        self.founded_at = _at(season.starts_on - timedelta(days=200))
        self.programs = {p.code: p for p in db.session.scalars(select(Program))}
        self.password_hash = generate_password_hash(DEMO_PASSWORD)
        self.nmos: list[_Nmo] = []
        self.lc_city: dict[int, str] = {}
        self.months_not_hosted: dict[tuple[int, str], list[int]] = {}
        self.contracts: list[_Contract] = []
        self.contract_kinds: list[tuple[_Contract, ContractKind]] = []
        self.placements: list[_Placement] = []
        self.placements_of: dict[tuple[int, PlacementKind], list[_Placement]] = defaultdict(list)
        self.users: list[dict] = []
        self.memberships: list[dict] = []
        self.next_user_id = _first_free_id(User)
        self.national_officer: dict[tuple[int, str], int] = {}
        self.local_officer: dict[tuple[int, str], dict] = {}
        self.planned: list[_PlannedApplication] = []
        self.state_counts: Counter = Counter()

    # ---- the parts, in order

    def build(self, applications: int) -> None:
        self.add_nmos()
        self.add_local_committees()
        self.add_exchange_conditions()
        self.add_contracts()
        self.add_placements()
        self.add_officers()
        self.plan_applications(applications)
        self.add_students_and_applications()
        self.sync_sequences()
        db.session.flush()

    def add_nmos(self) -> None:
        regions = {r.name: r.id for r in db.session.scalars(select(Region))}
        rows = self._nmo_rows_from_csv()
        rows += self._generated_nmo_rows(rows, TARGET_NMOS - len(rows))
        taken: set[str] = set()
        next_id = _first_free_id(NMO)
        demo = next((r for r in rows if r["acronym"] == DEMO_NMO_ACRONYM), None) or next(
            r for r in rows if r["region"] == "Europe"
        )
        for number, row in enumerate(rows):
            # Most NMOs take part in both programs; some only in SCOPE. The demo NMO in both.
            scope_only = row is not demo and self.rng.random() < 0.15
            self.nmos.append(
                _Nmo(
                    id=next_id + number,
                    code=_nmo_code(row["acronym"], taken),
                    acronym=row["acronym"],
                    country_code=row["country_code"],
                    country_name=row["country"],
                    region=row["region"],
                    programs=("SCOPE",) if scope_only else ("SCOPE", "SCORE"),
                )
            )
        self.demo_nmo = self.nmos[rows.index(demo)]
        self.nmo_by_id = {nmo.id: nmo for nmo in self.nmos}
        _bulk_insert(
            NMO,
            [
                {
                    "id": nmo.id,
                    "code": nmo.code,
                    "acronym": nmo.acronym,
                    "name": row["full_name"],
                    "country_code": nmo.country_code,
                    "country_name": nmo.country_name,
                    "region_id": regions[nmo.region],
                    "is_active": True,
                    "created_at": self.founded_at,
                }
                for nmo, row in zip(self.nmos, rows, strict=True)
            ],
        )
        db.session.execute(
            insert(nmo_programs),
            [
                {"nmo_id": nmo.id, "program_id": self.programs[code].id}
                for nmo in self.nmos
                for code in nmo.programs
            ],
        )

    def _nmo_rows_from_csv(self) -> list[dict]:
        with NMOS_CSV.open(encoding="utf-8", newline="") as file:
            rows = [dict(row) for row in csv.DictReader(file)]
        for row in rows:
            if not row["full_name"]:
                row["full_name"] = f"Medical Students' Association of {row['country']}"
            if not row["acronym"]:
                row["acronym"] = f"{row['country_code']}MSA"
        return rows

    def _generated_nmo_rows(self, existing: list[dict], missing: int) -> list[dict]:
        """NMOs for countries nmos.csv lacks, taken from each region in turn."""
        present = {row["country_code"] for row in existing}
        queues = {
            region: [code for code in codes if code not in present]
            for region, codes in EXTRA_COUNTRIES.items()
        }
        rows: list[dict] = []
        while len(rows) < missing and any(queues.values()):
            for region, queue in queues.items():
                if queue and len(rows) < missing:
                    country = pycountry.countries.get(alpha_2=queue.pop(0))
                    name = getattr(country, "common_name", None) or country.name
                    rows.append(
                        {
                            "country_code": country.alpha_2,
                            "country": name,
                            "acronym": f"{country.alpha_2}MSA",
                            "full_name": f"Medical Students' Association of {name}",
                            "region": region,
                        }
                    )
        return rows

    def add_local_committees(self) -> None:
        rows = []
        next_id = _first_free_id(LocalCommittee)
        for nmo in self.nmos:
            listed = CITIES.get(nmo.country_name) or CITIES.get(nmo.country_code, "")
            cities = [city for city in listed.split(", ") if city]
            if nmo.country_code in BIG_COUNTRIES and "(" not in nmo.country_name:
                count = self.rng.randint(14, 20)
            else:
                count = self.rng.randint(5, 10)
            # Small countries have few medical schools: no more LCs than the cities listed.
            count = min(count, max(len(cities), 5))
            for index in range(count):
                if index < len(cities):
                    city, name = cities[index], f"LC {cities[index]}"
                else:
                    # No more real cities listed: a plain numbered LC of the country.
                    city, name = nmo.country_name, f"LC {nmo.country_name} {index + 1}"
                lc_id = next_id + len(rows)
                nmo.lc_ids.append(lc_id)
                self.lc_city[lc_id] = city
                rows.append(
                    {
                        "id": lc_id,
                        "nmo_id": nmo.id,
                        "name": name,
                        "city": city,
                        "university": f"Faculty of Medicine, {city}",
                        "created_at": self.founded_at,
                    }
                )
        _bulk_insert(LocalCommittee, rows)

    def add_exchange_conditions(self) -> None:
        rng, rows = self.rng, []
        for nmo in self.nmos:
            local = LOCAL_LANGUAGES.get(nmo.country_code)
            for code in nmo.programs:
                closed = rng.choice(([], [], [], [12], [12, 1], [1, 2], [3], [10, 11]))
                self.months_not_hosted[(nmo.id, code)] = closed
                min_year = rng.choice((2, 3, 3, 4))
                documents = ["cv", "motivation_letter", "proof_of_enrollment"]
                documents += rng.sample(DOCUMENT_KINDS[2:], rng.randint(1, 4))
                rows.append(
                    {
                        "nmo_id": nmo.id,
                        "program_id": self.programs[code].id,
                        "season_id": self.season.id,
                        "fee_amount": Decimal(rng.choice((0, 0, 50, 100, 150, 200, 300, 400))),
                        "fee_currency": rng.choice(("EUR", "EUR", "EUR", "USD")),
                        "min_study_year": min_year,
                        "max_study_year": rng.randint(max(min_year, 5), 7),
                        "languages": ["English", local] if local else ["English"],
                        "required_documents": sorted(set(documents), key=DOCUMENT_KINDS.index),
                        "accommodation": rng.choice(ACCOMMODATION),
                        "meals": rng.choice(MEALS),
                        "months_not_hosted": closed,
                        "application_lead_weeks": rng.randint(8, 16),
                        "cancellation_policy": rng.choice(CANCELLATION_POLICIES),
                        "notes": "",
                        "updated_at": self.founded_at,
                    }
                )
        _bulk_insert(ExchangeConditions, rows)

    def add_contracts(self) -> None:
        rng = self.rng
        # Each NMO signs 50 to 80 contracts; about a fifth of them are SCORE where it can.
        need: dict[str, dict[int, int]] = {"SCOPE": {}, "SCORE": {}}
        for nmo in self.nmos:
            total = rng.randint(50, 80)
            score = round(total * rng.uniform(0.15, 0.3)) if "SCORE" in nmo.programs else 0
            need["SCOPE"][nmo.id] = total - score
            if score:
                need["SCORE"][nmo.id] = score
        next_id = _first_free_id(Contract)
        for code in ("SCOPE", "SCORE"):
            self._pair_contracts(code, need[code], next_id + len(self.contracts))
        signed_at = _at(self.season.starts_on - timedelta(days=20))
        _bulk_insert(
            Contract,
            [
                {
                    "id": contract.id,
                    "season_id": self.season.id,
                    "program_id": self.programs[contract.program].id,
                    "sending_nmo_id": contract.sending_nmo_id,
                    "host_nmo_id": contract.host_nmo_id,
                    "kind": kind,
                    "notes": None,
                    "created_at": signed_at,
                }
                for contract, kind in self.contract_kinds
            ],
        )
        _bulk_insert(
            ContractSlot,
            [
                {"contract_id": contract.id, "month": month, "slots": slots}
                for contract in self.contracts
                for month, slots in contract.slots.items()
            ],
        )

    def _pair_contracts(self, code: str, need: dict[int, int], first_id: int) -> None:
        """Pair NMOs until each has about as many contracts as it needs; same region first."""
        rng = self.rng
        region = {nmo.id: nmo.region for nmo in self.nmos}
        members = list(need)
        order = members[:]
        rng.shuffle(order)
        partners: dict[int, set[int]] = defaultdict(set)
        next_id = first_id
        for a in order:
            while need[a] > 0:
                candidates = [b for b in members if b != a and need[b] > 0 and b not in partners[a]]
                if not candidates:
                    break
                weights = [need[b] * (3 if region[b] == region[a] else 1) for b in candidates]
                b = rng.choices(candidates, weights)[0]
                partners[a].add(b)
                partners[b].add(a)
                if need[a] >= 2 and need[b] >= 2 and rng.random() < 0.7:
                    # Bilateral: each side sends and hosts the same slots.
                    slots = self._contract_slots(code, (a, b))
                    for sender, host in ((a, b), (b, a)):
                        contract = _Contract(next_id, code, sender, host, dict(slots))
                        self._add_contract(contract, ContractKind.BILATERAL)
                        next_id += 1
                    need[a] -= 2
                    need[b] -= 2
                else:
                    sender, host = (a, b) if rng.random() < 0.5 else (b, a)
                    contract = _Contract(next_id, code, sender, host, {})
                    contract.slots = self._contract_slots(code, (host,))
                    self._add_contract(contract, ContractKind.UNILATERAL)
                    next_id += 1
                    need[a] -= 1
                    need[b] -= 1

    def _add_contract(self, contract: _Contract, kind: ContractKind) -> None:
        self.contracts.append(contract)
        self.contract_kinds.append((contract, kind))

    def _contract_slots(self, code: str, hosts: tuple[int, ...]) -> dict[int, int]:
        """Slots per month, in months every host hosts, mostly July and August."""
        closed = {m for host in hosts for m in self.months_not_hosted[(host, code)]}
        open_months = {m: w for m, w in MONTH_WEIGHTS.items() if m not in closed}
        months = _weighted_sample(self.rng, open_months, self.rng.choice((1, 2, 2, 3, 3, 4)))
        return {m: self.rng.choice((1, 1, 2, 2, 3)) for m in _season_order(months)}

    def add_placements(self) -> None:
        rng, rows, capacities = self.rng, [], []
        next_id = _first_free_id(Placement)
        for nmo in self.nmos:
            local = LOCAL_LANGUAGES.get(nmo.country_code)
            languages = ["English", local] if local and rng.random() < 0.5 else ["English"]
            for lc_id in nmo.lc_ids:
                city = self.lc_city[lc_id]
                hospitals = [h.format(city=city) for h in rng.sample(HOSPITAL_NAMES, 2)]
                for specialty in rng.sample(SPECIALTIES, rng.randint(4, 7)):
                    placement = self._placement(
                        next_id + len(rows), nmo, lc_id, PlacementKind.DEPARTMENT, specialty, 4
                    )
                    rows.append(
                        self._department_row(placement, city, rng.choice(hospitals), languages)
                    )
                if "SCORE" in nmo.programs:
                    for research_field in rng.sample(sorted(RESEARCH_FIELDS), rng.randint(3, 6)):
                        weeks = rng.choice((4, 4, 4, 8, 8))
                        placement = self._placement(
                            next_id + len(rows),
                            nmo,
                            lc_id,
                            PlacementKind.RESEARCH_PROJECT,
                            research_field,
                            weeks,
                        )
                        rows.append(self._project_row(placement, city))
        for placement in self.placements:
            for month, capacity in placement.capacity.items():
                capacities.append(
                    {
                        "placement_id": placement.id,
                        "season_id": self.season.id,
                        "month": month,
                        "capacity": capacity,
                    }
                )
        _bulk_insert(Placement, rows)
        _bulk_insert(PlacementCapacity, capacities)

    def _placement(self, placement_id, nmo, lc_id, kind, placement_field, weeks) -> _Placement:
        code = "SCOPE" if kind == PlacementKind.DEPARTMENT else "SCORE"
        closed = self.months_not_hosted[(nmo.id, code)]
        capacity = {}
        for month in SEASON_MONTHS:
            if month in closed:
                capacity[month] = 0
            elif month in PEAK_MONTHS:
                capacity[month] = self.rng.choice((1, 2, 2, 3, 3))
            elif month in SHOULDER_MONTHS:
                capacity[month] = self.rng.choice((0, 1, 1, 2))
            else:
                capacity[month] = self.rng.choice((0, 0, 1, 1, 2))
        placement = _Placement(placement_id, nmo.id, lc_id, kind, placement_field, weeks, capacity)
        self.placements.append(placement)
        self.placements_of[(nmo.id, kind)].append(placement)
        return placement

    def _placement_row(self, placement: _Placement, city: str) -> dict:
        # Every row carries every column, so one executemany covers both kinds.
        return {
            "id": placement.id,
            "kind": placement.kind,
            "nmo_id": placement.nmo_id,
            "lc_id": placement.lc_id,
            "field": placement.field,
            "city": city,
            "closed_at": None,
            "weeks": placement.weeks,
            "created_at": self.founded_at,
            "hospital": None,
            "supervisor": None,
            "project_type": None,
            "methods": None,
            "prerequisites": None,
            "expected_output": None,
        }

    def _department_row(self, placement, city, hospital, languages) -> dict:
        return self._placement_row(placement, city) | {
            "title": f"Department of {placement.field}",
            "hospital": hospital,
            "description": f"Ward rounds, outpatient clinics and on-call duties in "
            f"{placement.field.lower()} at {hospital}.",
            "languages": languages,
        }

    def _project_row(self, placement: _Placement, city: str) -> dict:
        rng = self.rng
        topic = rng.choice(RESEARCH_FIELDS[placement.field])
        form = rng.choice(PROJECT_TITLE_FORMS)
        project_type = rng.choice(list(ProjectType))
        return self._placement_row(placement, city) | {
            "title": form.format(topic=topic, Topic=topic[0].upper() + topic[1:]),
            "description": f"A {placement.weeks}-week project on {topic} in {city}.",
            "languages": ["English"],
            "supervisor": f"{rng.choice(('Prof.', 'Dr.'))} {self._person_name()}",
            "project_type": project_type,
            "methods": METHODS[project_type],
            "prerequisites": rng.choice(PREREQUISITES),
            "expected_output": rng.choice(EXPECTED_OUTPUTS),
        }

    def _person_name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _add_user(self, email: str, role: Role, year_of_study: int | None = None, **scope) -> dict:
        user = {
            "id": self.next_user_id,
            "email": email,
            "name": self._person_name(),
            "password_hash": self.password_hash,
            "year_of_study": year_of_study,
            "is_active": True,
            "last_login_at": None,
            "created_at": self.founded_at,
        }
        self.next_user_id += 1
        self.users.append(user)
        membership = {"nmo_id": None, "lc_id": None, "program_id": None} | scope
        self.memberships.append(
            membership | {"user_id": user["id"], "role": role, "created_at": self.founded_at}
        )
        return user

    def add_officers(self) -> None:
        self.admin = self._add_user(ADMIN_EMAIL, Role.ADMIN)
        titles = {"SCOPE": ("neo", "leo"), "SCORE": ("nore", "lore")}
        for nmo in self.nmos:
            for code in nmo.programs:
                national, local = titles[code]
                program_id = self.programs[code].id
                demo = nmo is self.demo_nmo and code == "SCOPE"
                email = NEO_EMAIL if demo else f"{national}.{nmo.code.lower()}@demo.exchange"
                user = self._add_user(
                    email, Role.NATIONAL_OFFICER, nmo_id=nmo.id, program_id=program_id
                )
                self.national_officer[(nmo.id, code)] = user["id"]
                for number, lc_id in enumerate(nmo.lc_ids, start=1):
                    email = f"{local}.{nmo.code.lower()}.{number}@demo.exchange"
                    if demo and number == 1:
                        email = LEO_EMAIL
                    user = self._add_user(
                        email, Role.LOCAL_OFFICER, nmo_id=nmo.id, lc_id=lc_id, program_id=program_id
                    )
                    self.local_officer[(lc_id, code)] = user

    # ---- applications

    def plan_applications(self, total: int) -> None:
        """Plan every application: state, contract slot, placement, dates and history."""
        rng = self.rng
        self._prepare_pools()
        states = [state for state, n in _quotas(total, STATE_WEIGHTS).items() for _ in range(n)]
        rng.shuffle(states)
        # The first application of each of these states goes to the demo student.
        demo_states = list(DEMO_STUDENT_STATES)
        for state in states:
            for_demo = state in demo_states
            if for_demo:
                demo_states.remove(state)
            program = "SCOPE" if for_demo or rng.random() < 0.85 else "SCORE"
            self.planned.append(self._plan(state, program, for_demo))

    def _prepare_pools(self) -> None:
        """Slot units (one per student place) per program, and who may draw from them."""
        rng = self.rng
        self.slots_left = {
            (c.id, month): slots for c in self.contracts for month, slots in c.slots.items()
        }
        self.capacity_left = {
            (p.id, month): capacity
            for p in self.placements
            for month, capacity in p.capacity.items()
        }
        demo_id = self.demo_nmo.id
        pools = {
            "all": lambda c: True,
            "demo": lambda c: demo_id in (c.sending_nmo_id, c.host_nmo_id),
            "demo_sent": lambda c: c.sending_nmo_id == demo_id,
        }
        self.contract_pool: dict[tuple[str, str], list[_Contract]] = {}
        self.unit_pool: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for code in ("SCOPE", "SCORE"):
            for name, belongs in pools.items():
                contracts = [c for c in self.contracts if c.program == code and belongs(c)]
                units = [(c.id, m) for c in contracts for m, n in c.slots.items() for _ in range(n)]
                rng.shuffle(units)
                self.contract_pool[(code, name)] = contracts
                self.unit_pool[(code, name)] = units
        self.contract_by_id = {c.id: c for c in self.contracts}

    def _plan(self, state: State, program: str, for_demo: bool) -> _PlannedApplication:
        rng = self.rng
        pool = "demo_sent" if for_demo else ("demo" if rng.random() < 0.06 else "all")
        if not self.contract_pool[(program, pool)]:
            pool = "all"
        reached, closing = self._reached(state)
        contract, month = self._contract_and_month(program, pool, reached, state)
        if contract is None:
            # No slot left anywhere: the application waits, submitted, for a nomination.
            state, reached, closing = State.SUBMITTED, State.SUBMITTED, None
            contract = rng.choice(self.contract_pool[(program, pool)])
        # A slot of another NMO's contract (the demo pool ran dry) is not the demo student's.
        for_demo = for_demo and contract.sending_nmo_id == self.demo_nmo.id
        kind = PlacementKind.DEPARTMENT if program == "SCOPE" else PlacementKind.RESEARCH_PROJECT
        placement = None
        if PROGRESS.index(reached) >= PROGRESS.index(State.ACCEPTED):
            placement = self._placement_for(contract.host_nmo_id, kind, month, state in HOLDS_PLACE)
            if placement is None:
                # Every department of the host is full that month: the CA is still to come.
                state, reached, closing = State.NOMINATED, State.NOMINATED, None
        return self._planned_application(
            state, reached, closing, program, contract, month, placement, for_demo
        )

    def _reached(self, state: State) -> tuple[State, State | None]:
        """The furthest state of progress, and the closing state when the application closed."""
        if state in PROGRESS:
            return state, None
        if state == State.REJECTED:
            return self.rng.choice((State.SUBMITTED, State.SUBMITTED, State.NOMINATED)), state
        weights = WITHDRAWN_FROM if state == State.WITHDRAWN else CANCELLED_FROM
        return self.rng.choices(list(weights), list(weights.values()))[0], state

    def _contract_and_month(self, program, pool, reached, state):
        """A contract (and month) for the application; a slot is taken only when it holds one."""
        rng = self.rng
        if state in HOLDS_CONTRACT_SLOT:
            for name in (pool, "all"):
                units = self.unit_pool[(program, name)]
                while units:
                    contract_id, month = units.pop()
                    if self.slots_left[(contract_id, month)] > 0:
                        self.slots_left[(contract_id, month)] -= 1
                        return self.contract_by_id[contract_id], month
            return None, None
        contract = rng.choice(self.contract_pool[(program, pool)])
        if PROGRESS.index(reached) >= PROGRESS.index(State.NOMINATED):
            # A closed application keeps the slot it had, without holding it any more.
            return contract, rng.choice([m for m, n in contract.slots.items() if n > 0])
        return contract, None

    def _placement_for(self, host_nmo_id, kind, month, holds_place) -> _Placement | None:
        """A placement of the host with room that month; room is taken only when held."""
        placements = self.placements_of[(host_nmo_id, kind)]
        if not holds_place:
            # A closed application keeps its placement without holding a place.
            open_ones = [p for p in placements if p.capacity[month] > 0]
            return self.rng.choice(open_ones or placements)
        candidates = [p for p in placements if self.capacity_left[(p.id, month)] > 0]
        if not candidates:
            return None
        placement = self.rng.choice(candidates)
        self.capacity_left[(placement.id, month)] -= 1
        return placement

    def _planned_application(
        self, state, reached, closing, program, contract, month, placement, for_demo
    ) -> _PlannedApplication:
        rng = self.rng
        host_id, home_id = contract.host_nmo_id, contract.sending_nmo_id
        home = self.nmo_by_id[home_id]
        home_lc_id = home.lc_ids[0] if for_demo else rng.choice(home.lc_ids)
        kind = PlacementKind.DEPARTMENT if program == "SCOPE" else PlacementKind.RESEARCH_PROJECT
        host_placements = self.placements_of[(host_id, kind)]
        months = set(
            _weighted_sample(rng, MONTH_WEIGHTS, rng.choice((1, 2, 2, 3)))
            if month is None
            else [month, *_weighted_sample(rng, MONTH_WEIGHTS, rng.choice((0, 1, 2)))]
        )
        timeline_month = month or rng.choice(sorted(months))
        starts_on = self.season.month_date(timeline_month) + timedelta(days=rng.choice((0, 0, 14)))
        weeks = placement.weeks if placement else 4
        ends_on = starts_on + timedelta(weeks=weeks)
        times = self._timeline(reached, starts_on, ends_on)
        at = PROGRESS.index(reached)
        host_lo = self.local_officer[(placement.lc_id, program)] if placement else None
        preference_field = placement.field if placement else rng.choice(host_placements).field
        row = {
            "program_id": self.programs[program].id,
            "season_id": self.season.id,
            "home_nmo_id": home_id,
            "home_lc_id": home_lc_id,
            "host_nmo_id": host_id,
            "state": state,
            "created_at": times[State.DRAFT],
            "months": _season_order(months),
            "languages": self._student_languages(home, host_id),
            "motivation": rng.choice(MOTIVATIONS).format(field=preference_field.lower()),
            "points": (Decimal(rng.randint(3000, 10000)) / 100 if at >= 1 else None),
            "host_points": (Decimal(rng.randint(3000, 10000)) / 100 if at >= 2 else None),
            "submitted_at": times.get(State.SUBMITTED),
            "contract_id": contract.id if at >= 2 else None,
            "exchange_month": month if at >= 2 else None,
            "nominated_at": times.get(State.NOMINATED),
            "placement_id": placement.id if at >= 3 else None,
            "starts_on": starts_on if at >= 3 else None,
            "ends_on": ends_on if at >= 3 else None,
            "contact_person": host_lo["name"] if at >= 3 else None,
            "contact_email": host_lo["email"] if at >= 3 else None,
            "accepted_at": times.get(State.ACCEPTED),
            "arrival_local": (
                datetime.combine(starts_on - timedelta(days=1), time(rng.randint(6, 22)))
                if at >= 4
                else None
            ),
            "arrival_transport": rng.choice(TRANSPORTS) if at >= 4 else None,
            "confirmed_at": times.get(State.CONFIRMED),
            "arrived_at": times.get(State.IN_PROGRESS),
            "completed_at": times.get(State.COMPLETED),
            "certified_at": times.get(State.CERTIFIED),
            "closed_at": None,
            "closing_reason": None,
            "substitute_for_id": None,
        }
        row |= self._card_deadlines(at, month, starts_on, times)
        steps = self._steps(reached, times, home_id, host_id, program, host_lo)
        if closing is not None:
            closed_at, reason, step = self._closing(
                closing, reached, times, home_id, host_id, program
            )
            row |= {"closed_at": closed_at, "closing_reason": reason}
            steps.append(step)
        row["updated_at"] = steps[-1][3] if steps else row["created_at"]
        planned = _PlannedApplication(
            row=row,
            preferences=self._preferences(host_placements, placement, program, reached),
            steps=steps,
            for_demo_student=for_demo,
        )
        if at >= PROGRESS.index(State.COMPLETED):
            planned.evaluation = self._evaluation(times[State.COMPLETED])
        return planned

    def _card_deadlines(self, at: int, month, starts_on: date, times: dict) -> dict:
        """Due dates of the CA and CC, and whether each came late, as the services set them."""
        values = {"ca_due_on": None, "cc_due_on": None, "ca_late": False, "cc_late": False}
        if at >= PROGRESS.index(State.NOMINATED):
            values["ca_due_on"] = deadlines.ca_due_on(self.season.month_date(month))
        if at >= PROGRESS.index(State.ACCEPTED):
            values["cc_due_on"] = deadlines.cc_due_on(starts_on)
            values["ca_late"] = deadlines.came_late(times[State.ACCEPTED], values["ca_due_on"])
        if at >= PROGRESS.index(State.CONFIRMED):
            values["cc_late"] = deadlines.came_late(times[State.CONFIRMED], values["cc_due_on"])
        return values

    def _timeline(self, reached: State, starts_on: date, ends_on: date) -> dict[State, datetime]:
        """When each step up to ``reached`` happened, counted back from the start date."""
        rng = self.rng
        start = _at(starts_on)
        times = {
            State.DRAFT: start - timedelta(days=rng.randint(170, 260), minutes=rng.randint(0, 600))
        }
        times[State.SUBMITTED] = times[State.DRAFT] + timedelta(days=rng.randint(2, 30))
        times[State.NOMINATED] = times[State.SUBMITTED] + timedelta(days=rng.randint(5, 30))
        # Some CAs come later than the 8 weeks before the start: late CAs exist.
        times[State.ACCEPTED] = start - timedelta(
            days=rng.randint(35, 100), hours=rng.randint(0, 8)
        )
        times[State.CONFIRMED] = times[State.ACCEPTED] + timedelta(days=rng.randint(3, 14))
        times[State.IN_PROGRESS] = start + timedelta(hours=rng.randint(0, 6))
        times[State.COMPLETED] = _at(ends_on, 12) + timedelta(days=rng.randint(0, 10))
        times[State.CERTIFIED] = times[State.COMPLETED] + timedelta(days=rng.randint(1, 21))
        return {state: times[state] for state in PROGRESS[: PROGRESS.index(reached) + 1]}

    def _steps(self, reached, times, home_id, host_id, program, host_lo) -> list:
        """The actions that lead from draft to ``reached``, each with its actor."""
        steps = []
        for state in PROGRESS[1 : PROGRESS.index(reached) + 1]:
            action, actor = FORWARD[state]
            if action == Action.ACCEPT and self.rng.random() < 0.4:
                actor = Actor.HOST_LOCAL_OFFICER
            actor_id = {
                Actor.STUDENT: None,  # the student's id is known once students are made
                Actor.HOME_NATIONAL_OFFICER: self.national_officer[(home_id, program)],
                Actor.HOST_NATIONAL_OFFICER: self.national_officer[(host_id, program)],
                Actor.HOST_LOCAL_OFFICER: host_lo["id"] if host_lo else None,
            }[actor]
            steps.append((action, actor, actor_id, times[state], None))
        return steps

    def _closing(self, closing, reached, times, home_id, host_id, program):
        """When, why and by whom an application was rejected, withdrawn or cancelled."""
        rng = self.rng
        closed_at = times[reached] + timedelta(days=rng.randint(1, 20), hours=rng.randint(1, 8))
        if closing == State.REJECTED and reached == State.SUBMITTED:
            reason, action, actor = (
                rng.choice(REJECT_REASONS_HOME),
                Action.REJECT,
                Actor.HOME_NATIONAL_OFFICER,
            )
        elif closing == State.REJECTED:
            reason, action, actor = (
                rng.choice(REJECT_REASONS_HOST),
                Action.REJECT,
                Actor.HOST_NATIONAL_OFFICER,
            )
        elif closing == State.WITHDRAWN:
            reason, action, actor = rng.choice(WITHDRAW_REASONS), Action.WITHDRAW, Actor.STUDENT
        else:
            reason, action = rng.choice(CANCEL_REASONS), Action.CANCEL
            # The host has no say before it is nominated there.
            cancellers = (Actor.HOME_NATIONAL_OFFICER, Actor.HOST_NATIONAL_OFFICER)
            actor = rng.choice(cancellers if reached != State.SUBMITTED else cancellers[:1])
        actor_id = {
            Actor.STUDENT: None,
            Actor.HOME_NATIONAL_OFFICER: self.national_officer[(home_id, program)],
            Actor.HOST_NATIONAL_OFFICER: self.national_officer[(host_id, program)],
        }[actor]
        return closed_at, reason, (action, actor, actor_id, closed_at, reason)

    def _preferences(self, host_placements, placement, program, reached) -> list[int]:
        """Ranked placements of the host; the one the student got is usually ranked high."""
        rng = self.rng
        most = 4 if program == "SCOPE" else 3
        count = rng.randint(0, most) if reached == State.DRAFT else rng.randint(2, most)
        if placement is None:
            ids = [p.id for p in host_placements]
            return rng.sample(ids, min(count, len(ids)))
        others = [p.id for p in host_placements if p is not placement]
        chosen = rng.sample(others, min(count - 1, len(others)))
        rank = rng.choices(range(len(chosen) + 1), (8, 4, 2, 1)[: len(chosen) + 1])[0]
        chosen.insert(rank, placement.id)
        return chosen

    def _student_languages(self, home: _Nmo, host_id: int) -> list[str]:
        languages = ["English"]
        for code in (home.country_code, self.nmo_by_id[host_id].country_code):
            local = LOCAL_LANGUAGES.get(code)
            if (
                local
                and local not in languages
                and (code == home.country_code or self.rng.random() < 0.5)
            ):
                languages.append(local)
        return languages

    def _evaluation(self, completed_at: datetime) -> dict:
        rng = self.rng
        return {
            "overall_rating": rng.choice((3, 4, 4, 5, 5)),
            "placement_rating": rng.choice((2, 3, 4, 4, 5)),
            "supervision_rating": rng.choice((2, 3, 4, 5, 5)),
            "accommodation_rating": rng.choice((1, 3, 3, 4, 5)),
            "comments": rng.choice(EVALUATION_COMMENTS),
            "submitted_at": completed_at,
        }

    def add_students_and_applications(self) -> None:
        """Make the students, number the applications and write them with their histories."""
        self._assign_students()
        prefixes = {code: program.code_prefix for code, program in self.programs.items()}
        program_code = {program.id: code for code, program in self.programs.items()}
        # Running numbers follow creation time, as a live system would hand them out.
        order = sorted(
            range(len(self.planned)), key=lambda i: (self.planned[i].row["created_at"], i)
        )
        self.last_number: Counter = Counter()
        next_id = _first_free_id(Application)
        applications, preferences, transitions, evaluations = [], [], [], []
        for position, index in enumerate(order):
            planned = self.planned[index]
            row = planned.row
            code = program_code[row["program_id"]]
            self.last_number[code] += 1
            number = self.last_number[code]
            row |= {
                "id": next_id + position,
                "number": number,
                "code": application_code(prefixes[code], self.season.short_code, number),
            }
            applications.append(row)
            preferences += [
                {"application_id": row["id"], "rank": rank, "placement_id": placement_id}
                for rank, placement_id in enumerate(planned.preferences, start=1)
            ]
            transitions += self._history(planned)
            if planned.evaluation:
                evaluations.append(planned.evaluation | {"application_id": row["id"]})
            self.state_counts[row["state"]] += 1
        _bulk_insert(User, self.users)
        _bulk_insert(Membership, self.memberships)
        _bulk_insert(Application, applications)
        _bulk_insert(Preference, preferences)
        _bulk_insert(StateTransition, transitions)
        _bulk_insert(Evaluation, evaluations)
        recount_usage()
        self._update_counters()
        self.preference_count = len(preferences)
        self.transition_count = len(transitions)

    def _assign_students(self) -> None:
        """One student per application; some students apply twice, the demo student more."""
        rng = self.rng
        demo_lc = self.demo_nmo.lc_ids[0]
        self.demo_student = self._add_user(
            STUDENT_EMAIL, Role.STUDENT, 4, nmo_id=self.demo_nmo.id, lc_id=demo_lc
        )
        once: dict[int, list[dict]] = defaultdict(list)  # students with one application, per LC
        for planned in self.planned:
            row = planned.row
            if planned.for_demo_student:
                student = self.demo_student
            elif once[row["home_lc_id"]] and rng.random() < 0.15:
                student = once[row["home_lc_id"]].pop()
            else:
                number = self.next_user_id
                student = self._add_user(
                    f"student.{number}@demo.exchange",
                    Role.STUDENT,
                    rng.randint(3, 6),
                    nmo_id=row["home_nmo_id"],
                    lc_id=row["home_lc_id"],
                )
                once[row["home_lc_id"]].append(student)
            row["student_id"] = student["id"]
            row["study_year"] = student["year_of_study"]

    def _history(self, planned: _PlannedApplication) -> list[dict]:
        """The recorded transitions; walking them through the state machine proves them legal."""
        row = planned.row
        history = [
            {
                "application_id": row["id"],
                "action": "create",
                "from_state": None,
                "to_state": State.DRAFT,
                "actor_id": row["student_id"],
                "reason": None,
                "created_at": row["created_at"],
            }
        ]
        state = State.DRAFT
        for action, actor, actor_id, when, reason in planned.steps:
            target = next_state(state, action, {actor}, reason)
            history.append(
                {
                    "application_id": row["id"],
                    "action": action.value,
                    "from_state": state,
                    "to_state": target,
                    "actor_id": row["student_id"] if actor == Actor.STUDENT else actor_id,
                    "reason": reason,
                    "created_at": when,
                }
            )
            state = target
        if state != row["state"]:
            raise RuntimeError(f"planned path ends in {state}, not {row['state']}")
        return history

    def _update_counters(self) -> None:
        for code, program in self.programs.items():
            counter = db.session.get(ApplicationCounter, (program.id, self.season.id))
            if counter is None:
                counter = ApplicationCounter(program_id=program.id, season_id=self.season.id)
                db.session.add(counter)
            counter.last_number = self.last_number[code]

    def sync_sequences(self) -> None:
        """PostgreSQL hands out ids from sequences, which rows written with ids do not move."""
        if db.session.get_bind().dialect.name != "postgresql":
            return
        for model in (NMO, LocalCommittee, Contract, Placement, User, Application):
            table = model.__tablename__
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT max(id) FROM {table}))"
                )
            )

    # ---- the summary

    def summary(self, seed: int) -> str:
        slot_total = sum(sum(c.slots.values()) for c in self.contracts)
        contracts_by_program = Counter(c.program for c in self.contracts)
        kinds = Counter(p.kind for p in self.placements)
        roles = Counter(m["role"] for m in self.memberships)
        states = ", ".join(
            f"{state.value} {self.state_counts[state]}"
            for state in State
            if self.state_counts[state]
        )
        return "\n".join(
            [
                f"Demo federation for season {self.season.code} (seed {seed}):",
                f"  {len(self.nmos)} NMOs, {sum(len(n.lc_ids) for n in self.nmos)} LCs",
                f"  {len(self.users)} users: {roles[Role.NATIONAL_OFFICER]} national officers,"
                f" {roles[Role.LOCAL_OFFICER]} local officers, {roles[Role.STUDENT]} students,"
                f" {roles[Role.ADMIN]} admin",
                f"  {len(self.contracts)} contracts (SCOPE {contracts_by_program['SCOPE']},"
                f" SCORE {contracts_by_program['SCORE']}) with {slot_total} slots",
                f"  {kinds[PlacementKind.DEPARTMENT]} departments,"
                f" {kinds[PlacementKind.RESEARCH_PROJECT]} research projects",
                f"  {sum(self.state_counts.values())} applications: {states}",
                f"  {self.transition_count} state transitions, {self.preference_count} preferences",
            ]
        )
