/// The OpenAPI 3 description of `/api/v1` and `/healthz`. A test compares its paths with the
/// registered routes, so the two cannot drift apart silently.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.0.3",
      "info": {"title": "Sinergi API", "version": "1.0.0", "description": "Integrated supervision of foreigners. Every route applies the same scope rules as the web pages."},
      "servers": [{"url": "/"}],
      "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
          "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
          "ForeignerItem": {"type": "object", "required": ["id", "fullName", "familyName", "givenNames", "sex", "nationality", "status"], "properties": {
            "id": {"type": "string", "format": "uuid"}, "fullName": {"type": "string"}, "familyName": {"type": "string"}, "givenNames": {"type": "string"},
            "sex": {"type": "string", "enum": ["M", "F", "X"]}, "dateOfBirth": {"type": "string", "format": "date"}, "nationality": {"type": "string", "pattern": "^[A-Z]{3}$"},
            "passportNumber": {"type": "string"}, "permitCategory": {"type": "string"}, "permitEnd": {"type": "string", "format": "date"},
            "status": {"type": "string", "enum": ["valid", "expiring", "overstayed", "noPermit"]}, "daysLeft": {"type": "integer"}, "daysOverstayed": {"type": "integer"}}},
          "ForeignerList": {"type": "object", "required": ["items", "total", "page", "per"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/ForeignerItem"}}, "total": {"type": "integer"}, "page": {"type": "integer"}, "per": {"type": "integer"}}},
          "ForeignerDetail": {"type": "object", "required": ["foreigner", "passports", "permits", "addresses", "employments"], "properties": {
            "foreigner": {"$ref": "#/components/schemas/ForeignerItem"},
            "passports": {"type": "array", "items": {"type": "object"}}, "permits": {"type": "array", "items": {"type": "object"}},
            "addresses": {"type": "array", "items": {"type": "object"}}, "employments": {"type": "array", "items": {"type": "object"}}}},
          "Counts": {"type": "object", "required": ["total", "byCategory", "byNationality", "expiringIn30Days", "overstayed"], "properties": {
            "total": {"type": "integer"}, "byCategory": {"type": "object", "additionalProperties": {"type": "integer"}},
            "byNationality": {"type": "object", "additionalProperties": {"type": "integer"}}, "expiringIn30Days": {"type": "integer"}, "overstayed": {"type": "integer"}}},
          "Import": {"type": "object", "required": ["id", "kind", "status", "progress", "rows", "fileName", "createdAt"], "properties": {
            "id": {"type": "string", "format": "uuid"}, "kind": {"type": "string", "enum": ["foreign-workers", "residents", "persons-checked", "companies"]},
            "status": {"type": "string", "enum": ["reconciling", "reconciled", "cancelled", "failed"]}, "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "rows": {"type": "integer"}, "fileName": {"type": "string"}, "createdAt": {"type": "string", "format": "date-time"}, "finishedAt": {"type": "string", "format": "date-time"},
            "error": {"type": "string"}, "matched": {"type": "integer"}, "review": {"type": "integer"}, "unmatched": {"type": "integer"}, "duplicate": {"type": "boolean"}}},
          "InvalidFile": {"type": "object", "required": ["error", "invalidRows", "invalidCount"], "properties": {"error": {"type": "string"}, "invalidCount": {"type": "integer"},
            "invalidRows": {"type": "array", "items": {"type": "object", "required": ["line", "reason"], "properties": {"line": {"type": "integer", "description": "the header is line 1"}, "reason": {"type": "string"}}}}}},
          "RegionList": {"type": "object", "required": ["items", "total", "page", "per"], "properties": {
            "items": {"type": "array", "items": {"type": "object", "required": ["code", "name", "level"], "properties": {
              "code": {"type": "string"}, "name": {"type": "string"}, "level": {"type": "string", "enum": ["province", "regency", "district", "village"]}, "parentCode": {"type": "string"}, "postalCode": {"type": "string"}}}},
            "total": {"type": "integer"}, "page": {"type": "integer"}, "per": {"type": "integer"}}}
        }
      },
      "paths": {
        "/healthz": {"get": {"summary": "Liveness and database reachability", "responses": {"200": {"description": "ok"}, "503": {"description": "database unreachable"}}}},
        "/api/v1/auth/token": {"post": {"summary": "Exchange email and password for an expiring bearer token",
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["email", "password"], "properties": {"email": {"type": "string"}, "password": {"type": "string"}}}}}},
          "responses": {"200": {"description": "token", "content": {"application/json": {"schema": {"type": "object", "required": ["token", "expiresAt"], "properties": {"token": {"type": "string"}, "expiresAt": {"type": "string", "format": "date-time"}}}}}},
                        "401": {"description": "wrong email or password", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                        "422": {"description": "malformed body", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
        "/api/v1/foreigners": {"get": {"summary": "Foreigners in the caller's scope (officers: office jurisdiction; sponsors: own foreigners)", "security": [{"bearer": []}],
          "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}, {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                         {"name": "per", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}, {"name": "nationality", "in": "query", "schema": {"type": "string"}},
                         {"name": "category", "in": "query", "schema": {"type": "string", "enum": ["ITK", "ITAS", "ITAP", "other"]}},
                         {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["valid", "expiring", "overstayed", "noPermit"]}}],
          "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ForeignerList"}}}},
                        "401": {"description": "no or invalid token"}, "403": {"description": "role sees counts only (agency, admin)"}, "422": {"description": "bad parameter"}}}},
        "/api/v1/foreigners/{id}": {"get": {"summary": "One foreigner with passports, permits, addresses and employment; the read is audited", "security": [{"bearer": []}],
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
                         {"name": "purpose", "in": "query", "schema": {"type": "string", "enum": ["supervision", "verification", "fieldCheck", "investigation", "service"]}}],
          "responses": {"200": {"description": "the record", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ForeignerDetail"}}}},
                        "401": {"description": "no or invalid token"}, "403": {"description": "role sees counts only"}, "404": {"description": "not found or outside the caller's scope"}}}},
        "/api/v1/lookup": {"get": {"summary": "Field look-up by passport number (OCR-folded), name (romanisation variants, any order) or pasted MRZ (TD1/TD2/TD3, check digits verified); each result shown is audited with the purpose", "security": [{"bearer": []}],
          "parameters": [{"name": "passport", "in": "query", "schema": {"type": "string"}}, {"name": "name", "in": "query", "schema": {"type": "string"}},
                         {"name": "mrz", "in": "query", "description": "MRZ lines joined by newlines", "schema": {"type": "string"}},
                         {"name": "purpose", "in": "query", "schema": {"type": "string", "enum": ["supervision", "verification", "fieldCheck", "investigation", "service"]}},
                         {"name": "page", "in": "query", "schema": {"type": "integer"}}, {"name": "per", "in": "query", "schema": {"type": "integer"}}],
          "responses": {"200": {"description": "matches in the caller's jurisdiction", "content": {"application/json": {"schema": {"type": "object", "required": ["items", "total", "page", "per"], "properties": {
              "items": {"type": "array", "items": {"type": "object", "required": ["id", "fullName", "status", "fineIDR"], "properties": {
                "id": {"type": "string", "format": "uuid"}, "fullName": {"type": "string"}, "passportNumber": {"type": "string"}, "nationality": {"type": "string"},
                "status": {"type": "string", "enum": ["valid", "expiring", "overstayed", "noPermit"]}, "daysLeft": {"type": "integer"}, "daysOverstayed": {"type": "integer"},
                "fineIDR": {"type": "integer"}, "deportationCase": {"type": "boolean"}, "sponsorName": {"type": "string"}, "sponsorPhone": {"type": "string"}, "address": {"type": "string"}}}},
              "total": {"type": "integer"}, "page": {"type": "integer"}, "per": {"type": "integer"}}}}}},
                        "401": {"description": "no or invalid token"}, "403": {"description": "officers and supervisors only"},
                        "422": {"description": "bad parameter, or a malformed MRZ (the error names the failed check digit and line)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}},
        "/api/v1/public-reports": {"post": {"summary": "A citizen reports a suspicious foreigner (no login). Rate-limited per address; a repeated report answers 200 with the first report's code",
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["description", "kelurahanCode", "seenAt"], "properties": {
            "description": {"type": "string", "minLength": 10, "maxLength": 2000}, "kelurahanCode": {"type": "string"}, "seenAt": {"type": "string", "format": "date-time"},
            "latitude": {"type": "number"}, "longitude": {"type": "number"}, "contact": {"type": "string", "maxLength": 200}}}}}},
          "responses": {"201": {"description": "received", "content": {"application/json": {"schema": {"type": "object", "required": ["trackingCode"], "properties": {"trackingCode": {"type": "string"}}}}}},
                        "200": {"description": "the same report was already received; its code", "content": {"application/json": {"schema": {"type": "object", "required": ["trackingCode"], "properties": {"trackingCode": {"type": "string"}}}}}},
                        "422": {"description": "invalid field, named in the error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                        "429": {"description": "too many reports from this address"}}}},
        "/api/v1/public-reports/{code}": {"get": {"summary": "The status of a public report, and nothing else (no login)",
          "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}],
          "responses": {"200": {"description": "status", "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string", "enum": ["received", "inReview", "closed"]}}}}}},
                        "404": {"description": "unknown tracking code"}}}},
        "/api/v1/stats": {"get": {"summary": "Counts of foreigners in the caller's scope (agency members: their region)", "security": [{"bearer": []}],
          "responses": {"200": {"description": "counts", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Counts"}}}}, "401": {"description": "no or invalid token"}}}},
        "/api/v1/regions": {"get": {"summary": "Administrative regions with official Kemendagri codes", "security": [{"bearer": []}],
          "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}, {"name": "level", "in": "query", "schema": {"type": "string", "enum": ["province", "regency", "district", "village"]}},
                         {"name": "parent", "in": "query", "schema": {"type": "string"}}, {"name": "page", "in": "query", "schema": {"type": "integer"}}, {"name": "per", "in": "query", "schema": {"type": "integer"}}],
          "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RegionList"}}}}, "401": {"description": "no or invalid token"}, "422": {"description": "bad parameter"}}}},
        "/api/v1/imports": {
          "post": {"summary": "Import an agency list (CSV body or multipart part `file`; UTF-8 or Windows-1252, comma or semicolon). Columns are mapped by header name or by the owner's saved mapping; every row is validated before anything is stored; reconciliation against the registry then runs in the background", "security": [{"bearer": []}],
            "parameters": [{"name": "kind", "in": "query", "required": true, "schema": {"type": "string", "enum": ["foreign-workers", "residents", "persons-checked", "companies"]}},
                           {"name": "agency", "in": "query", "description": "officers: import on behalf of this agency", "schema": {"type": "string", "format": "uuid"}}],
            "requestBody": {"required": true, "content": {"text/csv": {"schema": {"type": "string"}}, "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}, "kind": {"type": "string"}}}}}},
            "responses": {"201": {"description": "stored; reconciling", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Import"}}}},
                          "200": {"description": "the same file was imported before: that import, nothing new stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Import"}}}},
                          "401": {"description": "no or invalid token"}, "403": {"description": "agency members, officers and supervisors only"},
                          "422": {"description": "invalid file: every bad line with its reason; nothing stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/InvalidFile"}}}}}},
          "get": {"summary": "Imports the caller may see (agency members: their agency's)", "security": [{"bearer": []}],
            "responses": {"200": {"description": "list", "content": {"application/json": {"schema": {"type": "object", "required": ["items", "total"], "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Import"}}, "total": {"type": "integer"}}}}}}, "401": {"description": "no or invalid token"}, "403": {"description": "role not allowed"}}}},
        "/api/v1/imports/{id}": {"get": {"summary": "Status and progress of an import", "security": [{"bearer": []}], "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
          "responses": {"200": {"description": "the import", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Import"}}}}, "404": {"description": "not found or not visible"}}}},
        "/api/v1/imports/{id}/cancel": {"post": {"summary": "Cancel an import still being reconciled: it and its rows are removed", "security": [{"bearer": []}], "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
          "responses": {"200": {"description": "cancelled", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Import"}}}}, "404": {"description": "not found"}, "409": {"description": "already reconciled"}}}},
        "/api/v1/imports/{id}/rerun": {"post": {"summary": "Reconcile again (e.g. after the registry changed); people's decisions are kept", "security": [{"bearer": []}], "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
          "responses": {"200": {"description": "reconciling", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Import"}}}}, "404": {"description": "not found"}, "409": {"description": "still reconciling"}}}},
        "/api/v1/imports/{id}/reconciliation": {"get": {"summary": "Matched / review / unmatched counts; for officers also the rows with the registry foreigner (or sponsor) linked, the probability and each field's contribution", "security": [{"bearer": []}],
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}, {"name": "state", "in": "query", "schema": {"type": "string", "enum": ["matched", "review", "unmatched"]}}, {"name": "page", "in": "query", "schema": {"type": "integer"}}, {"name": "per", "in": "query", "schema": {"type": "integer"}}],
          "responses": {"200": {"description": "counts (agency members) or counts and items (officers)", "content": {"application/json": {"schema": {"type": "object", "required": ["status", "matched", "review", "unmatched"], "properties": {
            "status": {"type": "string"}, "matched": {"type": "integer"}, "review": {"type": "integer"}, "unmatched": {"type": "integer"}, "total": {"type": "integer"}, "page": {"type": "integer"}, "per": {"type": "integer"},
            "items": {"type": "array", "items": {"type": "object", "required": ["rowId", "line", "state", "agencyRow"], "properties": {
              "rowId": {"type": "string", "format": "uuid"}, "line": {"type": "integer"}, "state": {"type": "string", "enum": ["matched", "review", "unmatched"]}, "decision": {"type": "string", "enum": ["accepted", "rejected"]},
              "probability": {"type": "number"}, "foreignerId": {"type": "string", "format": "uuid"}, "sponsorId": {"type": "string", "format": "uuid"}, "agencyRow": {"type": "object"},
              "explanation": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "level": {"type": "integer"}, "weight": {"type": "number"}, "exact": {"type": "boolean"}}}}}}}}}}}},
                        "404": {"description": "not found or not visible"}}}},
        "/api/v1/imports/{id}/rows/{row}/decision": {"post": {"summary": "Officers accept or reject a row's link, or undo a decision; audited; a re-run never overwrites it", "security": [{"bearer": []}],
          "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}, {"name": "row", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["decision"], "properties": {"decision": {"type": "string", "enum": ["accepted", "rejected", "undo"]}, "foreignerId": {"type": "string", "format": "uuid"}}}}}},
          "responses": {"200": {"description": "the row"}, "403": {"description": "officers and supervisors only"}, "404": {"description": "not found"}, "409": {"description": "reconciliation still running"}, "422": {"description": "bad decision"}}}},
        "/api/v1/discrepancies": {"get": {"summary": "Discrepancies between the latest reconciled agency lists and the registry in the caller's region. Without kind: the count of each kind. Officers get the items; agency members counts only", "security": [{"bearer": []}],
          "parameters": [{"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["unregistered", "no-valid-permit", "employer-mismatch", "address-mismatch", "company-not-sponsor", "sponsor-not-listed", "virtual-sponsor"]}}],
          "responses": {"200": {"description": "{kind, count, items?} or {kinds: [{kind, count}]}", "content": {"application/json": {"schema": {"type": "object", "properties": {
            "kind": {"type": "string"}, "count": {"type": "integer"}, "kinds": {"type": "array", "items": {"type": "object", "properties": {"kind": {"type": "string"}, "count": {"type": "integer"}}}},
            "items": {"type": "array", "items": {"type": "object", "required": ["kind", "name", "detail"], "properties": {"kind": {"type": "string"}, "name": {"type": "string"}, "nationality": {"type": "string"},
              "passportNumber": {"type": "string"}, "foreignerId": {"type": "string", "format": "uuid"}, "sponsorId": {"type": "string", "format": "uuid"}, "importId": {"type": "string", "format": "uuid"}, "line": {"type": "integer"}, "detail": {"type": "string"}}}}}}}}},
                        "401": {"description": "no or invalid token"}, "403": {"description": "agency members, officers and supervisors only"}, "422": {"description": "unknown kind"}}}},
        "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3 document"}}}}
      }
    }
    """#
}
