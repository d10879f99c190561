"""Tests of tradegap.countries: every source's names map, aggregates and history are explicit."""

from __future__ import annotations

import time

import pytest

from tradegap import countries as c
from tradegap.errors import InputError, UnknownCountryError

# Every non-aggregate reporter/partner name of the IMF DOTS long file
# (../shared/data/imf_dots/dots_1960_2020_long.csv.gz), with its expected code.
DOTS_NAMES = {
    "Afghanistan, Islamic Rep. of": "AFG", "Armenia, Rep. of": "ARM",
    "Aruba, Kingdom of the Netherlands": "ABW", "Azerbaijan, Rep. of": "AZE",
    "Bahamas, The": "BHS", "Bahrain, Kingdom of": "BHR", "Belarus, Rep. of": "BLR",
    "Belgium-Luxembourg": "BLX", "Central African Rep.": "CAF",
    "China, P.R.: Hong Kong": "HKG", "China, P.R.: Macao": "MAC", "China, P.R.: Mainland": "CHN",
    "Comoros, Union of the": "COM", "Congo, Dem. Rep. of the": "COD", "Congo, Rep. of": "COG",
    "Croatia, Rep. of": "HRV", "Curaçao, Kingdom of the Netherlands": "CUW",
    "Czech Rep.": "CZE", "Czechoslovakia": "CSK", "Dominican Rep.": "DOM",
    "Eastern Germany": "DDR", "Egypt, Arab Rep. of": "EGY", "Equatorial Guinea, Rep. of": "GNQ",
    "Eritrea, The State of": "ERI", "Estonia, Rep. of": "EST", "Eswatini, Kingdom of": "SWZ",
    "Ethiopia, The Federal Dem. Rep. of": "ETH", "Fiji, Rep. of": "FJI", "Gambia, The": "GMB",
    "Holy See": "VAT", "Iran, Islamic Rep. of": "IRN", "Kazakhstan, Rep. of": "KAZ",
    "Korea, Dem. People's Rep. of": "PRK", "Korea, Rep. of": "KOR", "Kosovo, Rep. of": "XKX",
    "Kyrgyz Rep.": "KGZ", "Lao People's Dem. Rep.": "LAO", "Lesotho, Kingdom of": "LSO",
    "Madagascar, Rep. of": "MDG", "Malaysia, West": "XMW", "Marshall Islands, Rep. of the": "MHL",
    "Mauritania, Islamic Rep. of": "MRT", "Moldova, Rep. of": "MDA", "Mozambique, Rep. of": "MOZ",
    "Nauru, Rep. of": "NRU", "Netherlands Antilles": "ANT", "Netherlands, The": "NLD",
    "North Macedonia, Republic of": "MKD", "Palau, Rep. of": "PLW", "Poland, Rep. of": "POL",
    "San Marino, Rep. of": "SMR", "Serbia and Montenegro": "SCG", "Serbia, Rep. of": "SRB",
    "Sint Maarten, Kingdom of the Netherlands": "SXM", "Slovak Rep.": "SVK",
    "Slovenia, Rep. of": "SVN", "South Sudan, Rep. of": "SSD", "St. Kitts and Nevis": "KNA",
    "St. Lucia": "LCA", "St. Vincent and the Grenadines": "VCT", "Syrian Arab Rep.": "SYR",
    "São Tomé and Príncipe, Dem. Rep. of": "STP", "Taiwan Province of China": "TWN",
    "Tajikistan, Rep. of": "TJK", "Tanzania, United Rep. of": "TZA",
    "Timor-Leste, Dem. Rep. of": "TLS", "Turkey": "TUR", "USSR": "SUN",
    "Uzbekistan, Rep. of": "UZB", "Venezuela, Rep. Bolivariana de": "VEN",
    "West Bank and Gaza": "PSE", "Yemen Arab Rep.": "YAR", "Yemen, People's Dem. Rep. of": "YMD",
    "Yemen, Rep. of": "YEM", "Yugoslavia": "YUG", "Russian Federation": "RUS",
    "United States": "USA", "United Kingdom": "GBR", "Germany": "DEU",
}

