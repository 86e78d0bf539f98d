"""schemathesis hooks for the API contract test: a registry batch is sent as raw bytes (application/zip)."""
import schemathesis

schemathesis.serializer.alias("application/zip", "application/octet-stream")
