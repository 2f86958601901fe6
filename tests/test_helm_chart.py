"""The Helm chart in helm/mesolab, checked without a helm binary.

Helm is neither in Debian nor on PyPI, and the chart's dependency (Zero to JupyterHub)
cannot be downloaded here, so ``helm template`` cannot run in this suite. Instead:

* Chart.yaml, the hub image's Dockerfile and values.yaml are read as data: the z2jh
  dependency, the settings (validated with MësoLab's own schema), and the places where
  values.yaml says the same thing twice (MësoLab's settings and z2jh's values) must agree;
* the hub's extraConfig snippet is compiled and executed against a configuration shaped as
  z2jh leaves it, so the hub configuration it makes is checked for real;
* the templates are rendered by :func:`pseudo_render`, which knows just the Go template
  forms the chart uses (``if``/``with``/``end``, ``toYaml``/``include`` piped to
  ``nindent`` on a line of their own, ``.Values`` paths); other inline expressions become
  a placeholder. The result is parsed as YAML and the objects' security-relevant fields
  are compared with literal expectations. Every ``.Values`` path the templates use must
  exist in values.yaml, so a typo there fails here rather than rendering as empty.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml
from traitlets.config import Config

from mesolab.settings import parse_settings, validate

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "helm" / "mesolab"
TEMPLATES = CHART / "templates"
DOCKERFILE = ROOT / "helm" / "images" / "hub" / "Dockerfile"
PLACEHOLDER = "PLACEHOLDER"


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def chart() -> dict:
    return yaml.safe_load((CHART / "Chart.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def z2jh_version(chart) -> str:
    (dep,) = [d for d in chart["dependencies"] if d["name"] == "jupyterhub"]
    return dep["version"]


# --- a pseudo-renderer for the chart's templates ----------------------------------------

_COMMENT = re.compile(r"{{-?\s*/\*.*?\*/\s*-?}}", re.S)
_ACTION = re.compile(r"{{-?\s*(.*?)\s*-?}}", re.S)
_DEFINE = re.compile(r'{{-?\s*define\s+"([^"]+)"\s*-?}}(.*?){{-?\s*end\s*-?}}', re.S)
_VALUES_PATH = re.compile(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
_BLOCK = re.compile(r"^\s*{{-?\s*(if|with|else|end)\b\s*(.*?)\s*-?}}\s*$")
_PIPED = re.compile(r'^(\s*){{-?\s*(toYaml|include)\s+("[^"]+"\s+)?(\S+)\s*(?:\|\s*n?indent\s+(\d+))?\s*-?}}\s*$')


def lookup(values: dict, dotted: str):
    node = values
    for key in dotted.strip(".").split("."):
        if not isinstance(node, dict) or key not in node:
            raise KeyError(dotted)
        node = node[key]
    return node


def _evaluate(expr: str, values: dict, dot):
    tokens = expr.split()

    def term(i: int):
        tok = tokens[i]
        if tok == "not":
            value, j = term(i + 1)
            return not value, j
        if tok == "and":
            left, j = term(i + 1)
            right, k = term(j)
            return bool(left and right), k
        if tok == ".":
            return dot, i + 1
        if tok.startswith(".Values."):
            return lookup(values, tok[len(".Values") :]), i + 1
        raise ValueError(f"pseudo_render cannot evaluate {expr!r}")

    value, end = term(0)
    if end != len(tokens):
        raise ValueError(f"pseudo_render cannot evaluate {expr!r}")
    return value


def _inline(line: str, values: dict, defines: dict[str, str]) -> str:
    def one(match: re.Match) -> str:
        expr = match.group(1).strip()
        simple = re.fullmatch(r'\.Values(\.[\w.]+)(\s*\|\s*quote)?(?:\s*\|\s*default\s+"([^"]*)")?', expr)
        if simple:
            value = lookup(values, simple.group(1))
            if simple.group(3) is not None and not value:
                value = simple.group(3)
            return json.dumps(str(value)) if simple.group(2) else str(value)
        include = re.fullmatch(r'include\s+"([^"]+)"\s+\.', expr)
        if include and "\n" not in defines[include.group(1)]:
            return pseudo_render(defines[include.group(1)], values, defines).strip()
        return PLACEHOLDER

    return _ACTION.sub(one, line)


def _indent(text: str, width: int) -> list[str]:
    return [(" " * width + line) if line.strip() else "" for line in text.splitlines()]


def pseudo_render(text: str, values: dict, defines: dict[str, str]) -> str:
    """Render the Go template forms this chart uses; see the module docstring."""
    text = _COMMENT.sub("", _DEFINE.sub("", text))
    out: list[str] = []
    # (active, dot) per open block; if/with frames also remember whether the parent was active.
    stack: list[tuple[bool, object, bool]] = []
    dot: object = values
    for line in text.splitlines():
        active = all(frame[0] for frame in stack)
        block = _BLOCK.match(line)
        if block:
            kind, expr = block.groups()
            if kind == "if":
                stack.append((bool(_evaluate(expr, values, dot)) if active else False, dot, active))
            elif kind == "with":
                value = _evaluate(expr, values, dot) if active else None
                stack.append((bool(value), dot, active))
                dot = value
            elif kind == "else":
                was, saved, parent = stack.pop()
                stack.append((parent and not was, saved, parent))
            else:
                _, dot, _ = stack.pop()
            continue
        if not active:
            continue
        piped = _PIPED.match(line)
        if piped:
            lead, func, name, arg, width = piped.groups()
            width = int(width) if width else len(lead)
            if func == "toYaml":
                value = _evaluate(arg, values, dot)
                body = yaml.safe_dump(value, default_flow_style=False, sort_keys=False).rstrip("\n")
            else:
                body = pseudo_render(defines[name.strip().strip('"')], values, defines)
            out.extend(_indent(body, width))
            continue
        out.append(_inline(line, values, defines))
    if stack:
        raise ValueError("unclosed if/with block")
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def defines() -> dict[str, str]:
    return {name: body.strip() for name, body in _DEFINE.findall((TEMPLATES / "_helpers.tpl").read_text())}


def render(name: str, values: dict, defines: dict[str, str]) -> list[dict]:
    text = pseudo_render((TEMPLATES / name).read_text(encoding="utf-8"), values, defines)
    return [doc for doc in yaml.safe_load_all(text) if doc]


@pytest.fixture(scope="module")
def full_values(values) -> dict:
    """values.yaml with everything switched on that is off by default."""
    v = copy.deepcopy(values)
    v["worker"]["enabled"] = True
    v["mesolab"]["database"]["url"] = "postgresql+psycopg://mesolab:pw@postgres:5432/mesolab"
    v["mesolab"]["oidc"]["clientSecret"] = "s3cret"
    return v


def only(docs: list[dict], kind: str) -> dict:
    (doc,) = [d for d in docs if d["kind"] == kind]
    return doc


# --- Chart.yaml and the hub image -------------------------------------------------------


def test_chart_depends_on_zero_to_jupyterhub_4(chart, z2jh_version):
    assert chart["apiVersion"] == "v2"
    assert chart["name"] == "mesolab"
    (dep,) = chart["dependencies"]
    assert dep["name"] == "jupyterhub"
    assert dep["repository"] == "https://hub.jupyter.org/helm-chart/"
    assert re.fullmatch(r"4\.\d+\.\d+", z2jh_version)


def test_hub_image_extends_z2jh_hub_image_of_the_same_version(z2jh_version):
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert f"ARG Z2JH_VERSION={z2jh_version}\n" in text
    assert "FROM quay.io/jupyterhub/k8s-hub:${Z2JH_VERSION}\n" in text
    assert re.search(r"pip install [^\n]*/tmp/mesolab", text)
    # Back to z2jh's hub user after installing as root.
    assert text.rstrip().splitlines()[-1] == "USER 1000"


# --- values.yaml ------------------------------------------------------------------------


def test_settings_in_values_are_valid(values):
    filled = validate(values["mesolab"]["settings"], "values.yaml")
    assert filled["spawner"]["mode"] == "kubernetes"
    assert filled["schools"]


def test_values_said_twice_agree(values):
    settings = validate(values["mesolab"]["settings"], "values.yaml")
    z2jh = values["jupyterhub"]
    limits = settings["limits"]
    port = values["service"]["port"]
    service_url = f"http://mesolab-service:{port}"

    assert z2jh["fullnameOverride"] == ""
    assert z2jh["hub"]["image"] == {k: values["mesolab"]["image"][k] for k in ("name", "tag")}
    assert z2jh["cull"] == {
        "enabled": limits["cull_idle_after"] > 0,
        "timeout": limits["cull_idle_after"],
        "every": limits["cull_every"],
    }
    assert z2jh["hub"]["concurrentSpawnLimit"] == limits["concurrent_spawns"]
    assert (z2jh["hub"]["activeServerLimit"] or 0) == limits["active_servers"]
    single = z2jh["singleuser"]["image"]
    assert f"{single['name']}:{single['tag']}" == settings["spawner"]["kubernetes"]["default_profile"]["image"]

    assert z2jh["hub"]["services"]["mesolab"] == {"url": service_url, "display": False, "oauth_no_confirm": True}
    assert settings["service"]["url"] == service_url
    (rule,) = z2jh["singleuser"]["networkPolicy"]["egress"]
    assert rule["ports"] == [{"protocol": "TCP", "port": port}]
    assert values["mesolab"]["hubSecretName"] == "hub"
    assert values["mesolab"]["hubApiUrl"] == "http://hub:8081/hub/api"


def test_hub_mounts_the_settings_configmap(values, defines):
    hub = values["jupyterhub"]["hub"]
    (configmap,) = render("configmap-settings.yaml", values, defines)
    (volume,) = hub["extraVolumes"]
    (mount,) = hub["extraVolumeMounts"]
    assert volume == {"name": "mesolab-settings", "configMap": {"name": configmap["metadata"]["name"]}}
    assert mount == {"name": "mesolab-settings", "mountPath": "/usr/local/etc/mesolab", "readOnly": True}
    assert hub["extraEnv"]["MESOLAB_SETTINGS"] == mount["mountPath"] + "/mesolab.yaml"
    assert hub["extraEnv"]["MESOLAB_OIDC_CLIENT_SECRET"] == {
        "valueFrom": {"secretKeyRef": {"name": "mesolab-oidc", "key": "client-secret", "optional": True}}
    }


# --- the hub's extraConfig --------------------------------------------------------------


@pytest.fixture(scope="module")
def extra_config(values) -> str:
    return values["jupyterhub"]["hub"]["extraConfig"]["mesolab"]


def test_extra_config_compiles(extra_config):
    compile(extra_config, "hub.extraConfig.mesolab", "exec")


def z2jh_config() -> Config:
    """A hub configuration as z2jh's jupyterhub_config.py leaves it before hub.extraConfig."""
    c = Config()
    c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"
    c.JupyterHub.services = [
        {"name": "jupyterhub-idle-culler", "command": ["python3", "-m", "jupyterhub_idle_culler"]},
        {"name": "mesolab", "url": "http://mesolab-service:10101", "display": False, "api_token": "t0ken"},
    ]
    c.JupyterHub.load_roles = [
        {
            "name": "jupyterhub-idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["jupyterhub-idle-culler"],
        }
    ]
    c.KubeSpawner.start_timeout = 300
    c.KubeSpawner.image = "quay.io/jupyterhub/k8s-singleuser-sample:4.3.3"
    return c


