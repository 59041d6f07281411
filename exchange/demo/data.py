"""The demo's tables: the logins, how applications spread over states and months, and the
cities, languages, specialties, research topics, names and texts that the builder draws from.
The NMOs themselves come from ``exchange/data/nmos.csv``. A demo student's personal data is
drawn from them too (``student_personal_data``)."""

from datetime import timedelta
from pathlib import Path

from exchange.applications.documents import DOCUMENT_KINDS as DOCUMENT_LABELS
from exchange.applications.states import Action, Actor, State
from exchange.demo.calendar import Phase
from exchange.placements.models import ProjectType


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


NMOS_CSV = Path(__file__).parent.parent / "data" / "nmos.csv"

DEMO_PASSWORD = "exchange-demo"
ADMIN_EMAIL = "admin@demo.exchange"
NEO_EMAIL = "neo@demo.exchange"
LEO_EMAIL = "leo@demo.exchange"
STUDENT_EMAIL = "student@demo.exchange"
# The demo logins belong to this NMO (or, were it missing, to the first European one).
DEMO_NMO_ACRONYM = "CroMSIC"
# The demo student's applications, one per program and season: the first state the
# calendar allows, in the current season and (when seeded) the one before.
DEMO_STUDENT_CURRENT = {
    "SCOPE": (
        State.ACCEPTED,
        State.CONFIRMED,
        State.NOMINATED,
        State.IN_PROGRESS,
        State.COMPLETED,
        State.CERTIFIED,
    ),
    "SCORE": (State.SUBMITTED, State.DRAFT, State.NOMINATED, State.WITHDRAWN),
}
DEMO_STUDENT_PREVIOUS = {"SCOPE": (State.CERTIFIED, State.COMPLETED, State.CANCELLED)}

TARGET_NMOS = 130
# Documents a host NMO may require in its exchange conditions.
DOCUMENT_KINDS = tuple(DOCUMENT_LABELS)

