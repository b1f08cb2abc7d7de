//! The OpenAPI 3.1 document of the JSON API, served at `/openapi.json`.

use axum::Json;
use serde_json::{Value, json};

fn filter_parameters() -> Value {
    let p = |name: &str, description: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}, "description": description});
    json!([
        p("gemeente", "CBS-code; buiten de scope geeft 404. Zonder: alle gemeenten in de scope."),
        p("van", "JJJJ-MM-DD: items vanaf deze dag (standaard een jaar voor tot)."),
        p("tot", "JJJJ-MM-DD: de peildatum (standaard vandaag)."),
        p("wet", "iJw of iWmo."),
        p("aanbieder", "AGB-code."),
        p("productcategorie", "Productcategorie."),
        p("bericht", "Berichttype (JW301, WMO305, …): alleen items van dit bericht."),
        p("klasse", "Klasse van een retourcode (Header, Client, …): alleen retourcodes van deze klasse."),
        p(
            "per",
            "Dimensies, kommagescheiden: gemeente, regio, wet, aanbieder, bericht, productcategorie, maand, week, klasse."
        ),
        p("formaat", "csv voor CSV (puntkomma, BOM, decimale komma) of xlsx voor Excel."),
    ])
}

pub async fn document() -> Json<Value> {
    let err = json!({"description": "Fout", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fout"}}}});
    let secured = json!([{"sessie": []}, {"token": []}]);
    Json(json!({
        "openapi": "3.1.0",
        "info": {
            "title": "ketenzicht API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Ketendata-indicatoren per gemeente en regio. Elke aanvraag ziet alleen de gemeenten van het account (of het API-token); een gemeente daarbuiten geeft 404."
        },
        "components": {
            "securitySchemes": {
                "sessie": {"type": "apiKey", "in": "cookie", "name": "ketenzicht_sessie"},
                "token": {"type": "http", "scheme": "bearer", "description": "Alleen-lezen token (kz_...), zelfde scope als het account."},
                "aanlevertoken": {"type": "http", "scheme": "bearer", "description": "Aanlevertoken (kza_...): levert berichten aan, leest niets."}
            },
            "schemas": {"Fout": {"type": "object", "properties": {"fout": {"type": "string"}}, "required": ["fout"]}}
        },
        "paths": {
            "/api/v1/gemeenten": {"get": {"summary": "De gemeenten in de scope", "security": secured,
                "responses": {"200": {"description": "Account, rol en gemeenten"}, "401": err}}},
            "/api/v1/indicatoren": {"get": {"summary": "Alle indicatoren met hun definitie", "security": secured,
                "responses": {"200": {"description": "Definities"}, "401": err}}},
            "/api/v1/indicatoren/{id}": {"get": {"summary": "Een indicator, gegroepeerd naar dimensies", "security": secured,
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "Rijen per groep: aantal, uitkomsten, aandeel of statistiek"}, "400": err, "401": err, "403": err, "404": err}}},
            "/api/v1/indicatoren/{id}/items": {"get": {"summary": "De onderliggende items (drill-down naar trajecten en berichten)", "security": secured,
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                               {"name": "uitkomst", "in": "query", "required": false, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "Items"}, "400": err, "401": err, "403": err, "404": err}}},
            "/api/v1/trajecten/{traject_id}": {"get": {"summary": "Het verloop van één traject", "security": secured,
                "parameters": [{"name": "traject_id", "in": "path", "required": true, "schema": {"type": "string"}},
                               {"name": "gemeente", "in": "query", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "Gebeurtenissen in volgorde van ontvangst"}, "401": err, "404": err}}},
            "/api/v1/tokens": {"post": {"summary": "Maak een alleen-lezen API-token (sessie en CSRF-token nodig)", "security": [{"sessie": []}],
                "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {"type": "object",
                    "properties": {"csrf": {"type": "string"}, "omschrijving": {"type": "string"}}, "required": ["csrf", "omschrijving"]}}}},
                "responses": {"200": {"description": "Het token, eenmalig getoond"}, "401": err, "403": err}}},
            "/api/v1/aanleveringen": {"post": {"summary": "Lever berichten aan: één bericht (kaal of in een StUF-GGk-envelop) of een .tar.gz-archief. Ingelezen zoals `ketenzicht ingest`: opdrachten, quarantaine, precies één keer.",
                "security": [{"aanlevertoken": []}],
                "requestBody": {"required": true, "content": {
                    "application/xml": {"schema": {"type": "string", "format": "binary"}},
                    "application/gzip": {"schema": {"type": "string", "format": "binary"}}}},
                "responses": {"202": {"description": "Ontvangen en duurzaam bewaard; `volg` geeft de status", "headers": {"Location": {"schema": {"type": "string"}}}},
                              "400": err, "401": err, "413": err, "415": err}}},
            "/api/v1/aanleveringen/{id}": {"get": {"summary": "Status van een aanlevering: wacht, of verwerkt met de tellingen (nieuw, dubbel, al_bekend, conflicten, quarantaine, transport_afgewezen, fo01, zonder_opdracht)",
                "security": [{"aanlevertoken": []}],
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "De status"}, "401": err, "404": err}}}
        },
        "x-filterparameters": filter_parameters(),
    }))
}