DOTS_AGGREGATES = [
    "Advanced Economies", "Africa", "Africa not specified", "Asia not specified",
    "Countries & Areas not specified",
    "Emerging Market and Developing Economies by Source of Export Earnings: Fuel",
    "Emerging Market and Developing Economies by Source of Export Earnings: Nonfuel",
    "Emerging and Developing Asia", "Emerging and Developing Economies",
    "Emerging and Developing Europe", "Euro Area", "Europe not specified", "European Union",
    "Middle East", "Middle East and Central Asia", "Middle East and Central Asia not specified",
    "Other Countries not included elsewhere", "South African Common Customs Area (SACCA)",
    "Special Categories", "Sub-Saharan Africa", "Western Hemisphere",
    "Western Hemisphere not specified", "World",
]

# UNCTADstat bulk-file spellings (unctad_sitc_sections_2015.csv.gz) that pycountry lacks.
UNCTAD_NAMES = {
    "IranIslamicRepublic": "IRN", "RussianFederation": "RUS", "ChinaHongKongSAR": "HKG",
    "ChinaTaiwanProvince": "TWN", "KoreaRepublicof": "KOR", "KoreaDemPeoples": "PRK",
    "TFYRofMacedonia": "MKD", "SaoTomeandPricipe": "STP", "DemRepoftheCongo": "COD",
    "CotedIvoire": "CIV", "UnitedStates": "USA", "UnitedKingdom": "GBR", "SintBonaire": "BES",
    "StateofPalestine": "PSE", "Swaziland": "SWZ", "HolySee": "VAT", "Curacao": "CUW",
    "MicronesiaFedSts": "FSM", "LaoPeoplesDemRep": "LAO", "FaeroeIslands": "FRO",
}


@pytest.mark.parametrize(("name", "iso3"), sorted(DOTS_NAMES.items()))
def test_dots_names(name, iso3):
    assert c.to_iso3(name) == iso3
    assert not c.is_aggregate(name)


@pytest.mark.parametrize("name", DOTS_AGGREGATES)
def test_dots_aggregates_are_recognized_and_never_mapped(name):
    assert c.is_aggregate(name)
    with pytest.raises(UnknownCountryError, match="aggregate"):
        c.to_iso3(name)


@pytest.mark.parametrize(("name", "iso3"), sorted(UNCTAD_NAMES.items()))
def test_unctad_names(name, iso3):
    assert c.to_iso3(name, source="unctad") == iso3


@pytest.mark.parametrize(
    ("value", "iso3"),
    [("IRN", "IRN"), ("ir", "IRN"), ("RU", "RUS"), ("643", "RUS"), ("364", "IRN"),
     ("004", "AFG"), ("4", "AFG"), ("643.0", "RUS"), ("Iran", "IRN"), ("Russia", "RUS"),
     ("Islamic Republic of Iran", "IRN"), ("South Korea", "KOR"), ("North Korea", "PRK"),
     ("UK", "GBR"), ("U.S.", "USA"), ("United States of America", "USA"),
     ("Côte d'Ivoire", "CIV"), ("Cote d'Ivoire", "CIV"), ("Türkiye", "TUR"), ("Czechia", "CZE"),
     ("Viet Nam", "VNM"), ("  iran  ", "IRN"), ("Burma", "MMR"), ("Zaire", "COD")],
)
def test_iso_codes_and_common_names(value, iso3):
    assert c.to_iso3(value) == iso3


@pytest.mark.parametrize(
    ("value", "iso3"),
    [("USSR", "SUN"), ("Soviet Union", "SUN"), ("Yugoslavia", "YUG"), ("Czechoslovakia", "CSK"),
     ("Serbia and Montenegro", "SCG"), ("East Germany", "DDR"),
     ("German Democratic Republic", "DDR"), ("Netherlands Antilles", "ANT")],
)
def test_historical_entities_keep_their_own_codes(value, iso3):
    assert c.to_iso3(value) == iso3
    assert c.is_historical(iso3)
    # never silently merged into a successor
    assert c.to_iso3(value) not in {"RUS", "SRB", "CZE", "SVK", "DEU"}