# How applications spread over states, by where their exchange month stands on the day of
# the seed (see calendar.Phase). A state missing from a phase cannot be reached by then, or
# would be stale: a draft for a month whose deadlines have passed, an exchange that ended
# without its evaluation or the student's arrival.
PHASE_STATE_WEIGHTS = {
    Phase.FAR: {
        State.DRAFT: 20,
        State.SUBMITTED: 34,
        State.NOMINATED: 22,
        State.ACCEPTED: 3,
        State.REJECTED: 8,
        State.WITHDRAWN: 8,
        State.CANCELLED: 5,
    },
    Phase.PLACING: {
        # A draft still has hosts whose deadline (8 weeks before the month, or more) is ahead.
        State.DRAFT: 4,
        State.SUBMITTED: 10,
        State.NOMINATED: 32,
        State.ACCEPTED: 30,
        State.CONFIRMED: 6,
        State.REJECTED: 8,
        State.WITHDRAWN: 6,
        State.CANCELLED: 6,
    },
    Phase.CARDS_DUE: {
        State.SUBMITTED: 2,
        State.NOMINATED: 8,
        State.ACCEPTED: 22,
        State.CONFIRMED: 50,
        State.REJECTED: 5,
        State.WITHDRAWN: 6,
        State.CANCELLED: 7,
    },
    Phase.BEGUN: {
        State.ACCEPTED: 10,
        State.CONFIRMED: 72,
        State.WITHDRAWN: 8,
        State.CANCELLED: 10,
    },
    Phase.RUNNING: {
        State.IN_PROGRESS: 82,
        State.REJECTED: 5,
        State.WITHDRAWN: 5,
        State.CANCELLED: 8,
    },
    Phase.ENDED: {
        State.COMPLETED: 38,
        State.CERTIFIED: 42,
        State.REJECTED: 5,
        State.WITHDRAWN: 6,
        State.CANCELLED: 9,
    },
    Phase.LONG_ENDED: {
        State.COMPLETED: 4,
        State.CERTIFIED: 76,
        State.REJECTED: 6,
        State.WITHDRAWN: 6,
        State.CANCELLED: 8,
    },
}
# How far an application that was withdrawn or cancelled can have got by each phase.
FURTHEST_BEFORE_CLOSING = {
    Phase.FAR: State.ACCEPTED,
    Phase.PLACING: State.CONFIRMED,
    Phase.CARDS_DUE: State.CONFIRMED,
    Phase.BEGUN: State.CONFIRMED,
    Phase.RUNNING: State.IN_PROGRESS,
    Phase.ENDED: State.IN_PROGRESS,
    Phase.LONG_ENDED: State.IN_PROGRESS,
}
# Exchanges start on the 1st or the 15th of their month, and last 4 weeks (SCORE: or 8).
START_OFFSETS = (0, 0, 14)
EXCHANGE_WEEKS = (4, 8)
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
FIRST_NAMES = _words(
    "Ana Luka Maria Ivan Sofia Mateo Amara Chen Fatima Omar Priya Arjun Yuki Hiroshi "
    "Elena Jonas Lea Noah Aisha Kwame Camila Diego Nadia Tomas Ingrid Mehmet Zeynep Olga "
    "Pavel Grace Samuel Leila Karim Hana Minh Sara David Eva Paulo Lucia"
)
LAST_NAMES = _words(
    "Horvat Kovač Silva Santos Müller Schmidt Rossi Bianchi Nowak Novak García López "
    "Okafor Mensah Haddad Khan Patel Sharma Tanaka Sato Kim Park Nguyen Wang Li Ivanova "
    "Petrov Yilmaz Demir Dubois Martin Jensen Andersen Papadopoulos Nagy Popescu Smith "
    "Brown Costa Mwangi"
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

# The personal data of demo students: the calling code of each demo country, and what the
# rest is drawn from.
CALLING_CODES = dict(
    pair.split(":")
    for pair in _words(
        "AR:54 AT:43 AU:61 BA:387 BD:880 BE:32 BF:226 BG:359 BR:55 CA:1 CH:41 CL:56 CN:86 CO:57 "
        "CZ:420 DE:49 DK:45 DO:1809 EC:593 EE:372 EG:20 ES:34 FI:358 FJ:679 FR:33 GB:44 "
        "GD:1473 GE:995 GH:233 GR:30 HK:852 HN:504 HR:385 HU:36 ID:62 IE:353 IL:972 IN:91 "
        "IQ:964 IT:39 JM:1876 JO:962 JP:81 KE:254 KR:82 KZ:7 LB:961 LT:370 LU:352 LV:371 "
        "MA:212 ME:382 MK:389 MN:976 MT:356 MX:52 NG:234 NL:31 NO:47 NP:977 OM:968 PA:507 "
        "PE:51 PH:63 PK:92 PL:48 PS:970 PT:351 QA:974 RO:40 RS:381 RU:7 RW:250 SD:249 SE:46 "
        "SI:386 SK:421 SL:232 SY:963 TH:66 TN:216 TR:90 TW:886 TZ:255 UA:380 UG:256 US:1 "
        "UY:598 ZW:263 ET:251 CM:237 SN:221 CI:225 ZM:260 MW:265 ZA:27 BJ:229 TG:228 NA:264 "
        "BW:267 MG:261 BO:591 PY:595 VE:58 CR:506 GT:502 CU:53 TT:1868 SV:503 NI:505 HT:509 "
        "MY:60 SG:65 VN:84 LK:94 NZ:64 KH:855 UZ:998 LA:856 MM:95 KG:996 SA:966 AE:971 "
        "KW:965 BH:973 LY:218 DZ:213 IR:98 YE:967 SO:252 AF:93 IS:354 AL:355 AM:374 AZ:994 "
        "CY:357 MD:373 BY:375"
    )
)
# The personal data a host may require in its exchange conditions (exchange.applications.
# personal's keys): the demo's hosts ask for a few of them.
PERSONAL_DATA_ASKED = _words(
    "date_of_birth nationality passport_name passport_number passport_expires_on phone "
    "emergency_contact_phone insurance_company"
)
ENGLISH_SPEAKING = frozenset({"AU", "CA", "GB", "GD", "IE", "JM", "NZ", "TT", "US"})
ENGLISH_LEVELS = ("B1", "B2", "B2", "C1", "C1", "C2")
OTHER_LEVELS = ("A1", "A2", "A2", "B1", "B1", "B2")
RELATIONS = ("Mother", "Father", "Sister", "Brother", "Partner", "Friend")
INSURERS = ("Allianz Care", "AXA Assistance", "Generali", "Cigna Global", "MAPFRE", "Bupa Global")
ALLERGIES = ("", "", "", "", "", "Penicillin", "Peanuts", "Latex", "Pollen")
MEDICAL_NOTES = (
    *("",) * 6,
    "Asthma: carries an inhaler.",
    "Type 1 diabetes: carries insulin.",
    "Wears contact lenses.",
)


def student_personal_data(rng, student: dict, country: str, age_on: tuple, valid_after) -> dict:
    """What a demo student gives on the personal data page, drawn with ``rng``: ``age_on``
    is (years, day): their age on that day; the passport is valid after ``valid_after``."""
    code = CALLING_CODES.get(country)
    years, day = age_on

    def phone() -> str | None:
        digits = f"{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        return f"+{code} {digits}" if code else None

    return {
        "date_of_birth": day - timedelta(days=years * 365 + rng.randint(0, 3 * 365)),
        "nationality": country,
        "passport_name": student["name"],
        "passport_number": f"{country}{rng.randint(1000000, 9999999)}",
        "passport_expires_on": valid_after + timedelta(days=rng.randint(120, 3000)),
        "phone": phone(),
        "emergency_contact_name": f"{rng.choice(FIRST_NAMES)} {student['name'].split()[-1]}",
        "emergency_contact_relation": rng.choice(RELATIONS),
        "emergency_contact_phone": phone(),
        "insurance_company": rng.choice(INSURERS),
        "insurance_policy_number": f"{rng.randint(100, 999)}-{rng.randint(100000, 999999)}",
        "allergies": rng.choice(ALLERGIES),
        "medical_notes": rng.choice(MEDICAL_NOTES),
    }


def with_levels(names, native: str | None, country: str, rng) -> list[dict]:
    """The languages with a level each: the home country's native, English as learnt."""
    english = "native" if country in ENGLISH_SPEAKING else rng.choice(ENGLISH_LEVELS)
    levels = {"English": english, native: "native"}
    return [{"language": n, "level": levels.get(n) or rng.choice(OTHER_LEVELS)} for n in names]
