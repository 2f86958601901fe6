"""JSON Schema of a MësoLab deployment settings file.

A deployment is described by one YAML file (``mesolab.yaml``): its schools, how people log
in, how servers are spawned and the limits that protect the machine. The file is data, not
code, so it is validated against this schema at start-up; every object forbids unknown keys,
so a typo such as ``colur`` stops the hub with a message that names the key and the file.

Every property carries a ``description``; ``docs/settings.md`` is generated from them
(``mesolab settings-doc``), so the documentation cannot drift from what is accepted.
"""

from __future__ import annotations

SCHOOL_ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
LANGS = ["sq", "en"]
ROLE_NAMES = ["national-admin", "school-admin", "teacher", "trainer", "student"]

_bilingual = {
    "type": "object",
    "description": "Text in Albanian (`sq`) and English (`en`).",
    "additionalProperties": False,
    "required": ["sq", "en"],
    "properties": {
        "sq": {"type": "string", "minLength": 1, "description": "Albanian text."},
        "en": {"type": "string", "minLength": 1, "description": "English text."},
    },
}

# KubeSpawner takes memory as a number with a K, M, G or T suffix; volumes take Kubernetes quantities.
_memory = {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?[KMGT]$"}
_quantity = {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?([KMGT]i?)?$"}

_profile = {
    "type": "object",
    "description": "Resources of one school's single-user servers on Kubernetes.",
    "additionalProperties": False,
    "properties": {
        "image": {"type": "string", "minLength": 1, "description": "Container image of the single-user server."},
        "cpu_guarantee": {"type": "number", "exclusiveMinimum": 0, "description": "CPU cores guaranteed."},
        "cpu_limit": {"type": "number", "exclusiveMinimum": 0, "description": "CPU cores at most."},
        "mem_guarantee": {**_memory, "description": "Memory guaranteed: a number with K, M, G or T, e.g. `512M`."},
        "mem_limit": {**_memory, "description": "Memory at most: a number with K, M, G or T, e.g. `1G`."},
        "storage": {**_quantity, "description": "Size of the user's home volume, e.g. `2Gi`."},
    },
}

SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "MësoLab deployment settings",
    "type": "object",
    "additionalProperties": False,
    "required": ["schools"],
    "properties": {
        "hub": {
            "type": "object",
            "description": "Where the hub listens and keeps its state.",
            "additionalProperties": False,
            "properties": {
                "bind_url": {
                    "type": "string",
                    "pattern": "^https?://",
                    "default": "http://127.0.0.1:8000",
                    "description": "Public URL the proxy listens on.",
                },
                "state_dir": {
                    "type": "string",
                    "default": "state",
                    "description": "Directory for the hub database, cookie secret and user folders "
                    "(relative paths are relative to the settings file).",
                },
                "hub_port": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 65535,
                    "default": 8081,
                    "description": "Port of the hub's internal API on 127.0.0.1.",
                },
                "proxy_api_port": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 65535,
                    "default": 8001,
                    "description": "Port of the proxy's REST API on 127.0.0.1.",
                },
                "db_url": {
                    "type": "string",
                    "description": "Hub database URL; default a SQLite file in `state_dir`.",
                },
                "default_language": {
                    "enum": LANGS,
                    "default": "sq",
                    "description": "Language of the pages before a person picks one.",
                },
                "title": {**_bilingual, "description": "Name of the platform shown on every page."},
            },
        },
        "auth": {
            "type": "object",
            "description": "How people log in.",
            "additionalProperties": False,
            "properties": {
                "mode": {
                    "enum": ["local", "oidc"],
                    "default": "local",
                    "description": "`local`: accounts with hashed passwords kept by the hub "
                    "(NativeAuthenticator); `oidc`: a national identity provider through OpenID Connect.",
                },
                "national_admins": {
                    "type": "array",
                    "items": {"type": "string"},
                    "default": [],
                    "description": "Usernames that get the national-admin role whatever the login mode.",
                },
                "local": {
                    "type": "object",
                    "description": "Settings of local accounts.",
                    "additionalProperties": False,
                    "properties": {
                        "minimum_password_length": {
                            "type": "integer",
                            "minimum": 6,
                            "default": 8,
                            "description": "Shortest accepted password.",
                        },
                        "open_signup": {
                            "type": "boolean",
                            "default": False,
                            "description": "Let anybody sign up without approval (never in production).",
                        },
                    },
                },
                "oidc": {
                    "type": "object",
                    "description": "OpenID Connect provider (used when `mode` is `oidc`).",
                    "additionalProperties": False,
                    "required": ["client_id", "authorize_url", "token_url", "userdata_url"],
                    "properties": {
                        "client_id": {"type": "string", "minLength": 1, "description": "OAuth client id."},
                        "client_secret": {
                            "type": "string",
                            "description": "OAuth client secret; better given in the environment "
                            "variable named by `client_secret_env`.",
                        },
                        "client_secret_env": {
                            "type": "string",
                            "default": "MESOLAB_OIDC_CLIENT_SECRET",
                            "description": "Environment variable holding the client secret.",
                        },
                        "authorize_url": {
                            "type": "string",
                            "pattern": "^https?://",
                            "description": "Authorization endpoint.",
                        },
                        "token_url": {"type": "string", "pattern": "^https?://", "description": "Token endpoint."},
                        "userdata_url": {
                            "type": "string",
                            "pattern": "^https?://",
                            "description": "Userinfo endpoint.",
                        },
                        "callback_url": {
                            "type": "string",
                            "description": "Redirect URL registered with the provider; default "
                            "`<bind_url>/hub/oauth_callback`.",
                        },
                        "scopes": {
                            "type": "array",
                            "items": {"type": "string"},
                            "default": ["openid", "profile"],
                            "description": "Scopes asked of the provider.",
                        },
                        "username_claim": {
                            "type": "string",
                            "default": "preferred_username",
                            "description": "Claim holding the username.",
                        },
                        "school_claim": {
                            "type": "string",
                            "default": "school",
                            "description": "Claim holding the school id.",
                        },
                        "role_claim": {
                            "type": "string",
                            "default": "role",
                            "description": "Claim holding the role: one of " + ", ".join(ROLE_NAMES) + ".",
                        },
                    },
                },
            },
        },
        "spawner": {
            "type": "object",
            "description": "How single-user servers are started.",
            "additionalProperties": False,
            "properties": {
                "mode": {
                    "enum": ["local", "local-users", "kubernetes"],
                    "default": "local",
                    "description": "`local`: processes of the hub's own account, one working directory per user "
                    "(demo); `local-users`: one Unix account per user (single-machine pilot); "
                    "`kubernetes`: KubeSpawner pods.",
                },
                "default_url": {"type": "string", "default": "/lab", "description": "Page a server opens on."},
                "start_timeout": {
                    "type": "integer",
                    "minimum": 10,
                    "default": 120,
                    "description": "Seconds a server may take to start.",
                },
                "http_timeout": {
                    "type": "integer",
                    "minimum": 10,
                    "default": 90,
                    "description": "Seconds a started server may take to answer.",
                },
                "kubernetes": {
                    "type": "object",
                    "description": "KubeSpawner settings (mode `kubernetes`).",
                    "additionalProperties": False,
                    "properties": {
                        "namespace": {"type": "string", "description": "Namespace of the pods; default the hub's."},
                        "storage_class": {"type": "string", "description": "StorageClass of home volumes."},
                        "default_profile": {**_profile, "description": "Defaults for every school."},
                    },
                },
            },
        },
        "limits": {
            "type": "object",
            "description": "Limits that keep the hub responsive.",
            "additionalProperties": False,
            "properties": {
                "concurrent_spawns": {
                    "type": "integer",
                    "minimum": 0,
                    "default": 10,
                    "description": "Servers starting at once (0: no limit).",
                },
                "active_servers": {
                    "type": "integer",
                    "minimum": 0,
                    "default": 0,
                    "description": "Servers running at once (0: no limit).",
                },
                "cull_idle_after": {
                    "type": "integer",
                    "minimum": 0,
                    "default": 3600,
                    "description": "Stop servers idle for this many seconds (0: never).",
                },
                "cull_every": {
                    "type": "integer",
                    "minimum": 10,
                    "default": 300,
                    "description": "Seconds between idle checks.",
                },
            },
        },
        "service": {
            "type": "object",
            "description": "The MësoLab service (central record and coursework API).",
            "additionalProperties": False,
            "properties": {
                "db_url": {
                    "type": "string",
                    "description": "Database of the central record: `sqlite:///path` (default: "
                    "`mesolab.sqlite` in `state_dir`) or `postgresql+psycopg://user@host/db`.",
                },
                "port": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 65535,
                    "default": 10101,
                    "description": "Port the service listens on at 127.0.0.1 when the hub runs it.",
                },
                "url": {
                    "type": "string",
                    "pattern": "^https?://",
                    "description": "URL of an external service (Kubernetes); when set the hub does not start it.",
                },
                "storage_root": {
                    "type": "string",
                    "description": "Where coursework files (releases, submissions, feedback) are kept: a directory "
                    "(default: `coursework/` in `state_dir`), or what `storage_class` expects (e.g. `s3://bucket/prefix`).",
                },
                "storage_class": {
                    "type": "string",
                    "description": "Python class of the coursework storage, a subclass of "
                    "`mesolab.coursework.storage.Storage` (default: a local directory). See docs/coursework.md.",
                },
                "max_submission_mb": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": 1024,
                    "default": 20,
                    "description": "Largest coursework upload (a submission as tar.gz) in MB; larger ones are refused.",
                },
            },
        },
        "grading": {
            "type": "object",
            "description": "Autograding workers (`mesolab worker`), started by the hub on one machine.",
            "additionalProperties": False,
            "properties": {
                "processes": {
                    "type": "integer",
                    "minimum": 0,
                    "default": 0,
                    "description": "Grading processes of the hub's worker (0: three per core; none when `service.url` "
                    "is set: workers then run as their own Deployment).",
                },
                "unsandboxed": {
                    "type": "boolean",
                    "default": False,
                    "description": "DEVELOPMENT ONLY: run student code without the sandbox (warns on every job).",
                },
                "lease_seconds": {
                    "type": "integer",
                    "minimum": 5,
                    "default": 120,
                    "description": "Seconds a worker may hold a job without renewing its lease before it is queued again.",
                },
                "limits": {
                    "type": "object",
                    "description": "Default limits of one graded notebook.",
                    "additionalProperties": False,
                    "properties": {
                        k: {"type": "integer", "minimum": 1, "description": d}
                        for k, d in {
                            "cpu_seconds": "CPU seconds of a kernel (default 60).",
                            "wall_seconds": "Seconds for the whole notebook (default 120).",
                            "cell_timeout": "Seconds for one cell (default 30).",
                            "memory_mb": "Address space of a kernel in MB (default 1024).",
                            "processes": "Processes of a kernel (default 64).",
                            "output_bytes": "Output kept per notebook (default 1000000).",
                            "file_size_mb": "Largest file a kernel may write, MB (default 50).",
                            "open_files": "Open files of a kernel (default 256).",
                        }.items()
                    },
                },
            },
        },
        "schools": {
            "type": "array",
            "description": "The schools of the deployment; each becomes a hub group.",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "name"],
                "properties": {
                    "id": {
                        "type": "string",
                        "pattern": SCHOOL_ID_PATTERN,
                        "maxLength": 40,
                        "description": "Short id: lowercase letters, digits and single hyphens.",
                    },
                    "name": {**_bilingual, "description": "Name of the school in Albanian and English."},
                    "language": {
                        "enum": LANGS,
                        "default": "sq",
                        "description": "Default language for the school's members.",
                    },
                    "timezone": {
                        "type": "string",
                        "default": "Europe/Tirane",
                        "description": "Time zone of deadlines.",
                    },
                    "branding": {
                        "type": "object",
                        "description": "How the school's pages look.",
                        "additionalProperties": False,
                        "properties": {
                            "colour": {
                                "type": "string",
                                "pattern": "^#[0-9a-fA-F]{6}$",
                                "default": "#b3202a",
                                "description": "Main colour, `#rrggbb`.",
                            },
                            "logo": {"type": "string", "description": "URL of the school's logo."},
                        },
                    },
                    "profile": {**_profile, "description": "Kubernetes resources of this school's servers."},
                },
            },
        },
    },
}