def test_sst_numeric_codes_differ_from_iso_numeric():
    # SST code 8 = Argentina; ISO numeric 008 = Albania.
    assert c.to_iso3("8", source="sst") == "ARG"
    assert c.to_iso3("8") == "ALB"
    assert c.to_iso3("88", source="sst") == "IRN"
    assert c.to_iso3("157", source="sst") == "RUS"
    assert c.to_iso3("19", source="sst") == "BLX"
    assert c.to_iso3_many(["195", "194", "41"], source="sst") == {
        "195": "USA", "194": "GBR", "41": "CHN"}
    assert len(c._SST_CODES) == 136


def test_comtrade_baci_numeric_quirks():
    assert c.to_iso3("842", source="baci") == "USA"
    assert c.to_iso3("251", source="baci") == "FRA"
    assert c.to_iso3("699", source="comtrade") == "IND"
    assert c.to_iso3("490", source="baci") == "TWN"
    assert c.to_iso3("643", source="baci") == "RUS"


def test_cepii_legacy_codes():
    assert c.to_iso3("ROM", source="cepii") == "ROU"
    assert c.to_iso3("ZAR", source="cepii") == "COD"
    assert c.to_iso3("YUG", source="cepii") == "SCG"  # GeoDist's YUG is Serbia and Montenegro
    assert c.to_iso3("YUG") == "YUG"


def test_unknown_raises_one_error_listing_all_with_suggestions():
    with pytest.raises(UnknownCountryError) as exc:
        c.to_iso3_many(["Irann", "Rusia", "IRN", "Narnia"])
    msg = str(exc.value)
    assert "'Irann'" in msg and "'Rusia'" in msg and "'Narnia'" in msg
    assert "3 unknown" in msg
    assert "Iran (IRN)" in msg and "Russia (RUS)" in msg
    assert "Hint:" in msg
    assert isinstance(exc.value, LookupError)


def test_to_iso3_many_skips_aggregates_on_request():
    out = c.to_iso3_many(["World", "Iran, Islamic Rep. of", "Euro Area"], aggregates="skip")
    assert out == {"Iran, Islamic Rep. of": "IRN"}
    with pytest.raises(UnknownCountryError, match="aggregate"):
        c.to_iso3_many(["World", "Iran"])


def test_invalid_source_is_rejected():
    with pytest.raises(InputError, match="'source' parameter .* Got 'xx' instead"):
        c.to_iso3("IRN", source="xx")


def test_is_aggregate_regions_and_blocs():
    for name in ("EU", "EU27", "OECD", "ASEAN", "Latin America and the Caribbean", "Areas nes"):
        assert c.is_aggregate(name), name
    for name in ("South Africa", "Central African Republic", "American Samoa", "Iran"):
        assert not c.is_aggregate(name), name


def test_country_name():
    assert c.country_name("IRN") == "Iran"
    assert c.country_name("rus") == "Russia"
    assert c.country_name("SUN") == "Soviet Union"
    assert c.country_name("DEU") == "Germany"
    with pytest.raises(UnknownCountryError):
        c.country_name("QQQ")


def test_gazetteer_surfaces():
    g = c.gazetteer()
    assert list(g.columns) == ["surface", "iso3", "kind"]
    assert set(g["kind"]) == {"name", "short_name", "demonym", "capital", "institution"}
    lookup = {(s, k): i for s, i, k in g.itertuples(index=False)}
    expected = [
        ("Iran", "IRN"), ("Islamic Republic of Iran", "IRN"), ("Iranian", "IRN"),
        ("Tehran", "IRN"), ("Russian", "RUS"), ("Moscow", "RUS"), ("the Kremlin", "RUS"),
        ("Russia", "RUS"), ("American", "USA"), ("British", "GBR"), ("Chinese", "CHN"),
        ("the White House", "USA"), ("Downing Street", "GBR"), ("Élysée", "FRA"),
        ("Beijing", "CHN"), ("Washington", "USA"), ("Kyiv", "UKR"),
    ]
    have = {(s, i) for s, i, _ in g.itertuples(index=False)}
    for pair in expected:
        assert pair in have, pair
    # ambiguous forms are left out
    assert "Korean" not in set(g["surface"])
    assert "Victoria" not in set(g["surface"])
    assert not g.duplicated(["surface", "iso3"]).any()
    assert lookup  # non-empty
    # a copy: mutating it does not change the next call
    g.loc[0, "iso3"] = "XXX"
    assert "XXX" not in set(c.gazetteer()["iso3"])


