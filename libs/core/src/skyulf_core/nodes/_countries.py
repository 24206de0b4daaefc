"""A compact ISO 3166-1 table for AliasReplacement's canonicalize_country_codes mode.

One line per country: alpha-2, alpha-3, English short name, then common other spellings, separated
by ``|``. Lookup keys are normalised (case-folded, dots and commas dropped, whitespace collapsed).
"""

from __future__ import annotations

import re

_TABLE = """
AF|AFG|Afghanistan
AL|ALB|Albania
DZ|DZA|Algeria
AD|AND|Andorra
AO|AGO|Angola
AR|ARG|Argentina
AM|ARM|Armenia
AU|AUS|Australia
AT|AUT|Austria|Österreich
AZ|AZE|Azerbaijan
BS|BHS|Bahamas|The Bahamas
BH|BHR|Bahrain
BD|BGD|Bangladesh
BY|BLR|Belarus
BE|BEL|Belgium|België|Belgique
BO|BOL|Bolivia
BA|BIH|Bosnia and Herzegovina|Bosnia
BR|BRA|Brazil|Brasil
BG|BGR|Bulgaria
KH|KHM|Cambodia
CM|CMR|Cameroon
CA|CAN|Canada
CL|CHL|Chile
CN|CHN|China|People's Republic of China|PRC
CO|COL|Colombia
CR|CRI|Costa Rica
HR|HRV|Croatia|Hrvatska
CU|CUB|Cuba
CY|CYP|Cyprus
CZ|CZE|Czechia|Czech Republic
DK|DNK|Denmark|Danmark
DO|DOM|Dominican Republic
EC|ECU|Ecuador
EG|EGY|Egypt
SV|SLV|El Salvador
EE|EST|Estonia
ET|ETH|Ethiopia
FI|FIN|Finland|Suomi
FR|FRA|France
GE|GEO|Georgia
DE|DEU|Germany|Deutschland
GH|GHA|Ghana
GR|GRC|Greece|Hellas
GT|GTM|Guatemala
HN|HND|Honduras
HK|HKG|Hong Kong
HU|HUN|Hungary|Magyarország
IS|ISL|Iceland
IN|IND|India|Bharat
ID|IDN|Indonesia
IR|IRN|Iran|Islamic Republic of Iran
IQ|IRQ|Iraq
IE|IRL|Ireland|Republic of Ireland|Éire
IL|ISR|Israel
IT|ITA|Italy|Italia
CI|CIV|Côte d'Ivoire|Cote d'Ivoire|Ivory Coast
JM|JAM|Jamaica
JP|JPN|Japan|Nippon
JO|JOR|Jordan
KZ|KAZ|Kazakhstan
KE|KEN|Kenya
KR|KOR|South Korea|Korea|Republic of Korea
KP|PRK|North Korea|Democratic People's Republic of Korea|DPRK
KW|KWT|Kuwait
LV|LVA|Latvia
LB|LBN|Lebanon
LY|LBY|Libya
LT|LTU|Lithuania
LU|LUX|Luxembourg
MY|MYS|Malaysia
MT|MLT|Malta
MX|MEX|Mexico|México
MD|MDA|Moldova
MC|MCO|Monaco
MN|MNG|Mongolia
ME|MNE|Montenegro
MA|MAR|Morocco
MZ|MOZ|Mozambique
MM|MMR|Myanmar|Burma
NP|NPL|Nepal
NL|NLD|Netherlands|The Netherlands|Holland|Nederland
NZ|NZL|New Zealand
NI|NIC|Nicaragua
NG|NGA|Nigeria
MK|MKD|North Macedonia|Macedonia
NO|NOR|Norway|Norge
OM|OMN|Oman
PK|PAK|Pakistan
PA|PAN|Panama
PY|PRY|Paraguay
PE|PER|Peru
PH|PHL|Philippines
PL|POL|Poland|Polska
PT|PRT|Portugal
PR|PRI|Puerto Rico
QA|QAT|Qatar
RO|ROU|Romania
RU|RUS|Russia|Russian Federation
SA|SAU|Saudi Arabia
SN|SEN|Senegal
RS|SRB|Serbia
SG|SGP|Singapore
SK|SVK|Slovakia
SI|SVN|Slovenia
ZA|ZAF|South Africa
ES|ESP|Spain|España
LK|LKA|Sri Lanka
SD|SDN|Sudan
SE|SWE|Sweden|Sverige
CH|CHE|Switzerland|Schweiz|Suisse
SY|SYR|Syria
TW|TWN|Taiwan
TZ|TZA|Tanzania
TH|THA|Thailand
TN|TUN|Tunisia
TR|TUR|Türkiye|Turkey
UG|UGA|Uganda
UA|UKR|Ukraine
AE|ARE|United Arab Emirates|UAE
GB|GBR|United Kingdom|UK|Great Britain|Britain|England|Scotland|Wales|Northern Ireland
US|USA|United States|United States of America|America|US of A
UY|URY|Uruguay
UZ|UZB|Uzbekistan
VE|VEN|Venezuela
VN|VNM|Vietnam|Viet Nam
YE|YEM|Yemen
ZM|ZMB|Zambia
ZW|ZWE|Zimbabwe
"""


def country_key(text: str) -> str:
    """The normalised form a spelling is looked up by."""
    return re.sub(r"\s+", " ", re.sub(r"[.,]", "", text)).strip().casefold()


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _TABLE.strip().splitlines():
        alpha2, *spellings = line.split("|")
        for spelling in (alpha2, *spellings):
            table[country_key(spelling)] = alpha2
    return table


COUNTRY_CODES: dict[str, str] = _build()
"""Normalised spelling (name, alpha-2, alpha-3 or alias) → ISO 3166-1 alpha-2 code."""
