"""Country codes: one place that maps names and codes to ISO 3166-1 alpha-3.

tradegap identifies every country by its ISO3 code.  This module maps what
trade data and articles actually contain to that code:

* ISO 3166-1 alpha-2, alpha-3 and numeric codes and English names (from
  ``pycountry``, the maintained ISO 3166 package, LGPL-2.1);
* IMF Direction of Trade Statistics names ("Iran, Islamic Rep. of",
  "China, P.R.: Mainland", "Kosovo, Rep. of", ...), UNCTADstat names as they
  appear in its bulk files ("IranIslamicRepublic", "ChinaHongKongSAR"), CEPII
  names and legacy codes (ROM, ZAR, TMP, PAL), UN Comtrade / BACI numeric
  codes (842 = USA, 251 = France, 699 = India, 490 = Taiwan), and the numeric
  codes of Santos Silva & Tenreyro (2006, ``source="sst"``);
* common English names ("Iran", "Russia", "South Korea", "UK"), demonyms
  ("Iranian", "Russian"), capitals ("Tehran", "Moscow") and seats of power
  ("the Kremlin", "the White House") for the article reader
  (:func:`gazetteer`).

Only what pycountry lacks is kept here, in small tables tested in
``tests/test_countries.py``.

Aggregates and historical entities
----------------------------------
Aggregates ("World", "Advanced Economies", "European Union", regions, "not
specified" residuals) are recognized by :func:`is_aggregate` and never mapped
to a country: :func:`to_iso3` raises for them.  Historical entities map to
their own ISO 3166-3 codes and are never merged into their successors:
USSR → ``SUN``, Yugoslavia (SFR) → ``YUG``, Czechoslovakia → ``CSK``,
Serbia and Montenegro → ``SCG``, East Germany → ``DDR``, Netherlands Antilles
→ ``ANT``, South Yemen → ``YMD``.  Entities without an ISO code get a
user-assigned ``X``-code or a code in established use: Belgium-Luxembourg
(customs union reporting to IMF/UN until 1998) → ``BLX``, North Yemen (Yemen
Arab Rep., before 1990) → ``YAR``, Kosovo → ``XKX``, West Malaysia (IMF,
before 1963) → ``XMW``.  Mere renames keep the state's current code (Zaire →
COD, Burma → MMR, Swaziland → SWZ, Turkey → TUR).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Final, Literal, get_args

import pandas as pd
import pycountry

from tradegap.errors import InputError, UnknownCountryError
from tradegap.validation import check_option

__all__ = [
    "AMBIGUOUS_NAMES",
    "GROUPS",
    "GROUP_MEMBERSHIP",
    "HISTORICAL",
    "LAST_YEAR",
    "SHORT_NAMES",
    "Source",
    "country_name",
    "garbled",
    "gazetteer",
    "group_members",
    "is_aggregate",
    "is_historical",
    "short_name",
    "succession_notes",
    "to_iso3",
    "to_iso3_many",
]

#: How numeric codes are read. Names and alpha codes are accepted under every source.
Source = Literal["", "iso", "dots", "imf", "unctad", "cepii", "baci", "comtrade", "sst"]
_SOURCES: Final[tuple[str, ...]] = get_args(Source)

# --------------------------------------------------------------------------------------
# Historical entities: own codes, never merged into successors.
# --------------------------------------------------------------------------------------
#: code → (display name, aliases...)
HISTORICAL: Final[dict[str, tuple[str, ...]]] = {
    "SUN": ("Soviet Union", "USSR", "U.S.S.R.", "Union of Soviet Socialist Republics", "Former USSR",
            "FM USSR"),
    "YUG": ("Yugoslavia", "Socialist Federal Republic of Yugoslavia", "SFR Yugoslavia",
            "Yugoslavia, SFR", "Former Yugoslavia"),
    "CSK": ("Czechoslovakia", "Czechoslovak Socialist Republic", "Czech and Slovak Federal Republic",
            "Czechoslovakia, Czechoslovak Socialist Republic"),
    "SCG": ("Serbia and Montenegro", "Serbia & Montenegro", "Federal Republic of Yugoslavia",
            "Yugoslavia, FR", "Yugoslavia, Fed. Rep. of"),
    "DDR": ("East Germany", "German Democratic Republic", "Eastern Germany", "GDR",
            "Germany, East"),
    "ANT": ("Netherlands Antilles", "Netherland Antilles"),
    "YMD": ("South Yemen", "Yemen, People's Dem. Rep. of", "People's Democratic Republic of Yemen",
            "Yemen, Democratic", "Democratic Yemen"),
    "YAR": ("North Yemen", "Yemen Arab Rep.", "Yemen Arab Republic"),
    "BLX": ("Belgium-Luxembourg", "Belgium-Lux", "Belgium-Lux.", "Belgium and Luxembourg",
            "Belgium-Luxembourg Economic Union", "BLEU"),
    "XMW": ("West Malaysia", "Malaysia, West", "Federation of Malaya", "Malaya"),
    "PCZ": ("Panama Canal Zone",),
    "SKM": ("Sikkim",),
    "VDR": ("North Vietnam", "Viet-Nam, Democratic Republic of"),
}
_HISTORICAL_CODES: Final[frozenset[str]] = frozenset(HISTORICAL)

#: Last calendar year each historical entity existed (dissolution, unification or end of
#: the reporting union).  Sources still carry some of them later as residual partner
#: lines (IMF DOTS reports "Former U.S.S.R." to 2013): such rows are flagged on ingest.
LAST_YEAR: Final[dict[str, int]] = {
    "SUN": 1991, "YUG": 1991, "CSK": 1992, "SCG": 2006, "DDR": 1990, "ANT": 2010, "YMD": 1990,
    "YAR": 1990, "BLX": 1998, "XMW": 1963, "PCZ": 1979, "SKM": 1975, "VDR": 1976,
}

# Codes of states that merely changed name or code: old code → current ISO3.
_LEGACY_CODES: Final[dict[str, str]] = {
    "ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "PAL": "PSE", "BUR": "MMR", "DHY": "BEN",
    "HVO": "BFA", "NHB": "VUT", "RHO": "ZWE", "KSV": "XKX", "UVK": "XKX", "BYS": "BLR",
    "AFI": "DJI",
}

# Entities with a code in common use but not in ISO 3166-1.
_EXTRA_ENTITIES: Final[dict[str, tuple[str, ...]]] = {
    "XKX": ("Kosovo", "Kosovo, Rep. of", "Republic of Kosovo"),
}

# --------------------------------------------------------------------------------------
# Names pycountry lacks: IMF DOTS, UNCTADstat, CEPII, Comtrade, SST, common English.
# The first group are names a reader of an article would use (gazetteer kind "short_name").
# --------------------------------------------------------------------------------------
_COMMON_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "AFG": ("Afghanistan",),
    "BHS": ("The Bahamas", "Bahamas"),
    "BOL": ("Bolivia",),
    "BIH": ("Bosnia", "Bosnia-Herzegovina"),
    "BRN": ("Brunei",),
    "CIV": ("Ivory Coast", "Cote d'Ivoire"),
    "CPV": ("Cape Verde",),
    "COD": ("DR Congo", "DRC", "Democratic Republic of Congo", "Congo-Kinshasa", "Zaire"),
    "COG": ("Republic of Congo", "Congo-Brazzaville", "Congo Republic"),
    "CZE": ("Czech Republic", "Czechia"),
    "FSM": ("Micronesia",),
    "GBR": ("United Kingdom", "UK", "U.K.", "Britain", "Great Britain", "England"),
    "GMB": ("The Gambia", "Gambia"),
    "IRN": ("Iran", "Islamic Republic of Iran", "Persia"),
    "KOR": ("South Korea", "Republic of Korea", "S. Korea"),
    "PRK": ("North Korea", "Democratic People's Republic of Korea", "DPRK", "N. Korea"),
    "LAO": ("Laos",),
    "MDA": ("Moldova",),
    "MKD": ("North Macedonia", "Macedonia"),
    "MMR": ("Myanmar", "Burma"),
    "NLD": ("The Netherlands", "Holland"),
    "PSE": ("Palestine", "Palestinian Territories", "West Bank and Gaza", "State of Palestine"),
    "RUS": ("Russia", "Russian Federation"),
    "SWZ": ("Eswatini", "Swaziland"),
    "SYR": ("Syria",),
    "TLS": ("East Timor", "Timor-Leste"),
    "TUR": ("Turkey", "Turkiye", "Türkiye"),
    "TWN": ("Taiwan",),
    "TZA": ("Tanzania",),
    "USA": ("United States", "United States of America", "US", "U.S.", "USA", "U.S.A.",
            "America"),
    "VAT": ("Vatican", "Vatican City", "Holy See"),
    "VEN": ("Venezuela",),
    "VNM": ("Vietnam", "Viet Nam"),
    "ARE": ("UAE", "Emirates", "United Arab Emirates"),
    "CHN": ("China", "People's Republic of China", "PRC", "Mainland China"),
    "HKG": ("Hong Kong",),
    "MAC": ("Macau", "Macao"),
    "VCT": ("St Vincent", "Saint Vincent"),
    "KNA": ("St Kitts and Nevis", "Saint Kitts"),
    "LCA": ("St Lucia",),
    "SAU": ("Saudi Arabia",),
    "STP": ("Sao Tome and Principe", "São Tomé and Príncipe"),
    "EGY": ("Egypt",),
    "KGZ": ("Kyrgyzstan", "Kirghizia"),
    "SVK": ("Slovakia",),
    "BLR": ("Belarus", "Byelorussia"),
    "CAF": ("Central African Republic", "CAR"),
    "DOM": ("Dominican Republic",),
    "GNQ": ("Equatorial Guinea",),
    "MHL": ("Marshall Islands",),
    "SSD": ("South Sudan",),
}

_SOURCE_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    # IMF DOTS (reporter/partner names of dots_1960_2020_long.csv.gz and IMF bulk files)
    "AFG": ("Afghanistan, Islamic Rep. of",),
    "ARM": ("Armenia, Rep. of",),
    "ABW": ("Aruba, Kingdom of the Netherlands",),
    "AZE": ("Azerbaijan, Rep. of",),
    "BHS": ("Bahamas, The",),
    "BHR": ("Bahrain, Kingdom of",),
    "BLR": ("Belarus, Rep. of",),
    "CAF": ("Central African Rep.", "Central Afr Rep"),
    "HKG": ("China, P.R.: Hong Kong", "Hong Kong SAR, China", "ChinaHongKongSAR",
            "China, Hong Kong SAR", "Hong kong"),
    "MAC": ("China, P.R.: Macao", "Macao SAR, China", "ChinaMacaoSAR", "China, Macao SAR",
            "Macau (Aomen)"),
    "CHN": ("China, P.R.: Mainland", "China, People's Republic of"),
    "COM": ("Comoros, Union of the",),
    "COD": ("Congo, Dem. Rep. of the", "Congo, Dem. Rep.", "DemRepoftheCongo",
            "Congo Dem Rep", "Congo (Democratic Republic of the)", "Dem. Rep. of the Congo"),
    "COG": ("Congo, Rep. of", "Congo, Rep.", "Congo Rep"),
    "HRV": ("Croatia, Rep. of",),
    "CUW": ("Curaçao, Kingdom of the Netherlands", "Curacao"),
    "CZE": ("Czech Rep.", "CzechRepublic"),
    "DOM": ("Dominican Rep.", "Dominican Rp"),
    "EGY": ("Egypt, Arab Rep. of", "Egypt, Arab Rep."),
    "GNQ": ("Equatorial Guinea, Rep. of", "Eq Guinea"),
    "ERI": ("Eritrea, The State of",),
    "EST": ("Estonia, Rep. of",),
    "SWZ": ("Eswatini, Kingdom of",),
    "ETH": ("Ethiopia, The Federal Dem. Rep. of",),
    "FJI": ("Fiji, Rep. of",),
    "GMB": ("Gambia, The",),
    "VAT": ("HolySee",),
    "IRN": ("Iran, Islamic Rep. of", "IranIslamicRepublic", "Iran, Islamic Rep."),
    "KAZ": ("Kazakhstan, Rep. of", "Kazakstan"),
    "PRK": ("Korea, Dem. People's Rep. of", "KoreaDemPeoples", "Korea, Dem. People's Rep.",
            "Korea DPR"),
    "KOR": ("Korea, Rep. of", "KoreaRepublicof", "Korea, Rep.", "Korea Rp",
            "Republic of Korea"),
    "KGZ": ("Kyrgyz Rep.", "Kyrgyz Republic"),
    "LAO": ("Lao People's Dem. Rep.", "LaoPeoplesDemRep", "Lao PDR", "Laos P Dem R"),
    "LSO": ("Lesotho, Kingdom of",),
    "MDG": ("Madagascar, Rep. of",),
    "MHL": ("Marshall Islands, Rep. of the",),
    "MRT": ("Mauritania, Islamic Rep. of",),
    "MDA": ("Moldova, Rep. of", "RepublicofMoldova", "Moldova, Rep.of"),
    "MOZ": ("Mozambique, Rep. of",),
    "NRU": ("Nauru, Rep. of",),
    "NLD": ("Netherlands, The",),
    "MKD": ("North Macedonia, Republic of", "TFYRofMacedonia", "TFYR of Macedonia",
            "Macedonia, FYR", "Macedonia (the former Yugoslav Rep. of)"),
    "PLW": ("Palau, Rep. of",),
    "POL": ("Poland, Rep. of",),
    "SMR": ("San Marino, Rep. of",),
    "SRB": ("Serbia, Rep. of",),
    "SXM": ("Sint Maarten, Kingdom of the Netherlands", "SintMaarten"),
    "SVK": ("Slovak Rep.", "Slovak Republic"),
    "SVN": ("Slovenia, Rep. of",),
    "SSD": ("South Sudan, Rep. of",),
    "KNA": ("St. Kitts and Nevis", "St Kitts and the Nevis"),
    "LCA": ("St. Lucia",),
    "VCT": ("St. Vincent and the Grenadines", "SaintVincentandGrenadines"),
    "SYR": ("Syrian Arab Rep.", "Syrn Arab Rp"),
    "STP": ("São Tomé and Príncipe, Dem. Rep. of", "SaoTomeandPricipe"),
    "TWN": ("Taiwan Province of China", "ChinaTaiwanProvince", "Taiwan, China",
            "Other Asia, nes", "Chinese Taipei"),
    "TJK": ("Tajikistan, Rep. of",),
    "TZA": ("Tanzania, United Rep. of", "TanzaniaUnitedRepublic", "Untd Rp Tanzania"),
    "TLS": ("Timor-Leste, Dem. Rep. of", "TimorLeste"),
    "UZB": ("Uzbekistan, Rep. of",),
    "VEN": ("Venezuela, Rep. Bolivariana de", "Venezuela, RB"),
    "YEM": ("Yemen, Rep. of", "Yemen, Rep.", "Republic of Yemen"),
    # UNCTADstat spellings not covered by the punctuation-blind key
    "BES": ("SintBonaire", "Bonaire, Sint Eustatius and Saba", "Bonaire"),
    "FRO": ("FaeroeIslands", "Faeroe Islands"),
    "FLK": ("FalklandIslands", "Falkland Islands"),
    "FSM": ("MicronesiaFedSts", "Micronesia, Fed. Sts."),
    "MNP": ("NorthernMarianas", "Northern Marianas"),
    "SHN": ("SaintHelena", "Saint Helena"),
    "TCA": ("TurksandCaicos",),
    "PSE": ("StateofPalestine",),
    "CPV": ("CaboVerde",),
    "VGB": ("BritishVirginIslands", "British Virgin Islands"),
    # CEPII / Comtrade / SST spellings
    "ARE": ("Untd Arab Em",),
    "GBR": ("United Kingdom of Great Britain and Northern Ireland",),
    "LBY": ("Libyan Arab Jamahiriya",),
    "PNG": ("Papua N Guinea", "Papua N.Guinea"),
    "SLB": ("Solomon Islds",),
    "TTO": ("Trinidad Tbg", "Trinidad-Tobago"),
    "KIR": ("Kiribati (and others)",),
    "NCL": ("New Caledonia and others",),
    "SPM": ("St. Pierre and Miquelon",),
    "ATF": ("French Southern Antartic territories",),
    "CIV": ("Cote D'Ivoire",),
    "USA": ("United States of America",),
}

# --------------------------------------------------------------------------------------
# Aggregates
# --------------------------------------------------------------------------------------
_AGGREGATE_NAMES: Final[tuple[str, ...]] = (
    "World", "All countries", "Total", "Advanced Economies", "Emerging and Developing Economies",
    "Emerging Market and Developing Economies", "Emerging and Developing Asia",
    "Emerging and Developing Europe", "Euro Area", "Eurozone", "European Union", "EU", "EU15",
    "EU25", "EU27", "EU28", "EU-27", "EU-28", "Africa", "Asia", "Europe", "Oceania", "Americas",
    "North America", "South America", "Latin America", "Latin America and the Caribbean",
    "Caribbean", "Middle East", "Middle East and Central Asia", "Middle East and North Africa",
    "MENA", "Central Asia", "Sub-Saharan Africa", "Western Hemisphere", "Special Categories",
    "Countries & Areas not specified", "Other Countries not included elsewhere",
    "South African Common Customs Area (SACCA)", "SACU", "Southern African Customs Union",
    "OECD", "ASEAN", "G7", "G20", "BRICS", "CIS", "Commonwealth of Independent States",
    "EAEU", "Eurasian Economic Union", "NAFTA", "USMCA", "MERCOSUR", "OPEC", "GCC",
    "Gulf Cooperation Council", "Areas nes", "Bunkers", "Free Zones", "Other", "Unspecified",
    "Rest of World", "RoW", "ROW", "Developed economies", "Developing economies",
    "Low income", "High income", "Middle income", "Upper middle income", "Lower middle income",
)
_AGGREGATE_PATTERN: Final[re.Pattern[str]] = re.compile(
    r"\b(not specified|not included elsewhere|n\.?e\.?s\.?|nes|economies|"
    r"countries|areas?|region|hemisphere|customs (area|union)|by source of|"
    r"special categories|world|total|income)\b",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------------------
# Numeric codes that differ from ISO 3166-1 numeric.
# --------------------------------------------------------------------------------------
#: UN Comtrade / CEPII BACI numeric codes that differ from (or are absent in) ISO numeric.
_COMTRADE_NUMERIC: Final[dict[int, str]] = {
    251: "FRA", 579: "NOR", 699: "IND", 757: "CHE", 842: "USA", 490: "TWN", 58: "BLX",
    711: "ZAF", 381: "ITA", 280: "DEU", 729: "SDN", 736: "SDN", 200: "CSK", 810: "SUN",
    890: "YUG", 891: "SCG", 278: "DDR", 530: "ANT", 886: "YAR", 720: "YMD", 0: "",
}

#: Santos Silva & Tenreyro (2006) "Log of Gravity" country codes (countrycodes.csv).
#: Code 157 is labelled "Russian Federation" (Feenstra's "FM USSR") and maps to RUS as the
#: file labels it; code 19 is Belgium-Luxembourg (BLX).
_SST_CODES: Final[dict[int, str]] = {
    2: "ALB", 3: "DZA", 6: "AGO", 8: "ARG", 11: "AUS", 12: "AUT", 14: "BHS", 15: "BHR",
    16: "BGD", 17: "BRB", 19: "BLX", 20: "BLZ", 21: "BEN", 23: "BTN", 24: "BOL", 27: "BRA",
    28: "BRN", 29: "BGR", 30: "BFA", 31: "BDI", 32: "KHM", 33: "CMR", 34: "CAN", 37: "CAF",
    38: "TCD", 40: "CHL", 41: "CHN", 42: "COL", 43: "COM", 44: "COD", 45: "COG", 46: "CRI",
    47: "CIV", 50: "CYP", 52: "DNK", 53: "DJI", 55: "DOM", 56: "ECU", 57: "EGY", 58: "SLV",
    59: "GNQ", 62: "ETH", 64: "FJI", 65: "FIN", 66: "FRA", 68: "GAB", 69: "GMB", 71: "DEU",
    72: "GHA", 73: "GRC", 77: "GTM", 78: "GIN", 79: "GNB", 80: "GUY", 81: "HTI", 82: "HND",
    83: "HKG", 84: "HUN", 85: "ISL", 86: "IND", 87: "IDN", 88: "IRN", 90: "IRL", 92: "ISR",
    93: "ITA", 94: "JAM", 95: "JPN", 96: "JOR", 98: "KEN", 99: "KIR", 101: "KOR", 104: "LAO",
    106: "LBN", 115: "MDG", 116: "MWI", 117: "MYS", 118: "MDV", 119: "MLI", 120: "MLT",
    122: "MRT", 123: "MUS", 125: "MEX", 129: "MNG", 130: "MAR", 131: "MOZ", 134: "NPL",
    135: "NLD", 137: "NCL", 138: "NZL", 139: "NIC", 140: "NER", 141: "NGA", 143: "NOR",
    144: "OMN", 145: "PAK", 147: "PAN", 148: "PNG", 149: "PRY", 150: "PER", 151: "PHL",
    152: "POL", 153: "PRT", 156: "ROU", 157: "RUS", 158: "RWA", 161: "SAU", 162: "SEN",
    163: "SYC", 164: "SLE", 165: "SGP", 168: "SLB", 170: "ZAF", 171: "ESP", 172: "LKA",
    173: "KNA", 176: "SDN", 177: "SUR", 179: "SWE", 180: "CHE", 181: "SYR", 183: "TZA",
    184: "THA", 185: "TGO", 187: "TTO", 188: "TUN", 189: "TUR", 191: "UGA", 193: "ARE",
    194: "GBR", 195: "USA", 196: "URY", 199: "VEN", 200: "VNM", 203: "YEM", 205: "ZMB",
    206: "ZWE",
}

#: CEPII GeoDist codes that differ from current ISO3 (geo_cepii.csv dates from ~2005:
#: its "YUG" is Serbia and Montenegro).
_CEPII_CODES: Final[dict[str, str]] = {"YUG": "SCG", "ROM": "ROU", "ZAR": "COD", "TMP": "TLS",
                                       "PAL": "PSE"}

# --------------------------------------------------------------------------------------
# Demonyms / adjectives (gazetteer kind "demonym"). Ambiguous ones are left out on purpose
# (Korean, Congolese, Dominican, Samoan, Virgin Islander...), as are words with a common
# other sense ("Persian" as in Persian Gulf, "Pole", "Kiwi").
# --------------------------------------------------------------------------------------
_DEMONYMS: Final[dict[str, tuple[str, ...]]] = {
    "AFG": ("Afghan",), "ALB": ("Albanian",), "DZA": ("Algerian",), "AND": ("Andorran",),
    "AGO": ("Angolan",), "ATG": ("Antiguan",), "ARG": ("Argentine", "Argentinian"),
    "ARM": ("Armenian",), "AUS": ("Australian",), "AUT": ("Austrian",),
    "AZE": ("Azerbaijani", "Azeri"), "BHS": ("Bahamian",), "BHR": ("Bahraini",),
    "BGD": ("Bangladeshi",), "BRB": ("Barbadian",), "BLR": ("Belarusian", "Belarussian"),
    "BEL": ("Belgian",), "BLZ": ("Belizean",), "BEN": ("Beninese",), "BTN": ("Bhutanese",),
    "BOL": ("Bolivian",), "BIH": ("Bosnian",), "BWA": ("Botswanan", "Motswana"),
    "BRA": ("Brazilian",), "BRN": ("Bruneian",), "BGR": ("Bulgarian",),
    "BFA": ("Burkinabe", "Burkinabè"), "BDI": ("Burundian",), "KHM": ("Cambodian",),
    "CMR": ("Cameroonian",), "CAN": ("Canadian",), "CPV": ("Cape Verdean", "Cabo Verdean"),
    "TCD": ("Chadian",), "CHL": ("Chilean",), "CHN": ("Chinese",), "COL": ("Colombian",),
    "COM": ("Comorian",), "CRI": ("Costa Rican",), "CIV": ("Ivorian",), "HRV": ("Croatian",),
    "CUB": ("Cuban",), "CYP": ("Cypriot",), "CZE": ("Czech",), "DNK": ("Danish", "Dane"),
    "DJI": ("Djiboutian",), "ECU": ("Ecuadorian",), "EGY": ("Egyptian",),
    "SLV": ("Salvadoran", "Salvadorean"), "GNQ": ("Equatoguinean", "Equatorial Guinean"),
    "ERI": ("Eritrean",), "EST": ("Estonian",), "SWZ": ("Swazi", "Emaswati"),
    "ETH": ("Ethiopian",), "FJI": ("Fijian",), "FIN": ("Finnish", "Finn"), "FRA": ("French",),
    "GAB": ("Gabonese",), "GMB": ("Gambian",), "GEO": ("Georgian",),
    "DEU": ("German",), "GHA": ("Ghanaian",), "GRC": ("Greek",), "GRD": ("Grenadian",),
    "GTM": ("Guatemalan",), "GIN": ("Guinean",), "GUY": ("Guyanese",), "HTI": ("Haitian",),
    "HND": ("Honduran",), "HUN": ("Hungarian",), "ISL": ("Icelandic", "Icelander"),
    "IND": ("Indian",), "IDN": ("Indonesian",), "IRN": ("Iranian",),
    "IRQ": ("Iraqi",), "IRL": ("Irish",), "ISR": ("Israeli",), "ITA": ("Italian",),
    "JAM": ("Jamaican",), "JPN": ("Japanese",), "JOR": ("Jordanian",),
    "KAZ": ("Kazakh", "Kazakhstani"), "KEN": ("Kenyan",), "KIR": ("I-Kiribati",),
    "KWT": ("Kuwaiti",), "KGZ": ("Kyrgyz", "Kyrgyzstani"), "LAO": ("Lao", "Laotian"),
    "LVA": ("Latvian",), "LBN": ("Lebanese",), "LSO": ("Basotho", "Mosotho"),
    "LBR": ("Liberian",), "LBY": ("Libyan",), "LIE": ("Liechtensteiner",),
    "LTU": ("Lithuanian",), "LUX": ("Luxembourgish", "Luxembourger"), "MDG": ("Malagasy",),
    "MWI": ("Malawian",), "MYS": ("Malaysian",), "MDV": ("Maldivian",), "MLI": ("Malian",),
    "MLT": ("Maltese",), "MHL": ("Marshallese",), "MRT": ("Mauritanian",),
    "MUS": ("Mauritian",), "MEX": ("Mexican",), "FSM": ("Micronesian",),
    "MDA": ("Moldovan",), "MCO": ("Monegasque",), "MNG": ("Mongolian",),
    "MNE": ("Montenegrin",), "MAR": ("Moroccan",), "MOZ": ("Mozambican",),
    "MMR": ("Burmese", "Myanmarese"), "NAM": ("Namibian",), "NRU": ("Nauruan",),
    "NPL": ("Nepali", "Nepalese"), "NLD": ("Dutch",), "NZL": ("New Zealander",),
    "NIC": ("Nicaraguan",), "NER": ("Nigerien",), "NGA": ("Nigerian",),
    "PRK": ("North Korean",), "MKD": ("Macedonian", "North Macedonian"),
    "NOR": ("Norwegian",), "OMN": ("Omani",), "PAK": ("Pakistani",), "PLW": ("Palauan",),
    "PSE": ("Palestinian",), "PAN": ("Panamanian",), "PNG": ("Papua New Guinean",),
    "PRY": ("Paraguayan",), "PER": ("Peruvian",), "PHL": ("Filipino", "Philippine"),
    "POL": ("Polish",), "PRT": ("Portuguese",), "QAT": ("Qatari",),
    "ROU": ("Romanian",), "RUS": ("Russian",), "RWA": ("Rwandan",),
    "LCA": ("Saint Lucian",), "VCT": ("Vincentian",), "SMR": ("Sammarinese",),
    "STP": ("Santomean", "São Toméan"), "SAU": ("Saudi", "Saudi Arabian"),
    "SEN": ("Senegalese",), "SRB": ("Serbian", "Serb"), "SYC": ("Seychellois",),
    "SLE": ("Sierra Leonean",), "SGP": ("Singaporean",), "SVK": ("Slovak", "Slovakian"),
    "SVN": ("Slovenian", "Slovene"), "SLB": ("Solomon Islander",), "SOM": ("Somali",),
    "ZAF": ("South African",), "KOR": ("South Korean",), "SSD": ("South Sudanese",),
    "ESP": ("Spanish", "Spaniard"), "LKA": ("Sri Lankan",), "SDN": ("Sudanese",),
    "SUR": ("Surinamese",), "SWE": ("Swedish", "Swede"), "CHE": ("Swiss",),
    "SYR": ("Syrian",), "TWN": ("Taiwanese",), "TJK": ("Tajik", "Tajikistani"),
    "TZA": ("Tanzanian",), "THA": ("Thai",), "TLS": ("Timorese",), "TGO": ("Togolese",),
    "TON": ("Tongan",), "TTO": ("Trinidadian", "Tobagonian"), "TUN": ("Tunisian",),
    "TUR": ("Turkish", "Turk"), "TKM": ("Turkmen", "Turkmenistani"), "TUV": ("Tuvaluan",),
    "UGA": ("Ugandan",), "UKR": ("Ukrainian",), "ARE": ("Emirati",),
    "GBR": ("British", "Briton"), "USA": ("American",),
    "URY": ("Uruguayan",), "UZB": ("Uzbek", "Uzbekistani"), "VUT": ("Ni-Vanuatu",),
    "VEN": ("Venezuelan",), "VNM": ("Vietnamese",), "YEM": ("Yemeni",),
    "ZMB": ("Zambian",), "ZWE": ("Zimbabwean",), "HKG": ("Hong Konger", "Hongkonger"),
    "CUW": ("Curaçaoan",), "XKX": ("Kosovar", "Kosovan"), "PRI": ("Puerto Rican",),
    "GRL": ("Greenlandic", "Greenlander"), "SUN": ("Soviet",), "YUG": ("Yugoslav",),
    "CSK": ("Czechoslovak",), "DDR": ("East German",),
}

# Capitals: CEPII GeoDist geo_cepii.csv (city_en where cap == 1), cleaned of
# parenthesized variants, plus current names and spellings. Ambiguous city names
# (Victoria, Kingston, Georgetown, Hamilton, Saint John's, ...) are left out.
_CAPITALS: Final[dict[str, tuple[str, ...]]] = {
    "ABW": ("Oranjestad",), "AFG": ("Kabul",), "AGO": ("Luanda",), "AIA": ("The Valley",),
    "ALB": ("Tirana",), "AND": ("Andorra la Vella",), "ANT": ("Willemstad",),
    "ARE": ("Abu Dhabi",), "ARG": ("Buenos Aires",), "ARM": ("Yerevan",),
    "AUS": ("Canberra",), "AUT": ("Vienna",), "AZE": ("Baku",), "BDI": ("Bujumbura", "Gitega"),
    "BEL": ("Brussels",), "BEN": ("Porto-Novo",), "BFA": ("Ouagadougou",), "BGD": ("Dhaka",),
    "BGR": ("Sofia",), "BHR": ("Manama",), "BHS": ("Nassau",), "BIH": ("Sarajevo",),
    "BLR": ("Minsk",), "BLZ": ("Belmopan",), "BOL": ("Sucre", "La Paz"),
    "BRA": ("Brasilia", "Brasília"), "BRB": ("Bridgetown",), "BRN": ("Bandar Seri Begawan",),
    "BTN": ("Thimphu",), "BWA": ("Gaborone",), "CAF": ("Bangui",), "CAN": ("Ottawa",),
    "CHE": ("Bern", "Berne"), "CHL": ("Santiago",), "CHN": ("Beijing", "Peking"),
    "CIV": ("Yamoussoukro",), "CMR": ("Yaounde", "Yaoundé"), "COG": ("Brazzaville",),
    "COK": ("Avarua",), "COL": ("Bogota", "Bogotá"), "COM": ("Moroni",), "CPV": ("Praia",),
    "CRI": ("San Jose", "San José"), "CUB": ("Havana",), "CYM": ("George Town",),
    "CYP": ("Nicosia",), "CZE": ("Prague",), "DEU": ("Berlin",), "DJI": ("Djibouti",),
    "DMA": ("Roseau",), "DNK": ("Copenhagen",), "DOM": ("Santo Domingo",),
    "DZA": ("Algiers",), "ECU": ("Quito",), "EGY": ("Cairo",), "ERI": ("Asmara",),
    "ESP": ("Madrid",), "EST": ("Tallinn",), "ETH": ("Addis Ababa",), "FIN": ("Helsinki",),
    "FJI": ("Suva",), "FLK": ("Stanley",), "FRA": ("Paris",), "FRO": ("Torshavn", "Tórshavn"),
    "FSM": ("Palikir",), "GAB": ("Libreville",), "GBR": ("London",), "GEO": ("Tbilisi",),
    "GHA": ("Accra",), "GIB": ("Gibraltar",), "GIN": ("Conakry",), "GLP": ("Basse-Terre",),
    "GMB": ("Banjul",), "GNB": ("Bissau",), "GNQ": ("Malabo",), "GRC": ("Athens",),
    "GRL": ("Nuuk",), "GTM": ("Guatemala City",), "GUF": ("Cayenne",),
    "HND": ("Tegucigalpa",), "HRV": ("Zagreb",), "HTI": ("Port-au-Prince",),
    "HUN": ("Budapest",), "IDN": ("Jakarta",), "IND": ("New Delhi",), "IRL": ("Dublin",),
    "IRN": ("Tehran", "Teheran"), "IRQ": ("Baghdad",), "ISL": ("Reykjavik", "Reykjavík"),
    "ISR": ("Jerusalem", "Tel Aviv"), "ITA": ("Rome",), "JOR": ("Amman",), "JPN": ("Tokyo",),
    "KAZ": ("Astana", "Nur-Sultan"), "KEN": ("Nairobi",), "KGZ": ("Bishkek",),
    "KHM": ("Phnom Penh",), "KIR": ("Tarawa",), "KNA": ("Basseterre",), "KOR": ("Seoul",),
    "KWT": ("Kuwait City",), "LAO": ("Vientiane",), "LBN": ("Beirut",), "LBR": ("Monrovia",),
    "LBY": ("Tripoli",), "LCA": ("Castries",), "LKA": ("Colombo", "Sri Jayawardenepura Kotte"),
    "LSO": ("Maseru",), "LTU": ("Vilnius",), "LUX": ("Luxembourg City",), "LVA": ("Riga",),
    "MAR": ("Rabat",), "MDA": ("Chisinau", "Chișinău"), "MDG": ("Antananarivo",),
    "MDV": ("Malé",), "MEX": ("Mexico City",), "MHL": ("Majuro",), "MKD": ("Skopje",),
    "MLI": ("Bamako",), "MLT": ("Valletta",), "MMR": ("Naypyidaw", "Nay Pyi Taw", "Rangoon",
                                                       "Yangon"),
    "MNG": ("Ulaanbaatar", "Ulan Bator"), "MNP": ("Saipan",), "MOZ": ("Maputo",),
    "MRT": ("Nouakchott",), "MSR": ("Plymouth", "Brades"), "MTQ": ("Fort-de-France",),
    "MUS": ("Port Louis",), "MWI": ("Lilongwe",), "MYS": ("Kuala Lumpur", "Putrajaya"),
    "NAM": ("Windhoek",), "NCL": ("Noumea", "Nouméa"), "NER": ("Niamey",), "NGA": ("Abuja",),
    "NIC": ("Managua",), "NIU": ("Alofi",), "NLD": ("Amsterdam", "The Hague"), "NOR": ("Oslo",),
    "NPL": ("Kathmandu",), "NRU": ("Yaren",), "NZL": ("Wellington",), "OMN": ("Muscat",),
    "PAK": ("Islamabad",), "PSE": ("Ramallah",), "PAN": ("Panama City",),
    "PCN": ("Adamstown",), "PER": ("Lima",), "PHL": ("Manila",), "PLW": ("Ngerulmud",),
    "PNG": ("Port Moresby",), "POL": ("Warsaw",), "PRI": ("San Juan",), "PRK": ("Pyongyang",),
    "PRT": ("Lisbon",), "PRY": ("Asuncion", "Asunción"), "PYF": ("Papeete",), "QAT": ("Doha",),
    "ROU": ("Bucharest",), "RUS": ("Moscow",), "RWA": ("Kigali",), "SAU": ("Riyadh",),
    "SDN": ("Khartoum",), "SEN": ("Dakar",), "SGP": ("Singapore",), "SLB": ("Honiara",),
    "SLE": ("Freetown",), "SLV": ("San Salvador",), "SMR": ("City of San Marino",),
    "SOM": ("Mogadishu",), "SPM": ("Saint-Pierre",), "STP": ("Sao Tome", "São Tomé"),
    "SUR": ("Paramaribo",), "SVK": ("Bratislava",), "SVN": ("Ljubljana",),
    "SWE": ("Stockholm",), "SWZ": ("Mbabane",), "SYR": ("Damascus",),
    "TCA": ("Cockburn Town",), "TCD": ("N'Djamena",), "TGO": ("Lome", "Lomé"),
    "THA": ("Bangkok",), "TJK": ("Dushanbe",), "TKM": ("Ashgabat",), "TLS": ("Dili",),
    "TON": ("Nuku'alofa",), "TTO": ("Port of Spain", "Port-of-Spain"), "TUN": ("Tunis",),
    "TUR": ("Ankara",), "TUV": ("Funafuti",), "TWN": ("Taipei",),
    "TZA": ("Dodoma", "Dar es Salaam"), "UGA": ("Kampala",), "UKR": ("Kyiv", "Kiev"),
    "URY": ("Montevideo",), "USA": ("Washington, D.C.", "Washington, DC", "Washington"),
    "UZB": ("Tashkent",), "VCT": ("Kingstown",), "VEN": ("Caracas",), "VGB": ("Road Town",),
    "VNM": ("Hanoi",), "VUT": ("Port Vila", "Port-Vila"), "WSM": ("Apia",), "YEM": ("Sanaa",
                                                                                    "Sana'a"),
    "ZAF": ("Pretoria",), "COD": ("Kinshasa",), "ZMB": ("Lusaka",), "ZWE": ("Harare",),
    "SRB": ("Belgrade",), "MNE": ("Podgorica",), "XKX": ("Pristina",), "LIE": ("Vaduz",),
    "MCO": ("Monaco",), "VAT": ("Vatican City",), "SSD": ("Juba",), "HKG": (),
    "SUN": (), "YUG": (),
}

# Seats of government and institutions used metonymically in news text.
_INSTITUTIONS: Final[dict[str, str]] = {
    "the Kremlin": "RUS", "Kremlin": "RUS", "State Duma": "RUS", "Duma": "RUS",
    "Smolensk Square": "RUS",
    "the White House": "USA", "White House": "USA", "Capitol Hill": "USA", "Pentagon": "USA",
    "the Pentagon": "USA", "State Department": "USA", "Foggy Bottom": "USA",
    "Downing Street": "GBR", "Number 10": "GBR", "Whitehall": "GBR", "Westminster": "GBR",
    "the Élysée": "FRA", "Élysée": "FRA", "Elysee": "FRA", "Élysée Palace": "FRA",
    "Elysee Palace": "FRA", "Quai d'Orsay": "FRA", "Matignon": "FRA",
    "Zhongnanhai": "CHN", "Great Hall of the People": "CHN",
    "Bundestag": "DEU", "Reichstag": "DEU", "Bundeskanzleramt": "DEU",
    "Knesset": "ISR", "Majlis": "IRN", "Majles": "IRN", "Pasteur Street": "IRN",
    "Palazzo Chigi": "ITA", "Farnesina": "ITA", "Quirinale": "ITA",
    "La Moncloa": "ESP", "Moncloa": "ESP", "Kantei": "JPN", "Kasumigaseki": "JPN",
    "Blue House": "KOR", "Rashtrapati Bhavan": "IND", "Lok Sabha": "IND",
    "Sejm": "POL", "Verkhovna Rada": "UKR", "Bankova": "UKR", "Casa Rosada": "ARG",
    "Palácio do Planalto": "BRA", "Planalto": "BRA", "Itamaraty": "BRA",
    "Union Buildings": "ZAF", "Riksdag": "SWE", "Storting": "NOR", "Bestepe": "TUR",
    "Beştepe": "TUR", "Al-Yamamah Palace": "SAU",
}


#: Dissolved or split states: code → (last year as one state, successor codes).  Sudan and
#: Ethiopia keep their codes after South Sudan (2011) and Eritrea (1993) left: their series before the
#: split include the seceded territory.
SUCCESSION: Final[dict[str, tuple[int, tuple[str, ...]]]] = {
    "SUN": (1991, ("RUS", "UKR", "BLR", "KAZ", "UZB", "TKM", "KGZ", "TJK", "AZE", "ARM", "GEO", "MDA", "LTU",
                   "LVA", "EST")),
    "YUG": (1991, ("SVN", "HRV", "BIH", "MKD", "SCG")),
    "SCG": (2005, ("SRB", "MNE")),
    "CSK": (1992, ("CZE", "SVK")),
    "DDR": (1990, ("DEU",)),
    "YMD": (1990, ("YEM",)),
    "YAR": (1990, ("YEM",)),
    "SDN": (2010, ("SDN", "SSD")),
    "ETH": (1992, ("ETH", "ERI")),
}


def succession_notes(codes: Iterable[str], years: Iterable[int]) -> list[str]:
    """What a reader must know about historical entities among ``codes`` in ``years``.

    One sentence per case: a dissolved state (its last year and successors, and that rows after
    its end are partners' reports under the old name), a successor whose series starts after the
    split (its predecessor's trade is not in it), or a state whose series before a secession
    includes the territory that left (Sudan before 2011, Ethiopia before 1993).
    """
    ys = sorted({int(y) for y in years})
    if not ys:
        return []
    lo, hi = ys[0], ys[-1]
    out: list[str] = []
    for code in dict.fromkeys(str(c).upper() for c in codes):
        name = country_name(code) if code in _index().country_name else code
        if code in SUCCESSION and code not in ("SDN", "ETH"):
            last, succ = SUCCESSION[code]
            text = (f"{name} ({code}) is a historical entity: one state until {last}, then split into "
                    f"{', '.join(succ)}.")
            if hi > last:
                text += (f" Rows after {last} are reports by partners that still used the old name; they are "
                         "not its successors' trade.")
            out.append(text)
            continue
        if code in ("SDN", "ETH") and lo <= SUCCESSION[code][0]:
            last, succ = SUCCESSION[code]
            other = [c for c in succ if c != code][0]
            out.append(f"{name}'s series up to {last} includes the territory of {country_name(other)} "
                       f"({other}), which became independent in {last + 1}; later years do not.")
            continue
        for old, (last, succ) in SUCCESSION.items():
            if old in ("SDN", "ETH") or code not in succ or lo > last:
                continue
            out.append(f"{name} ({code}) exists in the data only from {last + 1}: for {lo}–{last} its trade is "
                       f"inside {country_name(old)} ({old}), split among {len(succ)} successor states "
                       f"({', '.join(succ)}), and is not shown as {name}'s.")
    return out


#: Names that denote more than one state: never resolved, the candidates are listed instead.
AMBIGUOUS_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "congo": ("COG", "COD"),
    "korea": ("KOR", "PRK"),
    "virginislands": ("VGB", "VIR"),
}
#: Readable labels of the candidates of an ambiguous name.
_CANDIDATE_LABELS: Final[dict[str, str]] = {
    "COG": "Republic of the Congo (COG, Congo-Brazzaville)", "COD": "DR Congo (COD, Congo-Kinshasa)",
    "KOR": "South Korea (KOR, Republic of Korea)", "PRK": "North Korea (PRK, DPRK)",
    "VGB": "British Virgin Islands (VGB)", "VIR": "US Virgin Islands (VIR)",
}
#: Characters a country name or code may hold (letters of any script, digits, spaces and the
#: punctuation data sources use: "Korea, Rep. of", "China, P.R.: Hong Kong", "Bosnia-Herzegovina").
_NAME_CHARS = re.compile(r"[^\w\s.,'’()&/:\-]")


def garbled(text: str) -> str | None:
    """Why ``text`` cannot be a country name as written, or ``None``.

    Characters no name holds ("russia!!", "Iran?") and letters spaced out ("R u s s i a")
    are refused rather than normalised away, so a typo is never resolved silently.
    """
    t = str(text).strip()
    bad = sorted(set(_NAME_CHARS.findall(t)))
    if bad:
        return f"it holds {' '.join(repr(c) for c in bad)}, which no country name has"
    tokens = t.split()
    if len(tokens) >= 3 and sum(len(w) == 1 and w.isalpha() for w in tokens) >= 0.75 * len(tokens):
        return "its letters are spaced out"
    return None


# --------------------------------------------------------------------------------------
# Index
# --------------------------------------------------------------------------------------
def _key(text: str) -> str:
    """Normalization key: casefold, strip accents, '&'→'and', drop non-alphanumerics."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    text = text.casefold().replace("&", "and")
    text = re.sub(r"^the\s+", "", text.strip())
    return re.sub(r"[^0-9a-z]", "", text)


class _Index:
    """Lookup tables built once (see :func:`_index`)."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # key → iso3 (names and aliases)
        self.codes: dict[str, str] = {}  # upper-case alpha-2/alpha-3 code → iso3
        self.display: dict[str, str] = {}  # key → a readable surface form (for suggestions)
        self.iso_numeric: dict[int, str] = {}
        self.country_name: dict[str, str] = {}
        self.aggregates: set[str] = {_key(n) for n in _AGGREGATE_NAMES}

        def add_code(code: str, iso3: str, *, override: bool = False) -> None:
            code = code.upper()
            if override or code not in self.codes:
                self.codes[code] = iso3
            self.display.setdefault(_key(code), code)

        def add(surface: str, iso3: str, *, override: bool = False) -> None:
            k = _key(surface)
            if not k:
                return
            if k in self.names and self.names[k] != iso3 and not override:
                return  # first, most authoritative definition wins
            self.names[k] = iso3
            self.display.setdefault(k, surface)

        for c in pycountry.countries:
            self.country_name[c.alpha_3] = getattr(c, "common_name", None) or c.name
            add_code(c.alpha_3, c.alpha_3)
            add_code(c.alpha_2, c.alpha_3)
            for s in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)):
                if s:
                    add(s, c.alpha_3)
            self.iso_numeric[int(c.numeric)] = c.alpha_3
        for code, (name, *aliases) in HISTORICAL.items():
            self.country_name[code] = name
            add_code(code, code, override=True)
            for s in (name, *aliases):
                add(s, code, override=True)
        for code, (name, *aliases) in _EXTRA_ENTITIES.items():
            self.country_name[code] = name
            add_code(code, code)
            for s in (name, *aliases):
                add(s, code)
        for old, new in _LEGACY_CODES.items():
            add_code(old, new)
        for table in (_COMMON_NAMES, _SOURCE_ALIASES):
            for iso3, surfaces in table.items():
                for s in surfaces:
                    add(s, iso3, override=True)
        # readable names for the codes pycountry spells officially
        for iso3, surfaces in _COMMON_NAMES.items():
            if iso3 in {"IRN", "RUS", "KOR", "PRK", "TWN", "SYR", "VEN", "BOL", "TZA", "LAO",
                        "MDA", "VNM", "COD", "COG", "GBR", "USA", "CZE", "MKD", "FSM", "BRN",
                        "VAT", "PSE", "TUR", "CIV", "CPV", "SWZ"}:
                self.country_name[iso3] = surfaces[0]
        self.country_name["COD"] = "DR Congo"
        self.country_name["COG"] = "Congo"
        self.country_name["PSE"] = "Palestine"
        self.country_name["CIV"] = "Côte d'Ivoire"


@lru_cache(maxsize=1)
def _index() -> _Index:
    return _Index()


def _validate_source(source: str) -> None:
    check_option("source", source, _SOURCES, "to_iso3_many",
                 hint="Use source='sst' for Santos Silva–Tenreyro codes, 'baci'/'comtrade' for UN "
                 "numeric codes, '' otherwise.")


def _numeric(text: str) -> int | None:
    t = text.strip()
    if re.fullmatch(r"\d+(\.0+)?", t):
        return int(float(t))
    return None


@lru_cache(maxsize=65536)
def _resolve(value: str, source: str) -> str | None:
    """Map one value to ISO3, or None (aggregates and unknowns)."""
    idx = _index()
    text = str(value).strip()
    if not text or garbled(text) is not None or _key(text) in AMBIGUOUS_NAMES:
        return None
    num = _numeric(text)
    if num is not None:
        if source == "sst":
            return _SST_CODES.get(num)
        if source in ("baci", "comtrade") and num in _COMTRADE_NUMERIC:
            return _COMTRADE_NUMERIC[num] or None
        return idx.iso_numeric.get(num)
    if source == "cepii" and text.upper() in _CEPII_CODES:
        return _CEPII_CODES[text.upper()]
    if re.fullmatch(r"[A-Za-z]{2,3}", text):
        hit = idx.codes.get(text.upper())
        if hit is not None:
            return hit
    k = _key(text)
    if k in idx.aggregates:
        return None
    hit = idx.names.get(k)
    if hit is not None:
        return hit
    # "China, P.R.: Mainland"-style and "X, The" inversions: try "Rest X".
    m = re.fullmatch(r"(.+?),\s*(.+)", text)
    if m:
        hit = idx.names.get(_key(f"{m.group(2)} {m.group(1)}"))
        if hit is not None:
            return hit
    return None


def is_aggregate(name: str) -> bool:
    """True if ``name`` denotes a group of countries, not a country.

    Recognizes the IMF DOTS aggregates ("World", "Advanced Economies", "Euro
    Area", "Emerging and Developing Asia", "... not specified"), "EU"/"EU27",
    continents and regions, trade blocs (OECD, ASEAN, BRICS, ...), income
    groups and residual categories ("Special Categories", "Areas nes").

    Parameters
    ----------
    name : str
        A country or aggregate name.

    Examples
    --------
    >>> is_aggregate("Advanced Economies"), is_aggregate("Iran, Islamic Rep. of")
    (True, False)
    """
    text = str(name).strip()
    k = _key(text)
    if not k:
        return False
    if k in _index().aggregates:
        return True
    if _index().names.get(k) is not None or (
        re.fullmatch(r"[A-Za-z]{2,3}", text) and text.upper() in _index().codes
    ):
        return False
    return bool(_AGGREGATE_PATTERN.search(text))


def is_historical(iso3: str) -> bool:
    """True if ``iso3`` is a historical entity code (SUN, YUG, CSK, SCG, DDR, ...)."""
    return str(iso3).upper() in _HISTORICAL_CODES


def _suggest(value: str, n: int = 3) -> list[str]:
    idx = _index()
    k = _key(value)
    short = len(value.strip()) <= 3
    lookup = dict(idx.names)
    if short:
        lookup.update({_key(c): iso for c, iso in idx.codes.items()})
    pool = [key for key in lookup
            if short or not (idx.display.get(key, "").isupper() and len(idx.display.get(key, "")) <= 3)]
    keys = difflib.get_close_matches(k, pool, n=n * 3, cutoff=0.6)
    out: list[str] = []
    for key in keys:
        iso3 = lookup[key]
        label = f"{idx.display[key]} ({iso3})"
        if label not in out:
            out.append(label)
        if len(out) == n:
            break
    return out


def _unknown_error(values: list[str], source: str = "") -> UnknownCountryError:
    parts = []
    aggregates = []
    for v in values:
        why = garbled(v)
        if why is not None:
            sug = _suggest(v)
            parts.append(f"{v!r} is not read as a country name ({why})"
                         + (f"; did you mean: {', '.join(sug)}?" if sug else ""))
            continue
        if _key(v) in AMBIGUOUS_NAMES:
            cands = " or ".join(_CANDIDATE_LABELS[c] for c in AMBIGUOUS_NAMES[_key(v)])
            parts.append(f"{v!r} is ambiguous: {cands}")
            continue
        if is_aggregate(v):
            aggregates.append(v)
            continue
        sug = _suggest(v)
        parts.append(f"{v!r}" + (f" (did you mean: {', '.join(sug)}?)" if sug else ""))
    where = f" in source {source!r}" if source else ""
    msgs = []
    if parts:
        msgs.append(f"{len(parts)} unknown country name(s)/code(s){where}: " + "; ".join(parts)
                    if len(parts) > 1 or not any(" is " in p for p in parts) else parts[0] + where)
    if aggregates:
        msgs.append(f"{len(aggregates)} aggregate(s), not countries: "
                    + ", ".join(repr(a) for a in aggregates))
    ambiguous = [c for v in values if _key(v) in AMBIGUOUS_NAMES for c in AMBIGUOUS_NAMES[_key(v)]]
    if ambiguous:
        hint = f"Give the ISO3 code ({' or '.join(ambiguous)}) or the full name (e.g. 'South Korea', 'DR Congo')."
    elif any(garbled(v) for v in values):
        hint = "Type the name plainly (e.g. 'Russia') or give its ISO3 code (e.g. 'RUS')."
    else:
        hint = ("Use ISO3 codes (e.g. 'IRN', 'RUS'), or a name tradegap knows; drop aggregates "
                "with tradegap.countries.is_aggregate().")
    if any(_numeric(v) is not None for v in values) and source != "sst":
        hint += " Numeric codes are read as ISO 3166 numeric unless source='sst'/'baci'/'comtrade'."
    return UnknownCountryError(". ".join(msgs), hint=hint)


def to_iso3(name_or_code: str, *, source: Source = "") -> str:
    """Map a country name or code to its ISO3 code.

    Parameters
    ----------
    name_or_code : str
        ISO alpha-2/alpha-3/numeric code, English name, IMF DOTS or UNCTAD
        name, CEPII code, or a numeric code of ``source``.
    source : {"", "iso", "dots", "imf", "unctad", "cepii", "baci", "comtrade", "sst"}
        How numeric codes (and CEPII's legacy alpha codes) are read.

    Returns
    -------
    str
        ISO3 code (historical entities keep their own code, e.g. ``"SUN"``).

    Raises
    ------
    UnknownCountryError
        For unknown names and for aggregates, with the closest matches; for names of
        more than one state ("Congo", "Korea": :data:`AMBIGUOUS_NAMES`), with the
        candidates; for garbled input ("russia!!", "R u s s i a": :func:`garbled`).

    Examples
    --------
    >>> to_iso3("Iran, Islamic Rep. of"), to_iso3("Russia"), to_iso3("USSR")
    ('IRN', 'RUS', 'SUN')
    """
    _validate_source(source)
    hit = _resolve(str(name_or_code), source)
    if hit is None:
        raise _unknown_error([str(name_or_code)], source)
    return hit


def to_iso3_many(
    values: Iterable[str],
    *,
    source: Source = "",
    aggregates: Literal["raise", "skip"] = "raise",
) -> dict[str, str]:
    """Map many names/codes at once; one error lists every value that did not map.

    Parameters
    ----------
    values : iterable of str
        Names or codes; duplicates are looked up once.
    source : str
        See :func:`to_iso3`.
    aggregates : {"raise", "skip"}
        ``"skip"`` leaves aggregates ("World", "Euro Area", ...) out of the result
        instead of reporting them as unmatched.

    Returns
    -------
    dict[str, str]
        ``{value: iso3}`` for every distinct input value (minus skipped aggregates).

    Raises
    ------
    UnknownCountryError
        Listing all unmatched values, each with its closest matches.
    """
    _validate_source(source)
    check_option("aggregates", aggregates, ("raise", "skip"), "to_iso3_many")
    uniq = pd.unique(pd.Series(list(values), dtype=object).astype(str))
    out: dict[str, str] = {}
    missing: list[str] = []
    for v in uniq:
        hit = _resolve(v, source)
        if hit is not None:
            out[v] = hit
        elif aggregates == "skip" and is_aggregate(v):
            continue
        else:
            missing.append(v)
    if missing:
        raise _unknown_error(missing, source)
    return out


def country_name(iso3: str) -> str:
    """Short English name of an ISO3 code ("IRN" → "Iran", "SUN" → "Soviet Union").

    Raises
    ------
    UnknownCountryError
        If the code is not known.
    """
    code = str(iso3).strip().upper()
    name = _index().country_name.get(code)
    if name is None:
        raise _unknown_error([str(iso3)])
    return name


@lru_cache(maxsize=1)
def _gazetteer() -> pd.DataFrame:
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(surface: str, iso3: str, kind: str) -> None:
        surface = surface.strip()
        if not surface or (surface, iso3) in seen or _key(surface) in AMBIGUOUS_NAMES:
            return  # "Congo", "Korea": names of two states are never matched in text
        seen.add((surface, iso3))
        rows.append((surface, iso3, kind))

    for c in pycountry.countries:
        for s in (getattr(c, "common_name", None), c.name, getattr(c, "official_name", None)):
            if s and "," not in s:
                add(s, c.alpha_3, "name")
    for code, (name, *aliases) in {**HISTORICAL, **_EXTRA_ENTITIES}.items():
        add(name, code, "name")
        for s in aliases:
            if "," not in s and not s.isupper():
                add(s, code, "short_name")
    for iso3, surfaces in _COMMON_NAMES.items():
        for s in surfaces:
            add(s, iso3, "short_name")
    for iso3, surfaces in _DEMONYMS.items():
        for s in surfaces:
            add(s, iso3, "demonym")
    for iso3, surfaces in _CAPITALS.items():
        for s in surfaces:
            add(s, iso3, "capital")
    for s, iso3 in _INSTITUTIONS.items():
        add(s, iso3, "institution")
    frame = pd.DataFrame(rows, columns=["surface", "iso3", "kind"])
    return frame


def gazetteer() -> pd.DataFrame:
    """Surface forms for finding countries in text.

    Returns
    -------
    pandas.DataFrame
        Columns ``surface`` (as written in text, e.g. "Iran", "Islamic Republic of
        Iran", "Iranian", "Tehran", "the Kremlin"), ``iso3`` and ``kind`` (one of
        ``name``, ``short_name``, ``demonym``, ``capital``, ``institution``).
        Ambiguous forms (e.g. "Korean", "Congolese", "Victoria") are omitted.
        A fresh copy on every call.
    """
    return _gazetteer().copy()


# --------------------------------------------------------------------------- short names


#: Short English names for prose where the ISO name is long ("Iran", not "Iran, Islamic Republic of").
SHORT_NAMES: Final[dict[str, str]] = {
    "IRN": "Iran",
    "RUS": "Russia",
    "USA": "United States",
    "GBR": "United Kingdom",
    "KOR": "South Korea",
    "PRK": "North Korea",
    "SYR": "Syria",
    "VEN": "Venezuela",
    "TUR": "Türkiye",
}


def short_name(iso3: str, name: str | None = None) -> str:
    """A short English name for prose: :data:`SHORT_NAMES`, else ``name`` up to its first comma."""
    if iso3 in SHORT_NAMES:
        return SHORT_NAMES[iso3]
    if name is None:
        try:
            name = country_name(iso3)
        except (InputError, UnknownCountryError):
            name = iso3
    return name.split(",")[0].strip() or iso3


# --------------------------------------------------------------------------- country groups

#: Last year of a membership that has not ended.
ONGOING: Final[int] = 9999


def _since(year: int, codes: str) -> dict[str, tuple[int, int]]:
    return dict.fromkeys(codes.split(), (year, ONGOING))


#: Country groups with membership years: group → {iso3: (first_year, last_year)}
#: (:data:`ONGOING` = still a member).  Sources: the treaties' entry-into-force dates
#: (EU accessions; EAEU 2015; GCC charter 1981; NAFTA 1994–2020 replaced by USMCA 2020;
#: ASEAN enlargements; MERCOSUR 1991; SCO 2001, India/Pakistan 2017, Iran 2023; BRICS 2009,
#: South Africa 2010).  Later enlargements are not recorded.
GROUP_MEMBERSHIP: Final[dict[str, dict[str, tuple[int, int]]]] = {
    "EAEU": _since(2015, "ARM BLR KAZ KGZ RUS"),
    "EU": {
        **_since(1958, "BEL DEU FRA ITA LUX NLD"),
        **_since(1973, "DNK IRL"),
        "GBR": (1973, 2019),
        "GRC": (1981, ONGOING),
        **_since(1986, "ESP PRT"),
        **_since(1995, "AUT FIN SWE"),
        **_since(2004, "CYP CZE EST HUN LTU LVA MLT POL SVK SVN"),
        **_since(2007, "BGR ROU"),
        "HRV": (2013, ONGOING),
    },
    "NAFTA": dict.fromkeys(("CAN", "MEX", "USA"), (1994, 2020)),
    "USMCA": _since(2020, "CAN MEX USA"),
    "GCC": _since(1981, "ARE BHR KWT OMN QAT SAU"),
    "ASEAN": {
        **_since(1967, "IDN MYS PHL SGP THA"),
        "BRN": (1984, ONGOING),
        "VNM": (1995, ONGOING),
        **_since(1997, "LAO MMR"),
        "KHM": (1999, ONGOING),
    },
    "MERCOSUR": _since(1991, "ARG BRA PRY URY"),
    "SCO": {**_since(2001, "CHN KAZ KGZ RUS TJK UZB"), **_since(2017, "IND PAK"), "IRN": (2023, ONGOING)},
    "BRICS": {**_since(2009, "BRA RUS IND CHN"), "ZAF": (2010, ONGOING)},
}


def group_members(group: str, year: int | None = None) -> tuple[str, ...]:
    """ISO3 members of ``group`` in ``year``, sorted; with no year, the members in the group's last year.

    Raises
    ------
    InputError
        ``group`` is not a key of :data:`GROUP_MEMBERSHIP`.
    """
    check_option("group", group, sorted(GROUP_MEMBERSHIP), "group_members")
    spans = GROUP_MEMBERSHIP[group]
    when = max(last for _, last in spans.values()) if year is None else int(year)
    return tuple(sorted(c for c, (first, last) in spans.items() if first <= when <= last or
                        (year is None and last == when)))


#: Each group's members in its last year (EU = EU27 after Brexit; NAFTA = its three members).
GROUPS: Final[dict[str, tuple[str, ...]]] = {g: group_members(g) for g in GROUP_MEMBERSHIP}
