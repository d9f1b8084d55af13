"""The error answers the OpenAPI document shows: written by `python -m app.openapi_problems`,
from the app's own answers (see app/openapi_problems.py). Do not edit by hand."""

# ruff: noqa: E501

from typing import Any

PROBLEM_EXAMPLES: dict[str, dict[str, dict[str, dict[str, Any]]]] = {
    "assess": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/assess",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/assess",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `assess` scope",
                "value": {
                    "detail": "The API key lacks the `assess` scope.",
                    "instance": "/assess",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "413": {
            "too_large": {
                "summary": "A body over the limit",
                "value": {
                    "detail": "The request body is over the limit of 65536 bytes for /assess.",
                    "instance": "/assess",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 413,
                    "title": "Content Too Large",
                    "type": "/problems/payload-too-large",
                },
            }
        },
        "415": {
            "not_json": {
                "summary": "A body that is not JSON",
                "value": {
                    "detail": "Send the body as JSON with `Content-Type: application/json`.",
                    "instance": "/assess",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 415,
                    "title": "Unsupported Media Type",
                    "type": "/problems/unsupported-media-type",
                },
            }
        },
        "422": {
            "invalid_body": {
                "summary": "Fields that break the contract",
                "value": {
                    "detail": "The request has invalid fields: symptoms.pain_now, symptoms.red_flags[0], symptoms.onset, symptoms.duration_days.",
                    "errors": [
                        {
                            "detail": "Input should be less than or equal to 10",
                            "field": "symptoms.pain_now",
                        },
                        {
                            "detail": "Input should be 'saddle_anaesthesia', 'bladder_or_bowel_dysfunction', 'sexual_dysfunction', 'progressive_leg_weakness', 'bilateral_leg_symptoms', 'fever_or_unwell', 'history_of_cancer', 'unexplained_weight_loss', 'significant_trauma', 'constant_night_pain', 'immunosuppression' or 'long_term_steroid_use'",
                            "field": "symptoms.red_flags[0]",
                        },
                        {"detail": "required when there is pain", "field": "symptoms.onset"},
                        {
                            "detail": "required when there is pain",
                            "field": "symptoms.duration_days",
                        },
                    ],
                    "instance": "/assess",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/assess",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/assess",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/assess",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "assess_batch": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/assess/batch",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/assess/batch",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `assess` scope",
                "value": {
                    "detail": "The API key lacks the `assess` scope.",
                    "instance": "/assess/batch",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "413": {
            "too_large": {
                "summary": "A body over the limit",
                "value": {
                    "detail": "The request body is over the limit of 1048576 bytes for /assess/batch.",
                    "instance": "/assess/batch",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 413,
                    "title": "Content Too Large",
                    "type": "/problems/payload-too-large",
                },
            }
        },
        "415": {
            "not_json": {
                "summary": "A body that is not JSON",
                "value": {
                    "detail": "Send the body as JSON with `Content-Type: application/json`.",
                    "instance": "/assess/batch",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 415,
                    "title": "Unsupported Media Type",
                    "type": "/problems/unsupported-media-type",
                },
            }
        },
        "422": {
            "invalid_body": {
                "summary": "Fields that break the contract",
                "value": {
                    "detail": "The request has invalid fields: items.",
                    "errors": [
                        {
                            "detail": "List should have at least 1 item after validation, not 0",
                            "field": "items",
                        }
                    ],
                    "instance": "/assess/batch",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/assess/batch",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/assess/batch",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/assess/batch",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "create_advice": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `content:write` scope",
                "value": {
                    "detail": "The API key lacks the `content:write` scope.",
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "409": {
            "slug_taken": {
                "summary": "A slug another item has",
                "value": {
                    "detail": "The slug 'what-to-do-first' is already in use.",
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 409,
                    "title": "Conflict",
                    "type": "/problems/conflict",
                },
            }
        },
        "413": {
            "too_large": {
                "summary": "A body over the limit",
                "value": {
                    "detail": "The request body is over the limit of 65536 bytes for /advice.",
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 413,
                    "title": "Content Too Large",
                    "type": "/problems/payload-too-large",
                },
            }
        },
        "415": {
            "not_json": {
                "summary": "A body that is not JSON",
                "value": {
                    "detail": "Send the body as JSON with `Content-Type: application/json`.",
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 415,
                    "title": "Unsupported Media Type",
                    "type": "/problems/unsupported-media-type",
                },
            }
        },
        "422": {
            "invalid_body": {
                "summary": "Fields that break the contract",
                "value": {
                    "detail": "The request has invalid fields: slug.",
                    "errors": [
                        {
                            "detail": "String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'",
                            "field": "slug",
                        }
                    ],
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "create_client": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `clients:admin` scope",
                "value": {
                    "detail": "The API key lacks the `clients:admin` scope.",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "409": {
            "name_taken": {
                "summary": "A name already taken",
                "value": {
                    "detail": "A client named 'acme-running' already exists.",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 409,
                    "title": "Conflict",
                    "type": "/problems/conflict",
                },
            }
        },
        "413": {
            "too_large": {
                "summary": "A body over the limit",
                "value": {
                    "detail": "The request body is over the limit of 65536 bytes for /clients.",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 413,
                    "title": "Content Too Large",
                    "type": "/problems/payload-too-large",
                },
            }
        },
        "415": {
            "not_json": {
                "summary": "A body that is not JSON",
                "value": {
                    "detail": "Send the body as JSON with `Content-Type: application/json`.",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 415,
                    "title": "Unsupported Media Type",
                    "type": "/problems/unsupported-media-type",
                },
            }
        },
        "422": {
            "invalid_body": {
                "summary": "Fields that break the contract",
                "value": {
                    "detail": "The request has invalid fields: name, scopes[0].",
                    "errors": [
                        {
                            "detail": "String should match pattern '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'",
                            "field": "name",
                        },
                        {
                            "detail": "Input should be 'assess', 'content:write' or 'clients:admin'",
                            "field": "scopes[0]",
                        },
                    ],
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "create_exercise": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `content:write` scope",
                "value": {
                    "detail": "The API key lacks the `content:write` scope.",
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "409": {
            "slug_taken": {
                "summary": "A slug another item has",
                "value": {
                    "detail": "The slug 'bird-dog' is already in use.",
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 409,
                    "title": "Conflict",
                    "type": "/problems/conflict",
                },
            }
        },
        "413": {
            "too_large": {
                "summary": "A body over the limit",
                "value": {
                    "detail": "The request body is over the limit of 65536 bytes for /exercises.",
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 413,
                    "title": "Content Too Large",
                    "type": "/problems/payload-too-large",
                },
            }
        },
        "415": {
            "not_json": {
                "summary": "A body that is not JSON",
                "value": {
                    "detail": "Send the body as JSON with `Content-Type: application/json`.",
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 415,
                    "title": "Unsupported Media Type",
                    "type": "/problems/unsupported-media-type",
                },
            }
        },
        "422": {
            "invalid_body": {
                "summary": "Fields that break the contract",
                "value": {
                    "detail": "The request has invalid fields: slug.",
                    "errors": [
                        {
                            "detail": "String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'",
                            "field": "slug",
                        }
                    ],
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "create_programme": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `content:write` scope",
                "value": {
                    "detail": "The API key lacks the `content:write` scope.",
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "409": {
            "slug_taken": {
                "summary": "A slug another item has",
                "value": {
                    "detail": "The slug 'runner-strength' is already in use.",
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 409,
                    "title": "Conflict",
                    "type": "/problems/conflict",
                },
            }
        },
        "413": {
            "too_large": {
                "summary": "A body over the limit",
                "value": {
                    "detail": "The request body is over the limit of 65536 bytes for /programmes.",
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 413,
                    "title": "Content Too Large",
                    "type": "/problems/payload-too-large",
                },
            }
        },
        "415": {
            "not_json": {
                "summary": "A body that is not JSON",
                "value": {
                    "detail": "Send the body as JSON with `Content-Type: application/json`.",
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 415,
                    "title": "Unsupported Media Type",
                    "type": "/problems/unsupported-media-type",
                },
            }
        },
        "422": {
            "invalid_body": {
                "summary": "Fields that break the contract",
                "value": {
                    "detail": "The request has invalid fields: slug.",
                    "errors": [
                        {
                            "detail": "String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'",
                            "field": "slug",
                        }
                    ],
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "delete_advice": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `content:write` scope",
                "value": {
                    "detail": "The API key lacks the `content:write` scope.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such advice topic",
                "value": {
                    "detail": "No advice topic with slug 'no-such-topic'.",
                    "instance": "/advice/no-such-topic",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "delete_assessment": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `assess` scope",
                "value": {
                    "detail": "The API key lacks the `assess` scope.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such assessment of yours",
                "value": {
                    "detail": "No assessment with id 036d8e42-d737-5088-83cf-a23860982cd6.",
                    "instance": "/assessments/036d8e42-d737-5088-83cf-a23860982cd6",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "422": {
            "invalid_id": {
                "summary": "An id that is not a UUID",
                "value": {
                    "detail": "The request has invalid fields: assessment_id.",
                    "errors": [
                        {
                            "detail": "Input should be a valid UUID, invalid character: found `n` at 0",
                            "field": "assessment_id",
                        }
                    ],
                    "instance": "/assessments/not-a-uuid",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "delete_exercise": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `content:write` scope",
                "value": {
                    "detail": "The API key lacks the `content:write` scope.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such exercise",
                "value": {
                    "detail": "No exercise with slug 'no-such-exercise'.",
                    "instance": "/exercises/no-such-exercise",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "409": {
            "in_a_programme": {
                "summary": "An exercise that programmes still list",
                "value": {
                    "detail": "Exercise 'bird-dog' is used by programmes (core-and-posture, recovery-stretch-and-strengthen) and advice topics (common-causes, what-to-do-first); take it out of them first.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 409,
                    "title": "Conflict",
                    "type": "/problems/conflict",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "delete_programme": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `content:write` scope",
                "value": {
                    "detail": "The API key lacks the `content:write` scope.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such programme",
                "value": {
                    "detail": "No programme with slug 'no-such-programme'.",
                    "instance": "/programmes/no-such-programme",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "erase_subject": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/subjects/runner-1177",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/subjects/runner-1177",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `assess` scope",
                "value": {
                    "detail": "The API key lacks the `assess` scope.",
                    "instance": "/subjects/runner-1177",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such subject with stored assessments",
                "value": {
                    "detail": "Nothing is stored for subject 'runner-0000'.",
                    "instance": "/subjects/runner-0000",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/subjects/runner-1177",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/subjects/runner-1177",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/subjects/runner-1177",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "explain_assessment": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44/explain",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44/explain",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `assess` scope",
                "value": {
                    "detail": "The API key lacks the `assess` scope.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44/explain",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such assessment of yours",
                "value": {
                    "detail": "No assessment with id 036d8e42-d737-5088-83cf-a23860982cd6.",
                    "instance": "/assessments/036d8e42-d737-5088-83cf-a23860982cd6/explain",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "409": {
            "other_ruleset": {
                "summary": "Stored under an earlier ruleset version, which this one cannot explain",
                "value": {
                    "detail": "This assessment was made under ruleset 2025.11.1; this service runs 2026.11.1 and explains only its own answers.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44/explain",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 409,
                    "title": "Conflict",
                    "type": "/problems/conflict",
                },
            }
        },
        "422": {
            "invalid_id": {
                "summary": "An id that is not a UUID",
                "value": {
                    "detail": "The request has invalid fields: assessment_id.",
                    "errors": [
                        {
                            "detail": "Input should be a valid UUID, invalid character: found `n` at 0",
                            "field": "assessment_id",
                        }
                    ],
                    "instance": "/assessments/not-a-uuid/explain",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44/explain",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44/explain",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44/explain",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "get_advice": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked (sending none is fine)",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such advice topic",
                "value": {
                    "detail": "No advice topic with slug 'no-such-topic'.",
                    "instance": "/advice/no-such-topic",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 120 requests a minute reached; retry after 30 seconds.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "get_assessment": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `assess` scope",
                "value": {
                    "detail": "The API key lacks the `assess` scope.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such assessment of yours",
                "value": {
                    "detail": "No assessment with id 036d8e42-d737-5088-83cf-a23860982cd6.",
                    "instance": "/assessments/036d8e42-d737-5088-83cf-a23860982cd6",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "422": {
            "invalid_id": {
                "summary": "An id that is not a UUID",
                "value": {
                    "detail": "The request has invalid fields: assessment_id.",
                    "errors": [
                        {
                            "detail": "Input should be a valid UUID, invalid character: found `n` at 0",
                            "field": "assessment_id",
                        }
                    ],
                    "instance": "/assessments/not-a-uuid",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/assessments/dce50aeb-96f0-544c-bd14-db82992c2d44",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "get_client": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/clients/acme-running",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/clients/acme-running",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `clients:admin` scope",
                "value": {
                    "detail": "The API key lacks the `clients:admin` scope.",
                    "instance": "/clients/acme-running",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such client",
                "value": {
                    "detail": "No client named 'no-such-client'.",
                    "instance": "/clients/no-such-client",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/clients/acme-running",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/clients/acme-running",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/clients/acme-running",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "get_exercise": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked (sending none is fine)",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such exercise",
                "value": {
                    "detail": "No exercise with slug 'no-such-exercise'.",
                    "instance": "/exercises/no-such-exercise",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 120 requests a minute reached; retry after 30 seconds.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "get_programme": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked (sending none is fine)",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such programme",
                "value": {
                    "detail": "No programme with slug 'no-such-programme'.",
                    "instance": "/programmes/no-such-programme",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 120 requests a minute reached; retry after 30 seconds.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "get_red_flag": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked (sending none is fine)",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/red-flags/saddle_anaesthesia",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such red flag",
                "value": {
                    "detail": "No red flag with code 'no_such_flag'.",
                    "instance": "/red-flags/no_such_flag",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 120 requests a minute reached; retry after 30 seconds.",
                    "instance": "/red-flags/saddle_anaesthesia",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/red-flags/saddle_anaesthesia",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/red-flags/saddle_anaesthesia",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "get_risk_factor": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked (sending none is fine)",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/risk-factors/sit_then_run",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such risk factor",
                "value": {
                    "detail": "No risk factor with code 'no_such_factor'.",
                    "instance": "/risk-factors/no_such_factor",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 120 requests a minute reached; retry after 30 seconds.",
                    "instance": "/risk-factors/sit_then_run",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/risk-factors/sit_then_run",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/risk-factors/sit_then_run",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "healthz": {
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/healthz",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        }
    },
    "list_advice": {
        "400": {
            "invalid_cursor": {
                "summary": "A cursor that was changed, or made for another list",
                "value": {
                    "detail": "The cursor is not valid for this listing; start again without `cursor`.",
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 400,
                    "title": "Invalid Cursor",
                    "type": "/problems/invalid-cursor",
                },
            }
        },
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked (sending none is fine)",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            }
        },
        "422": {
            "invalid_limit": {
                "summary": "`limit` that is not a number",
                "value": {
                    "detail": "The request has invalid fields: limit.",
                    "errors": [
                        {
                            "detail": "Input should be a valid integer, unable to parse string as an integer",
                            "field": "limit",
                        }
                    ],
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 120 requests a minute reached; retry after 30 seconds.",
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/advice",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "list_assessments": {
        "400": {
            "invalid_cursor": {
                "summary": "A cursor that was changed, or made for another list",
                "value": {
                    "detail": "The cursor is not valid for this listing; start again without `cursor`.",
                    "instance": "/assessments",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 400,
                    "title": "Invalid Cursor",
                    "type": "/problems/invalid-cursor",
                },
            }
        },
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/assessments",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/assessments",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `assess` scope",
                "value": {
                    "detail": "The API key lacks the `assess` scope.",
                    "instance": "/assessments",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "422": {
            "invalid_limit": {
                "summary": "`limit` that is not a number",
                "value": {
                    "detail": "The request has invalid fields: limit.",
                    "errors": [
                        {
                            "detail": "Input should be a valid integer, unable to parse string as an integer",
                            "field": "limit",
                        }
                    ],
                    "instance": "/assessments",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/assessments",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/assessments",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/assessments",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "list_audit": {
        "400": {
            "invalid_cursor": {
                "summary": "A cursor that was changed, or made for another list",
                "value": {
                    "detail": "The cursor is not valid for this listing; start again without `cursor`.",
                    "instance": "/audit",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 400,
                    "title": "Invalid Cursor",
                    "type": "/problems/invalid-cursor",
                },
            }
        },
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/audit",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/audit",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `content:write` or `clients:admin` scope",
                "value": {
                    "detail": "The API key lacks the `content:write` or `clients:admin` scope.",
                    "instance": "/audit",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "422": {
            "invalid_limit": {
                "summary": "`limit` that is not a number",
                "value": {
                    "detail": "The request has invalid fields: limit.",
                    "errors": [
                        {
                            "detail": "Input should be a valid integer, unable to parse string as an integer",
                            "field": "limit",
                        }
                    ],
                    "instance": "/audit",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/audit",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/audit",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/audit",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "list_clients": {
        "400": {
            "invalid_cursor": {
                "summary": "A cursor that was changed, or made for another list",
                "value": {
                    "detail": "The cursor is not valid for this listing; start again without `cursor`.",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 400,
                    "title": "Invalid Cursor",
                    "type": "/problems/invalid-cursor",
                },
            }
        },
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `clients:admin` scope",
                "value": {
                    "detail": "The API key lacks the `clients:admin` scope.",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "422": {
            "invalid_limit": {
                "summary": "`limit` that is not a number",
                "value": {
                    "detail": "The request has invalid fields: limit.",
                    "errors": [
                        {
                            "detail": "Input should be a valid integer, unable to parse string as an integer",
                            "field": "limit",
                        }
                    ],
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/clients",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "list_exercises": {
        "400": {
            "invalid_cursor": {
                "summary": "A cursor that was changed, or made for another list",
                "value": {
                    "detail": "The cursor is not valid for this listing; start again without `cursor`.",
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 400,
                    "title": "Invalid Cursor",
                    "type": "/problems/invalid-cursor",
                },
            }
        },
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked (sending none is fine)",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            }
        },
        "422": {
            "invalid_limit": {
                "summary": "`limit` that is not a number",
                "value": {
                    "detail": "The request has invalid fields: limit.",
                    "errors": [
                        {
                            "detail": "Input should be a valid integer, unable to parse string as an integer",
                            "field": "limit",
                        }
                    ],
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 120 requests a minute reached; retry after 30 seconds.",
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/exercises",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "list_programmes": {
        "400": {
            "invalid_cursor": {
                "summary": "A cursor that was changed, or made for another list",
                "value": {
                    "detail": "The cursor is not valid for this listing; start again without `cursor`.",
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 400,
                    "title": "Invalid Cursor",
                    "type": "/problems/invalid-cursor",
                },
            }
        },
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked (sending none is fine)",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            }
        },
        "422": {
            "invalid_limit": {
                "summary": "`limit` that is not a number",
                "value": {
                    "detail": "The request has invalid fields: limit.",
                    "errors": [
                        {
                            "detail": "Input should be a valid integer, unable to parse string as an integer",
                            "field": "limit",
                        }
                    ],
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 120 requests a minute reached; retry after 30 seconds.",
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/programmes",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "list_red_flags": {
        "400": {
            "invalid_cursor": {
                "summary": "A cursor that was changed, or made for another list",
                "value": {
                    "detail": "The cursor is not valid for this listing; start again without `cursor`.",
                    "instance": "/red-flags",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 400,
                    "title": "Invalid Cursor",
                    "type": "/problems/invalid-cursor",
                },
            }
        },
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked (sending none is fine)",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/red-flags",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            }
        },
        "422": {
            "invalid_limit": {
                "summary": "`limit` that is not a number",
                "value": {
                    "detail": "The request has invalid fields: limit.",
                    "errors": [
                        {
                            "detail": "Input should be a valid integer, unable to parse string as an integer",
                            "field": "limit",
                        }
                    ],
                    "instance": "/red-flags",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 120 requests a minute reached; retry after 30 seconds.",
                    "instance": "/red-flags",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/red-flags",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/red-flags",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "list_risk_factors": {
        "400": {
            "invalid_cursor": {
                "summary": "A cursor that was changed, or made for another list",
                "value": {
                    "detail": "The cursor is not valid for this listing; start again without `cursor`.",
                    "instance": "/risk-factors",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 400,
                    "title": "Invalid Cursor",
                    "type": "/problems/invalid-cursor",
                },
            }
        },
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked (sending none is fine)",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/risk-factors",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            }
        },
        "422": {
            "invalid_limit": {
                "summary": "`limit` that is not a number",
                "value": {
                    "detail": "The request has invalid fields: limit.",
                    "errors": [
                        {
                            "detail": "Input should be a valid integer, unable to parse string as an integer",
                            "field": "limit",
                        }
                    ],
                    "instance": "/risk-factors",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 120 requests a minute reached; retry after 30 seconds.",
                    "instance": "/risk-factors",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/risk-factors",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/risk-factors",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "metrics": {
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/metrics",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        }
    },
    "readyz": {
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/readyz",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "not_migrated": {
                "summary": "The database is behind this build's migrations",
                "value": {
                    "detail": "The database schema is at no revision, this build needs 0004; run `backpain migrate`.",
                    "instance": "/readyz",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            },
            "unreachable": {
                "summary": "The database cannot be reached",
                "value": {
                    "detail": "The database is not reachable.",
                    "instance": "/readyz",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            },
        },
    },
    "replace_advice": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `content:write` scope",
                "value": {
                    "detail": "The API key lacks the `content:write` scope.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such advice topic",
                "value": {
                    "detail": "No advice topic with slug 'no-such-topic'.",
                    "instance": "/advice/no-such-topic",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "409": {
            "slug_taken": {
                "summary": "A slug another item has",
                "value": {
                    "detail": "The slug 'common-causes' is already in use.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 409,
                    "title": "Conflict",
                    "type": "/problems/conflict",
                },
            }
        },
        "413": {
            "too_large": {
                "summary": "A body over the limit",
                "value": {
                    "detail": "The request body is over the limit of 65536 bytes for /advice/what-to-do-first.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 413,
                    "title": "Content Too Large",
                    "type": "/problems/payload-too-large",
                },
            }
        },
        "415": {
            "not_json": {
                "summary": "A body that is not JSON",
                "value": {
                    "detail": "Send the body as JSON with `Content-Type: application/json`.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 415,
                    "title": "Unsupported Media Type",
                    "type": "/problems/unsupported-media-type",
                },
            }
        },
        "422": {
            "invalid_body": {
                "summary": "Fields that break the contract",
                "value": {
                    "detail": "The request has invalid fields: slug.",
                    "errors": [
                        {
                            "detail": "String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'",
                            "field": "slug",
                        }
                    ],
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "replace_exercise": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `content:write` scope",
                "value": {
                    "detail": "The API key lacks the `content:write` scope.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such exercise",
                "value": {
                    "detail": "No exercise with slug 'no-such-exercise'.",
                    "instance": "/exercises/no-such-exercise",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "409": {
            "slug_taken": {
                "summary": "A slug another item has",
                "value": {
                    "detail": "The slug 'cat-cow' is already in use.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 409,
                    "title": "Conflict",
                    "type": "/problems/conflict",
                },
            }
        },
        "413": {
            "too_large": {
                "summary": "A body over the limit",
                "value": {
                    "detail": "The request body is over the limit of 65536 bytes for /exercises/bird-dog.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 413,
                    "title": "Content Too Large",
                    "type": "/problems/payload-too-large",
                },
            }
        },
        "415": {
            "not_json": {
                "summary": "A body that is not JSON",
                "value": {
                    "detail": "Send the body as JSON with `Content-Type: application/json`.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 415,
                    "title": "Unsupported Media Type",
                    "type": "/problems/unsupported-media-type",
                },
            }
        },
        "422": {
            "invalid_body": {
                "summary": "Fields that break the contract",
                "value": {
                    "detail": "The request has invalid fields: slug.",
                    "errors": [
                        {
                            "detail": "String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'",
                            "field": "slug",
                        }
                    ],
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "replace_programme": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `content:write` scope",
                "value": {
                    "detail": "The API key lacks the `content:write` scope.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such programme",
                "value": {
                    "detail": "No programme with slug 'no-such-programme'.",
                    "instance": "/programmes/no-such-programme",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "409": {
            "slug_taken": {
                "summary": "A slug another item has",
                "value": {
                    "detail": "The slug 'core-and-posture' is already in use.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 409,
                    "title": "Conflict",
                    "type": "/problems/conflict",
                },
            }
        },
        "413": {
            "too_large": {
                "summary": "A body over the limit",
                "value": {
                    "detail": "The request body is over the limit of 65536 bytes for /programmes/runner-strength.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 413,
                    "title": "Content Too Large",
                    "type": "/problems/payload-too-large",
                },
            }
        },
        "415": {
            "not_json": {
                "summary": "A body that is not JSON",
                "value": {
                    "detail": "Send the body as JSON with `Content-Type: application/json`.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 415,
                    "title": "Unsupported Media Type",
                    "type": "/problems/unsupported-media-type",
                },
            }
        },
        "422": {
            "invalid_body": {
                "summary": "Fields that break the contract",
                "value": {
                    "detail": "The request has invalid fields: slug.",
                    "errors": [
                        {
                            "detail": "String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'",
                            "field": "slug",
                        }
                    ],
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "revoke_client": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/clients/acme-running",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/clients/acme-running",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `clients:admin` scope",
                "value": {
                    "detail": "The API key lacks the `clients:admin` scope.",
                    "instance": "/clients/acme-running",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such client",
                "value": {
                    "detail": "No client named 'no-such-client'.",
                    "instance": "/clients/no-such-client",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/clients/acme-running",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/clients/acme-running",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/clients/acme-running",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "update_advice": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `content:write` scope",
                "value": {
                    "detail": "The API key lacks the `content:write` scope.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such advice topic",
                "value": {
                    "detail": "No advice topic with slug 'no-such-topic'.",
                    "instance": "/advice/no-such-topic",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "409": {
            "slug_taken": {
                "summary": "A slug another item has",
                "value": {
                    "detail": "The slug 'common-causes' is already in use.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 409,
                    "title": "Conflict",
                    "type": "/problems/conflict",
                },
            }
        },
        "413": {
            "too_large": {
                "summary": "A body over the limit",
                "value": {
                    "detail": "The request body is over the limit of 65536 bytes for /advice/what-to-do-first.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 413,
                    "title": "Content Too Large",
                    "type": "/problems/payload-too-large",
                },
            }
        },
        "415": {
            "not_json": {
                "summary": "A body that is not JSON",
                "value": {
                    "detail": "Send the body as JSON with `Content-Type: application/json`.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 415,
                    "title": "Unsupported Media Type",
                    "type": "/problems/unsupported-media-type",
                },
            }
        },
        "422": {
            "invalid_body": {
                "summary": "Fields that break the contract",
                "value": {
                    "detail": "The request has invalid fields: slug.",
                    "errors": [
                        {
                            "detail": "String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'",
                            "field": "slug",
                        }
                    ],
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/advice/what-to-do-first",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "update_exercise": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `content:write` scope",
                "value": {
                    "detail": "The API key lacks the `content:write` scope.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such exercise",
                "value": {
                    "detail": "No exercise with slug 'no-such-exercise'.",
                    "instance": "/exercises/no-such-exercise",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "409": {
            "slug_taken": {
                "summary": "A slug another item has",
                "value": {
                    "detail": "The slug 'cat-cow' is already in use.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 409,
                    "title": "Conflict",
                    "type": "/problems/conflict",
                },
            }
        },
        "413": {
            "too_large": {
                "summary": "A body over the limit",
                "value": {
                    "detail": "The request body is over the limit of 65536 bytes for /exercises/bird-dog.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 413,
                    "title": "Content Too Large",
                    "type": "/problems/payload-too-large",
                },
            }
        },
        "415": {
            "not_json": {
                "summary": "A body that is not JSON",
                "value": {
                    "detail": "Send the body as JSON with `Content-Type: application/json`.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 415,
                    "title": "Unsupported Media Type",
                    "type": "/problems/unsupported-media-type",
                },
            }
        },
        "422": {
            "invalid_body": {
                "summary": "Fields that break the contract",
                "value": {
                    "detail": "The request has invalid fields: slug.",
                    "errors": [
                        {
                            "detail": "String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'",
                            "field": "slug",
                        }
                    ],
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/exercises/bird-dog",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
    "update_programme": {
        "401": {
            "invalid_key": {
                "summary": "A key that is unknown or revoked",
                "value": {
                    "detail": "The API key is not valid (unknown or revoked).",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
            "no_key": {
                "summary": "No API key",
                "value": {
                    "detail": "This endpoint needs an API key: `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 401,
                    "title": "Unauthorized",
                    "type": "/problems/unauthorized",
                },
            },
        },
        "403": {
            "missing_scope": {
                "summary": "A key without the `content:write` scope",
                "value": {
                    "detail": "The API key lacks the `content:write` scope.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 403,
                    "title": "Forbidden",
                    "type": "/problems/forbidden",
                },
            }
        },
        "404": {
            "not_found": {
                "summary": "No such programme",
                "value": {
                    "detail": "No programme with slug 'no-such-programme'.",
                    "instance": "/programmes/no-such-programme",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 404,
                    "title": "Not Found",
                    "type": "/problems/not-found",
                },
            }
        },
        "409": {
            "slug_taken": {
                "summary": "A slug another item has",
                "value": {
                    "detail": "The slug 'core-and-posture' is already in use.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 409,
                    "title": "Conflict",
                    "type": "/problems/conflict",
                },
            }
        },
        "413": {
            "too_large": {
                "summary": "A body over the limit",
                "value": {
                    "detail": "The request body is over the limit of 65536 bytes for /programmes/runner-strength.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 413,
                    "title": "Content Too Large",
                    "type": "/problems/payload-too-large",
                },
            }
        },
        "415": {
            "not_json": {
                "summary": "A body that is not JSON",
                "value": {
                    "detail": "Send the body as JSON with `Content-Type: application/json`.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 415,
                    "title": "Unsupported Media Type",
                    "type": "/problems/unsupported-media-type",
                },
            }
        },
        "422": {
            "invalid_body": {
                "summary": "Fields that break the contract",
                "value": {
                    "detail": "The request has invalid fields: slug.",
                    "errors": [
                        {
                            "detail": "String should match pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'",
                            "field": "slug",
                        }
                    ],
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 422,
                    "title": "Unprocessable Content",
                    "type": "/problems/validation-error",
                },
            }
        },
        "429": {
            "rate_limited": {
                "summary": "Over the rate limit",
                "value": {
                    "detail": "Rate limit of 600 requests a minute reached; retry after 30 seconds.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 429,
                    "title": "Too Many Requests",
                    "type": "/problems/rate-limited",
                },
            }
        },
        "500": {
            "unexpected": {
                "summary": "Anything unexpected (it is logged)",
                "value": {
                    "detail": "An unexpected error occurred; it has been logged.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 500,
                    "title": "Internal Server Error",
                    "type": "/problems/internal-error",
                },
            }
        },
        "503": {
            "database_unavailable": {
                "summary": "The database is unavailable",
                "value": {
                    "detail": "The database is unavailable; nothing was saved. Retry shortly.",
                    "instance": "/programmes/runner-strength",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                    "status": 503,
                    "title": "Service Unavailable",
                    "type": "/problems/service-unavailable",
                },
            }
        },
    },
}