def test_gazetteer_codes_all_resolve():
    g = c.gazetteer()
    for code in g["iso3"].unique():
        assert c.country_name(code)


def test_demonyms_cover_most_countries():
    g = c.gazetteer()
    assert g.loc[g["kind"] == "demonym", "iso3"].nunique() >= 180


def test_lookups_are_fast():
    values = ["Iran, Islamic Rep. of", "Russian Federation", "Germany", "IRN", "643"] * 20000
    t0 = time.perf_counter()
    out = c.to_iso3_many(values)
    assert time.perf_counter() - t0 < 1.0
    assert out["643"] == "RUS"


def test_gazetteer_leaves_out_misleading_words():
    surfaces = set(c.gazetteer()["surface"])
    for word in ("Persian", "Pole", "Kiwi", "Korean", "Congolese", "Dominican"):
        assert word not in surfaces, word


def test_na_placeholders_are_not_namibia():
    for v in ("N/A", "n/a", "", " "):
        with pytest.raises(UnknownCountryError):
            c.to_iso3(v)
    assert c.to_iso3("NA") == "NAM"  # the bare ISO2 code still is


@pytest.mark.parametrize(
    ("name", "codes"), [("Congo", ("COG", "COD")), ("korea", ("KOR", "PRK")), ("Virgin Islands", ("VGB", "VIR"))]
)
def test_ambiguous_names_are_refused_with_the_candidates(name, codes):
    from tradegap.countries import to_iso3
    from tradegap.errors import UnknownCountryError

    with pytest.raises(UnknownCountryError, match="ambiguous") as exc:
        to_iso3(name)
    assert all(c in exc.value.message for c in codes) and all(c in exc.value.hint for c in codes)


@pytest.mark.parametrize("name", ["R u s s i a", "russia!!", "Iran?", "U S A"])
def test_garbled_names_are_not_resolved_silently(name):
    from tradegap.countries import to_iso3
    from tradegap.errors import UnknownCountryError

    with pytest.raises(UnknownCountryError, match="not read as a country name"):
        to_iso3(name)


@pytest.mark.parametrize(
    ("name", "iso3"),
    [("DR Congo", "COD"), ("Republic of Congo", "COG"), ("South Korea", "KOR"), ("Korea, Rep. of", "KOR"),
     ("China, P.R.: Hong Kong", "HKG"), ("Côte d'Ivoire", "CIV"), ("Bosnia-Herzegovina", "BIH"),
     ("St. Kitts & Nevis", "KNA"), ("russia", "RUS")],
)
def test_qualified_and_punctuated_names_still_resolve(name, iso3):
    from tradegap.countries import to_iso3

    assert to_iso3(name) == iso3


def test_gazetteer_has_no_ambiguous_surface():
    from tradegap.countries import gazetteer

    assert not set(gazetteer()["surface"]) & {"Congo", "Korea"}


def test_succession_notes_flag_historical_entities():
    from tradegap.countries import succession_notes

    (ussr,) = succession_notes(["SUN", "IRN"], range(1990, 2014))
    assert "one state until 1991" in ussr and "RUS, UKR" in ussr and "Rows after 1991" in ussr
    (rus,) = succession_notes(["IRN", "RUS"], range(1990, 2020))
    assert "only from 1992" in rus and "Soviet Union (SUN)" in rus
    assert succession_notes(["IRN", "RUS"], range(2015, 2020)) == []
    (sdn,) = succession_notes(["SDN", "EGY"], range(2005, 2015))
    assert "up to 2010 includes the territory of South Sudan" in sdn
    (csk,) = succession_notes(["CZE"], [1991, 1992, 1993])
    assert "Czechoslovakia (CSK)" in csk and "CZE, SVK" in csk