def run_extra_config(snippet: str, settings_data: dict, tmp_path: Path, monkeypatch) -> Config:
    path = tmp_path / "mesolab.yaml"
    path.write_text(yaml.safe_dump(settings_data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("MESOLAB_SETTINGS", str(path))
    c = z2jh_config()
    exec(compile(snippet, "hub.extraConfig.mesolab", "exec"), {"c": c})  # as z2jh does
    return c


def test_extra_config_makes_the_mesolab_hub(extra_config, values, tmp_path, monkeypatch):
    c = run_extra_config(extra_config, values["mesolab"]["settings"], tmp_path, monkeypatch)

    assert c.JupyterHub.authenticator_class == "mesolab.authenticators.MesoLabLocalAuthenticator"
    assert c.JupyterHub.spawner_class == "mesolab.kube.MesoLabKubeSpawner"
    default = {
        "image": "quay.io/jupyter/scipy-notebook:2025-03-17",
        "cpu_guarantee": 0.1,
        "cpu_limit": 1,
        "mem_guarantee": "512M",
        "mem_limit": "1G",
        "storage_capacity": "2Gi",
    }
    assert c.MesoLabKubeSpawner.school_profiles == {"": default, "shkolla-shembull": default}
    # Users without a school get the default profile; the settings' start timeout wins.
    assert {k: c.MesoLabKubeSpawner[k] for k in default} == default
    assert c.MesoLabKubeSpawner.start_timeout == 300
    assert c.MesoLabKubeSpawner.automount_service_account_token is False
    assert c.JupyterHub.template_paths and c.JupyterHub.template_vars["mesolab_title"] == {
        "sq": "MësoLab",
        "en": "MësoLab",
    }

    # z2jh's services are left alone; MësoLab's roles are added to the culler's.
    assert [s["name"] for s in c.JupyterHub.services] == ["jupyterhub-idle-culler", "mesolab"]
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert list(roles) == [
        "jupyterhub-idle-culler",
        "national-admin",
        "shkolla-shembull.school-admin",
        "shkolla-shembull.teacher",
        "shkolla-shembull.trainer",
        "shkolla-shembull.student",
        "mesolab-service",
    ]
    assert roles["national-admin"]["users"] == ["admin.kombetar"]
    assert roles["mesolab-service"]["services"] == ["mesolab"]
    assert roles["shkolla-shembull.student"] == {
        "name": "shkolla-shembull.student",
        "description": "MësoLab student of Example Vocational School",
        "scopes": ["self", "access:services!service=mesolab"],
        "groups": ["shkolla-shembull.students"],
    }


def test_extra_config_with_oidc_reads_the_client_secret_from_the_environment(
    extra_config, values, tmp_path, monkeypatch
):
    data = copy.deepcopy(values["mesolab"]["settings"])
    data["auth"] = {
        "mode": "oidc",
        "oidc": {
            "client_id": "mesolab",
            "authorize_url": "https://id.example.al/auth",
            "token_url": "https://id.example.al/token",
            "userdata_url": "https://id.example.al/userinfo",
        },
    }
    monkeypatch.setenv("MESOLAB_OIDC_CLIENT_SECRET", "from-the-secret")
    c = run_extra_config(extra_config, data, tmp_path, monkeypatch)
    assert c.JupyterHub.authenticator_class == "mesolab.authenticators.MesoLabOIDCAuthenticator"
    assert c.MesoLabOIDCAuthenticator.client_secret == "from-the-secret"
    assert c.MesoLabOIDCAuthenticator.oauth_callback_url == "https://mesolab.example.al/hub/oauth_callback"
    assert c.MesoLabOIDCAuthenticator.schools == ["shkolla-shembull"]


def test_extra_config_refuses_a_settings_file_not_for_kubernetes(extra_config, values, tmp_path, monkeypatch):
    data = copy.deepcopy(values["mesolab"]["settings"])
    data["spawner"] = {"mode": "local"}
    with pytest.raises(SystemExit, match="spawner.mode must be kubernetes"):
        run_extra_config(extra_config, data, tmp_path, monkeypatch)


# --- templates ------------------------------------------------------------------------

EXPECTED_TEMPLATES = {
    "configmap-settings.yaml": "ConfigMap",
    "secret-db.yaml": "Secret",
    "secret-oidc.yaml": "Secret",
    "service-deployment.yaml": "Deployment",
    "service-service.yaml": "Service",
    "worker-deployment.yaml": "Deployment",
    "worker-networkpolicy.yaml": "NetworkPolicy",
}


def test_templates_exist_and_render_to_their_kind(full_values, defines):
    assert {p.name for p in TEMPLATES.glob("*.yaml")} == set(EXPECTED_TEMPLATES)
    for name, kind in EXPECTED_TEMPLATES.items():
        (doc,) = render(name, full_values, defines)
        assert doc["kind"] == kind, name
        assert doc["metadata"]["labels"]["app.kubernetes.io/name"] == "mesolab"


def test_every_values_path_in_the_templates_exists(values):
    used = set()
    for path in TEMPLATES.iterdir():
        used.update(_VALUES_PATH.findall(path.read_text(encoding="utf-8")))
    assert used
    missing = []
    for dotted in sorted(used):
        try:
            lookup(values, dotted)
        except KeyError:
            missing.append(dotted)
    assert missing == []


def test_every_include_is_defined(defines):
    for path in TEMPLATES.iterdir():
        for name in re.findall(r'(?:include|template)\s+"([^"]+)"', path.read_text(encoding="utf-8")):
            assert name in defines, f"{path.name}: {name}"


def test_workers_on_and_optional_secrets_off_by_default(values, defines):
    (worker,) = render("worker-deployment.yaml", values, defines)
    env = {e["name"]: e for e in worker["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["MESOLAB_GRADER_TOKEN"]["valueFrom"]["secretKeyRef"]["key"] == "hub.services.mesolab-grader.apiToken"
    assert "mesolab-grader" in values["jupyterhub"]["hub"]["services"]
    assert len(render("worker-networkpolicy.yaml", values, defines)) == 1
    assert render("secret-oidc.yaml", values, defines) == []
    no_policy = copy.deepcopy(values)
    no_policy["worker"]["enabled"] = True
    no_policy["worker"]["networkPolicy"]["enabled"] = False
    assert render("worker-networkpolicy.yaml", no_policy, defines) == []
    assert "required" in (TEMPLATES / "secret-db.yaml").read_text()


def test_settings_configmap_holds_the_settings_file(values, defines):
    (configmap,) = render("configmap-settings.yaml", values, defines)
    assert configmap["metadata"]["name"] == "mesolab-settings"
    text = configmap["data"]["mesolab.yaml"]
    assert yaml.safe_load(text) == values["mesolab"]["settings"]
    assert parse_settings(text, Path("mesolab.yaml")).spawner_mode == "kubernetes"


def test_service_deployment(full_values, defines):
    deployment = only(render("service-deployment.yaml", full_values, defines), "Deployment")
    assert deployment["metadata"]["name"] == "mesolab-service"
    pod = deployment["spec"]["template"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= pod["metadata"]["labels"].items()
    assert selector["app.kubernetes.io/component"] == "service"
    assert pod["metadata"]["labels"]["hub.jupyter.org/network-access-hub"] == "true"

    spec = pod["spec"]
    assert spec["automountServiceAccountToken"] is False
    assert spec["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": 1000,
        "runAsGroup": 1000,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    (container,) = spec["containers"]
    assert container["command"] == ["mesolab", "service"]
    assert container["args"] == ["--db-url", "$(MESOLAB_DB_URL)"]
    assert container["ports"] == [{"name": "http", "containerPort": 10101}]
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
    assert env == {
        "MESOLAB_SETTINGS": "/usr/local/etc/mesolab/mesolab.yaml",
        "MESOLAB_DB_URL": {"secretKeyRef": {"name": "mesolab-db", "key": "url"}},
        "JUPYTERHUB_SERVICE_NAME": "mesolab",
        "JUPYTERHUB_API_TOKEN": {"secretKeyRef": {"name": "hub", "key": "hub.services.mesolab.apiToken"}},
        "JUPYTERHUB_API_URL": "http://hub:8081/hub/api",
        "JUPYTERHUB_BASE_URL": "/",
        "JUPYTERHUB_SERVICE_URL": PLACEHOLDER,
        "JUPYTERHUB_SERVICE_PREFIX": "/services/mesolab/",
        "JUPYTERHUB_CLIENT_ID": "service-mesolab",
        "JUPYTERHUB_OAUTH_CALLBACK_URL": "/services/mesolab/oauth_callback",
        "JUPYTERHUB_PUBLIC_URL": PLACEHOLDER,
    }
    (init,) = spec["initContainers"]
    assert init["command"] == ["mesolab", "db", "upgrade"]
    assert {e["name"] for e in init["env"]} == {"MESOLAB_SETTINGS", "MESOLAB_DB_URL"}
    assert {"name": "settings", "configMap": {"name": "mesolab-settings"}} in spec["volumes"]

    (service,) = render("service-service.yaml", full_values, defines)
    assert service["metadata"]["name"] == "mesolab-service"
    assert service["spec"]["selector"] == selector
    assert service["spec"]["ports"] == [{"name": "http", "port": 10101, "targetPort": "http", "protocol": "TCP"}]


def test_service_uses_an_existing_database_secret(full_values, defines):
    v = copy.deepcopy(full_values)
    v["mesolab"]["database"] = {"url": "", "existingSecret": "record-db", "secretKey": "uri"}
    assert render("secret-db.yaml", v, defines) == []
    (container,) = only(render("service-deployment.yaml", v, defines), "Deployment")["spec"]["template"]["spec"][
        "containers"
    ]
    (db_env,) = [e for e in container["env"] if e["name"] == "MESOLAB_DB_URL"]
    assert db_env["valueFrom"] == {"secretKeyRef": {"name": "record-db", "key": "uri"}}


def test_worker_deployment_is_locked_down(full_values, defines):
    (deployment,) = render("worker-deployment.yaml", full_values, defines)
    assert deployment["metadata"]["name"] == "mesolab-worker"
    spec = deployment["spec"]["template"]["spec"]
    assert spec["automountServiceAccountToken"] is False
    assert spec["enableServiceLinks"] is False
    assert spec["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": 1000,
        "runAsGroup": 1000,
        "fsGroup": 1000,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    (container,) = spec["containers"]
    assert container["command"] == ["mesolab", "worker"]
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    assert "serviceAccountName" not in spec
    assert {m["mountPath"] for m in container["volumeMounts"]} == {"/usr/local/etc/mesolab", "/tmp", "/home/worker"}


def test_worker_network_policy_allows_only_the_service_and_dns(full_values, defines):
    (deployment,) = render("worker-deployment.yaml", full_values, defines)
    (policy,) = render("worker-networkpolicy.yaml", full_values, defines)
    worker_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert policy["spec"]["podSelector"]["matchLabels"].items() <= worker_labels.items()
    assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
    assert policy["spec"]["ingress"] == []
    to_service, dns = policy["spec"]["egress"]
    assert to_service == {
        "to": [
            {
                "podSelector": {
                    "matchLabels": {
                        "app.kubernetes.io/name": "mesolab",
                        "app.kubernetes.io/instance": PLACEHOLDER,
                        "app.kubernetes.io/component": "service",
                    }
                }
            }
        ],
        "ports": [{"protocol": "TCP", "port": 10101}],
    }
    assert dns == {
        "to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}}}],
        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
    }

    no_dns = copy.deepcopy(full_values)
    no_dns["worker"]["networkPolicy"]["allowDNS"] = False
    (policy,) = render("worker-networkpolicy.yaml", no_dns, defines)
    assert policy["spec"]["egress"] == [to_service]
