"""/open-data/catalog.jsonld: the datasets described in DCAT-AP as JSON-LD, which national and
provincial open-data portals (CKAN with ckanext-dcat, data.europa.eu's harvester) read to list
and re-harvest them."""

from __future__ import annotations

import re
from typing import Any

from ..config import SiteConfig
from .datasets import FOLDER, Dataset, title

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
CREATIVE_COMMONS = re.compile(r"CC[ -]?(BY(?:-(?:NC|SA|ND))*)[ -]?(\d\.\d)", re.IGNORECASE)
IANA = "http://www.iana.org/assignments/media-types/"
CATALOG_FILE = FOLDER + "catalog.jsonld"
DATASET_DESCRIPTIONS = {  # DCAT-AP requires a description of every dataset
    "vi": "{count} bản ghi; mỗi bản ghi có mã định danh cố định và địa chỉ trang của nó.",
    "en": "{count} records, each with its permanent code and the address of its page.",
}


def license_node(license_name: str) -> dict[str, Any]:
    """DCAT-AP wants a licence document's URI: Creative Commons names become theirs; any other
    licence is named in a blank node, so nothing is invented."""
    found = CREATIVE_COMMONS.search(license_name)
    if found:
        return {"@id": f"https://creativecommons.org/licenses/{found[1].lower()}/{found[2]}/"}
    if re.search(r"\bCC0\b", license_name, re.IGNORECASE):
        return {"@id": "https://creativecommons.org/publicdomain/zero/1.0/"}
    return {"@type": "dct:LicenseDocument", "rdfs:label": license_name}


def _texts(config: SiteConfig, texts: dict[str, str]) -> list[dict[str, str]]:
    return [{"@value": texts[lang], "@language": lang} for lang in config.languages if texts.get(lang)]


def catalog(config: SiteConfig, datasets: list[Dataset], modified: str) -> dict[str, Any]:
    base = config.base_url
    publisher = {"@type": "foaf:Agent", "foaf:name": config.title, "foaf:homepage": {"@id": base}}
    licence = license_node(config.license) if config.license else None
    date = {"dct:modified": {"@value": modified, "@type": "xsd:date"}} if modified else {}

    def distribution(dataset: Dataset, index: int) -> dict[str, Any]:
        file = dataset.distributions[index]
        url = base + file.path
        names = {lang: f"{title(dataset.title_key, lang)} ({file.format_name})" for lang in config.languages}
        return {
            "@id": url,
            "@type": "dcat:Distribution",
            "dct:title": _texts(config, names),
            "dcat:accessURL": {"@id": base + FOLDER},
            "dcat:downloadURL": {"@id": url},
            "dcat:mediaType": {"@id": IANA + file.media_type},
            "dct:format": file.format_name,
            "dcat:byteSize": {"@value": str(len(file.content)), "@type": "xsd:nonNegativeInteger"},
            **({"dct:license": licence} if licence else {}),
            **date,
        }

    return {
        "@context": CONTEXT,
        "@id": base + CATALOG_FILE,
        "@type": "dcat:Catalog",
        "dct:title": _texts(config, {lang: config.text("title", lang) for lang in config.languages}),
        "dct:description": _texts(config, {lang: config.text("description", lang) for lang in config.languages}),
        "dct:publisher": publisher,
        "foaf:homepage": {"@id": base},
        **({"dct:license": licence} if licence else {}),
        **date,
        "dcat:dataset": [
            {
                "@id": f"{base}{FOLDER}#{dataset.name}",
                "@type": "dcat:Dataset",
                "dct:identifier": dataset.name,
                "dct:title": _texts(config, {lang: title(dataset.title_key, lang) for lang in config.languages}),
                "dct:description": _texts(
                    config,
                    {
                        lang: (DATASET_DESCRIPTIONS.get(lang) or DATASET_DESCRIPTIONS["en"]).format(count=dataset.count)
                        for lang in config.languages
                    },
                ),
                "dct:publisher": publisher,
                "dcat:landingPage": {"@id": base + FOLDER},
                **date,
                "dcat:distribution": [distribution(dataset, i) for i in range(len(dataset.distributions))],
            }
            for dataset in datasets
        ],
    }
